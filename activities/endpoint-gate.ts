// The circuit breaker and rate limit around one attempt, on the state all
// workers share. Short waits are slept here (Temporal retries in no less than
// about a second); long ones go back to Temporal as the next retry's delay.
import { setTimeout as sleep } from 'node:timers/promises';
import { retryLater, type FailedOutcome } from '../src/delivery/attempt-outcome.js';
import { peekBreakerState, recordSuccessWhileClosed, withEndpointState } from '../src/db/endpoint-health.js';
import type { Pool } from '../src/db/pool.js';
import {
  admit,
  afterAttempt,
  withJitterWait,
  type BreakerState,
  type EndpointState,
  type GatePolicy,
} from '../src/delivery/endpoint-gate.js';
import { FailureType } from '../src/delivery/failure-types.js';

/** Waits up to this long are slept inside the activity. */
const SLEEP_IN_ACTIVITY_MS = 2_000;

export interface BreakerSettings {
  failureThreshold: number;
  baseCooldownMs: number;
  maxCooldownMs: number;
}

export function gatePolicy(settings: BreakerSettings, timeoutMs: number, rateLimitPerSecond: number | null): GatePolicy {
  // The lease outlasts the probe's own timeout a little, so a probe lost with
  // its worker frees the endpoint for another soon after.
  return { ...settings, probeLeaseMs: timeoutMs + 1_000, rateLimitPerSecond };
}

/** Let through in this breaker state, or told to wait (a retry that spends no attempt). */
export type GatePass = { passedAs: BreakerState } | { wait: FailedOutcome };

/**
 * Returns once this delivery may call the endpoint, with the breaker state it
 * passed through; or, when it must wait long, the wait to hand to Temporal.
 */
export async function passGate(pool: Pool, subscriptionId: string, policy: GatePolicy): Promise<GatePass> {
  // Fast path, the healthy common case: closed and unlimited needs no lock.
  if (policy.rateLimitPerSecond === null && (await peekBreakerState(pool, subscriptionId)) === 'closed') return { passedAs: 'closed' };
  for (;;) {
    const admission = await withEndpointState(pool, subscriptionId, (state, now) => ({ ...admit(state, policy, now), before: state.state }));
    if (admission.kind === 'send') return { passedAs: admission.before };
    if (admission.waitMs <= SLEEP_IN_ACTIVITY_MS) {
      await sleep(admission.waitMs);
      continue;
    }
    const why =
      admission.reason === 'circuit-open'
        ? `circuit open until ${admission.until.toISOString()}`
        : admission.reason === 'probe-in-flight'
          ? 'circuit half-open: another delivery is probing the endpoint'
          : 'rate limit reached';
    // A wait, not a failure: no HTTP call was made and no attempt is spent.
    return {
      wait: retryLater(
        admission.reason === 'rate-limited' ? FailureType.RateLimited : FailureType.CircuitOpen,
        `${why}; waiting without calling the endpoint`,
        withJitterWait(admission.waitMs),
      ),
    };
  }
}

/** A success closes the breaker; `passedAs` is the state the gate let the delivery through in. */
export async function recordGateSuccess(pool: Pool, subscriptionId: string, policy: GatePolicy, passedAs: BreakerState): Promise<void> {
  if (passedAs === 'closed') return recordSuccessWhileClosed(pool, subscriptionId);
  await withEndpointState(pool, subscriptionId, (state, now) => afterAttempt(state, policy, now, true));
}

/** A failure counts towards opening the breaker; returns the state after it. */
export async function recordGateFailure(pool: Pool, subscriptionId: string, policy: GatePolicy): Promise<EndpointState> {
  const { next } = await withEndpointState(pool, subscriptionId, (state, now) => afterAttempt(state, policy, now, false));
  return next;
}

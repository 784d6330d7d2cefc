// The circuit breaker and rate limit around one attempt: the one entry point
// to the concept. The transitions are pure (endpoint-gate.ts); the state is
// shared by every worker and kept by a BreakerStore (PostgreSQL in
// production, src/db/endpoint-health.ts). Short waits are slept here
// (Temporal retries in no less than about a second); long ones go back to
// Temporal as the next retry's delay.
import { setTimeout as sleep } from 'node:timers/promises';
import { retryLater, type FailedOutcome } from './attempt-outcome.js';
import {
  admit,
  afterAttempt,
  withJitterWait,
  type Admission,
  type BreakerState,
  type EndpointState,
  type GatePolicy,
  type Transition,
} from './endpoint-gate.js';
import { FailureType } from './failure-types.js';

/** Where the breaker's state lives: all the breaker needs of its storage. */
export interface BreakerStore {
  /** The state without a lock: a closed breaker with no rate limit needs no more. */
  peek(subscriptionId: string): Promise<BreakerState>;
  /**
   * Runs `decide` on the current state (and the store's clock) with the state
   * locked, keeps the `next` state and the transition it returns, and hands back its result.
   */
  update<T extends { next: EndpointState; transition?: Transition | undefined }>(
    subscriptionId: string,
    decide: (current: EndpointState, now: Date) => T,
  ): Promise<T>;
  /** A success on a closed breaker: clears the failure count, without a lock. */
  recordSuccessWhileClosed(subscriptionId: string): Promise<void>;
}

export interface BreakerSettings {
  failureThreshold: number;
  baseCooldownMs: number;
  maxCooldownMs: number;
}

/** The endpoint an attempt is about to call. */
export interface BreakerTarget {
  subscriptionId: string;
  /** The attempt's HTTP timeout: a half-open probe holds its lease a little longer. */
  timeoutMs: number;
  /** Requests per second to this endpoint, across all workers; null for no limit. */
  rateLimitPerSecond: number | null;
}

/** An attempt the breaker let through: hand it back with the attempt's result. */
export interface BreakerPass {
  subscriptionId: string;
  policy: GatePolicy;
  /** The breaker state the attempt passed through. */
  passedAs: BreakerState;
}

/** Waits up to this long are slept inside the activity. */
const SLEEP_IN_ACTIVITY_MS = 2_000;

export interface Breaker {
  /** Returns once the attempt may call the endpoint; or, when it must wait long, the wait to hand to Temporal. */
  pass(target: BreakerTarget): Promise<BreakerPass | { wait: FailedOutcome }>;
  /** A success closes the breaker. */
  succeeded(pass: BreakerPass): Promise<void>;
  /** A failure counts towards opening the breaker; returns the state after it (the auto-disable clock). */
  failed(pass: BreakerPass): Promise<EndpointState>;
}

export function createBreaker(store: BreakerStore, settings: BreakerSettings): Breaker {
  return {
    async pass({ subscriptionId, timeoutMs, rateLimitPerSecond }) {
      // The lease outlasts the probe's own timeout a little, so a probe lost
      // with its worker frees the endpoint for another soon after.
      const policy: GatePolicy = { ...settings, probeLeaseMs: timeoutMs + 1_000, rateLimitPerSecond };
      // Fast path, the healthy common case: closed and unlimited needs no lock.
      if (rateLimitPerSecond === null && (await store.peek(subscriptionId)) === 'closed') {
        return { subscriptionId, policy, passedAs: 'closed' };
      }
      for (;;) {
        const admission = await store.update(subscriptionId, (state, now) => ({ ...admit(state, policy, now), before: state.state }));
        if (admission.kind === 'send') return { subscriptionId, policy, passedAs: admission.before };
        if (admission.waitMs > SLEEP_IN_ACTIVITY_MS) return { wait: waitOutcome(admission) };
        await sleep(admission.waitMs);
      }
    },

    async succeeded({ subscriptionId, policy, passedAs }) {
      if (passedAs === 'closed') return store.recordSuccessWhileClosed(subscriptionId);
      await store.update(subscriptionId, (state, now) => afterAttempt(state, policy, now, true));
    },

    async failed({ subscriptionId, policy }) {
      const { next } = await store.update(subscriptionId, (state, now) => afterAttempt(state, policy, now, false));
      return next;
    },
  };
}

/** A wait, not a failure: no HTTP call was made and no attempt is spent. */
export function waitOutcome(admission: Extract<Admission, { kind: 'wait' }>): FailedOutcome {
  const why =
    admission.reason === 'circuit-open'
      ? `circuit open until ${admission.until.toISOString()}`
      : admission.reason === 'probe-in-flight'
        ? 'circuit half-open: another delivery is probing the endpoint'
        : 'rate limit reached';
  return retryLater(
    admission.reason === 'rate-limited' ? FailureType.RateLimited : FailureType.CircuitOpen,
    `${why}; waiting without calling the endpoint`,
    withJitterWait(admission.waitMs),
  );
}

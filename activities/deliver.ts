// The delivery attempt, in phases, each in its own module behind a narrow
// interface: load what it needs (attempt/load.ts), admit it past the circuit
// breaker and rate limit (src/delivery/breaker.ts), send the signed POST
// through the SSRF-guarded agent (attempt/send.ts), record the attempt
// (attempt/record.ts), decide what comes next (attempt/decide.ts). It ends
// in an AttemptOutcome: the event workflow's first attempt (a local activity)
// takes it as it is; the `deliver` activity of a delivery workflow turns it
// into the failure Temporal retries or stops on.
import { ApplicationFailure } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import { markDeliveryDead as markDead, reopenDelivery, type DeliveryTarget } from '../src/db/deliveries.js';
import { postgresBreakerStore } from '../src/db/endpoint-health.js';
import type { Pool } from '../src/db/pool.js';
import type { AttemptOutcome } from '../src/delivery/attempt-outcome.js';
import { createBreaker, type BreakerSettings } from '../src/delivery/breaker.js';
import type { AddressPolicy } from '../src/delivery/url-guard.js';
import type { SecretBox } from '../src/crypto/secret-box.js';
import type { Logger } from '../src/logger.js';
import type { HookflowMetrics } from '../src/metrics/metrics.js';
import { decideAfterAttempt, type OperationalEvent } from './attempt/decide.js';
import { loadAttempt } from './attempt/load.js';
import { recordSentAttempt } from './attempt/record.js';
import { sendAttempt } from './attempt/send.js';

export type { OperationalEvent } from './attempt/decide.js';

export interface DeliverDeps {
  pool: Pool;
  /** The SSRF-guarded agent (createGuardedAgent with `addressPolicy`): the guard's one entry point for sending. */
  http: Dispatcher;
  logger: Logger;
  userAgent: string;
  secretBox: SecretBox;
  /** The SSRF guard's policy, which the worker builds `http` with. */
  addressPolicy: AddressPolicy;
  retryScheduleSeconds: readonly number[];
  deliveryTimeoutMs: number;
  /** How often a delivery to a paused subscription looks again (default 30 s). */
  pausedRecheckMs?: number;
  breaker: BreakerSettings;
  /** A subscription failing without a success for this long is disabled. */
  autoDisableAfterMs: number;
  metrics: HookflowMetrics;
  /** Publishes an operational event (e.g. `subscription.disabled`) through hookflow itself. */
  announce: (event: OperationalEvent) => Promise<void>;
}

const DEFAULT_PAUSED_RECHECK_MS = 30_000;

export interface DeliverResult {
  statusCode: number;
  attemptNumber: number;
}

/**
 * One attempt at a delivery, start to finish, given its id and, when the
 * caller has just read it, its target (see loadAttempt). Infrastructure
 * errors (PostgreSQL) throw, to be retried.
 */
export type Attempt = (deliveryId: string, known?: DeliveryTarget) => Promise<AttemptOutcome>;

export function createAttempt(deps: DeliverDeps): Attempt {
  const breaker = createBreaker(postgresBreakerStore(deps.pool), deps.breaker);
  const loadDeps = { ...deps, pausedRecheckMs: deps.pausedRecheckMs ?? DEFAULT_PAUSED_RECHECK_MS };
  const decideDeps = { ...deps, breaker };

  return async function attempt(deliveryId, known) {
    const loaded = await loadAttempt(loadDeps, deliveryId, known);
    if ('outcome' in loaded) return loaded.outcome;
    const { target } = loaded;
    const timeoutMs = target.timeoutMs ?? deps.deliveryTimeoutMs;
    const pass = await breaker.pass(
      { subscriptionId: target.subscriptionId, timeoutMs, rateLimitPerSecond: target.rateLimitPerSecond },
      target.breaker,
    );
    if ('wait' in pass) return pass.wait;
    const sent = await sendAttempt(deps, loaded, timeoutMs);
    const numbers = await recordSentAttempt(deps, target, sent);
    return decideAfterAttempt(decideDeps, target, pass, sent, numbers);
  };
}

/** `attempt`: shared with the event activities' first attempts (activities/index.ts). */
export function createDeliverActivities(deps: DeliverDeps, attempt: Attempt = createAttempt(deps)) {
  /** A delivery workflow's attempt: Temporal retries it after the outcome's wait, or stops. */
  async function deliver({ deliveryId }: { deliveryId: string }): Promise<DeliverResult> {
    const outcome = await attempt(deliveryId);
    if (outcome.kind === 'succeeded') return { statusCode: outcome.statusCode, attemptNumber: outcome.attemptNumber };
    throw ApplicationFailure.create({
      message: outcome.message,
      type: outcome.failureType,
      ...(outcome.kind === 'retry' ? { nextRetryDelay: outcome.delayMs } : { nonRetryable: true }),
    });
  }

  /** The event workflow's first attempt at one subscriber: its outcome, for the workflow to act on. */
  async function attemptFirst({ deliveryId }: { deliveryId: string }): Promise<AttemptOutcome> {
    return attempt(deliveryId);
  }

  /** A fifo stream's attempt at its head: the outcome, for the stream to wait on, retry or dead-letter. */
  async function attemptInOrder({ deliveryId }: { deliveryId: string }): Promise<AttemptOutcome> {
    return attempt(deliveryId);
  }

  async function markDeliveryDead({ deliveryId, reason }: { deliveryId: string; reason: string }): Promise<void> {
    await markDead(deps.pool, deliveryId, reason);
    deps.metrics.deliveries.inc({ outcome: 'dead' });
  }

  async function markDeliveryPending(deliveryId: string): Promise<void> {
    await reopenDelivery(deps.pool, deliveryId);
  }

  return { deliver, attemptFirst, attemptInOrder, markDeliveryDead, markDeliveryPending };
}

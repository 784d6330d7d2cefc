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

/**
 * The endpoint's breaker read without a lock: all a closed breaker with no
 * rate limit needs, to let an attempt through and to learn of its success.
 * Read by the store's `peek`, or by a query of the caller's own (the delivery
 * attempt reads it with its delivery, src/db/deliveries.ts).
 */
export interface BreakerPeek {
  state: BreakerState;
  /**
   * For how long after `peekedAt` a success on the closed breaker would
   * still write nothing (see BreakerStore.recordSuccessWhileClosed): 0 when
   * it would write (a failure count to clear, or last_success_at due for
   * its refresh), Infinity when the endpoint has no state at all yet.
   */
  quietSuccessMs: number;
  /** performance.now() just before the read was sent: no later than when the store read its clock. */
  peekedAt: number;
}

/** Where the breaker's state lives: all the breaker needs of its storage. */
export interface BreakerStore {
  /** The state without a lock: a closed breaker with no rate limit needs no more. */
  peek(subscriptionId: string): Promise<BreakerPeek>;
  /**
   * Runs `decide` on the current state (and the store's clock) with the state
   * locked, keeps the `next` state and the transition it returns, and hands back its result.
   */
  update<T extends { next: EndpointState; transition?: Transition | undefined }>(
    subscriptionId: string,
    decide: (current: EndpointState, now: Date) => T,
  ): Promise<T>;
  /**
   * A success on a closed breaker: clears the failure count, without a lock,
   * and refreshes the last success at most once a second; it writes nothing
   * otherwise (BreakerPeek.quietSuccessMs says for how long).
   */
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
  /** Passed on a peek (closed, no rate limit): until when, in performance.now() time, its success writes nothing. */
  quietSuccessUntil?: number;
}

/** Waits up to this long are slept inside the activity. */
const SLEEP_IN_ACTIVITY_MS = 2_000;

export interface Breaker {
  /**
   * Returns once the attempt may call the endpoint; or, when it must wait
   * long, the wait to hand to Temporal. `peeked`: the breaker as the caller
   * already read it, which spares the store's own peek.
   */
  pass(target: BreakerTarget, peeked?: BreakerPeek): Promise<BreakerPass | { wait: FailedOutcome }>;
  /** A success closes the breaker. */
  succeeded(pass: BreakerPass): Promise<void>;
  /** A failure counts towards opening the breaker; returns the state after it (the auto-disable clock). */
  failed(pass: BreakerPass): Promise<EndpointState>;
}

export function createBreaker(store: BreakerStore, settings: BreakerSettings): Breaker {
  return {
    async pass({ subscriptionId, timeoutMs, rateLimitPerSecond }, peeked) {
      // The lease outlasts the probe's own timeout a little, so a probe lost
      // with its worker frees the endpoint for another soon after.
      const policy: GatePolicy = { ...settings, probeLeaseMs: timeoutMs + 1_000, rateLimitPerSecond };
      // Fast path, the healthy common case: closed and unlimited needs no lock.
      if (rateLimitPerSecond === null) {
        const peek = peeked ?? (await store.peek(subscriptionId));
        if (peek.state === 'closed') return { subscriptionId, policy, passedAs: 'closed', quietSuccessUntil: peek.peekedAt + peek.quietSuccessMs };
      }
      for (;;) {
        const admission = await store.update(subscriptionId, (state, now) => ({ ...admit(state, policy, now), before: state.state }));
        if (admission.kind === 'send') return { subscriptionId, policy, passedAs: admission.before };
        if (admission.waitMs > SLEEP_IN_ACTIVITY_MS) return { wait: waitOutcome(admission) };
        await sleep(admission.waitMs);
      }
    },

    async succeeded({ subscriptionId, policy, passedAs, quietSuccessUntil }) {
      if (passedAs === 'closed') {
        // The peek said this success writes nothing, and the time since it
        // (counted from before it was sent) says it still does: no round
        // trip. A failure another attempt recorded in between would have
        // been cleared by the statement; leaving it is the same as that
        // failure having come just after this success, an order concurrent
        // attempts allow anyway. One that opened the breaker would have kept
        // the statement from matching too.
        if (quietSuccessUntil !== undefined && performance.now() < quietSuccessUntil) return;
        return store.recordSuccessWhileClosed(subscriptionId);
      }
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

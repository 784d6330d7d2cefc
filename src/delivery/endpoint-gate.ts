// Whether a delivery may call its endpoint now: the circuit breaker and the
// rate limit, as pure state transitions. The repository applies them under a
// row lock, so every worker sees and moves the same state.

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface EndpointState {
  state: BreakerState;
  consecutiveFailures: number;
  /** Trips since the last success: each one doubles the cool-down. */
  trips: number;
  openUntil: Date | null;
  /** Half-open: the probe's lease; another probe may start once it lapses. */
  probeUntil: Date | null;
  lastSuccessAt: Date | null;
  /** The first failure since the last success: the auto-disable clock. */
  failingSince: Date | null;
  /** Rate-limit bucket (capacity one request, so a second never sees more than the limit plus one). */
  tokens: number;
  tokensAt: Date | null;
}

export interface GatePolicy {
  failureThreshold: number;
  baseCooldownMs: number;
  maxCooldownMs: number;
  /** How long a half-open probe holds its lease (the attempt's timeout and a margin). */
  probeLeaseMs: number;
  /** Requests per second to this endpoint, across all workers; null for no limit. */
  rateLimitPerSecond: number | null;
}

export type Transition = { from: BreakerState; to: BreakerState; reason: string };

export type Admission =
  | { kind: 'send'; probe: boolean; next: EndpointState; transition?: Transition }
  | { kind: 'wait'; waitMs: number; reason: 'circuit-open' | 'probe-in-flight' | 'rate-limited'; until: Date; next: EndpointState };

export const INITIAL_STATE: EndpointState = Object.freeze({
  state: 'closed',
  consecutiveFailures: 0,
  trips: 0,
  openUntil: null,
  probeUntil: null,
  lastSuccessAt: null,
  failingSince: null,
  tokens: 1,
  tokensAt: null,
});

export function cooldownMs(trips: number, policy: Pick<GatePolicy, 'baseCooldownMs' | 'maxCooldownMs'>): number {
  return Math.min(policy.maxCooldownMs, policy.baseCooldownMs * 2 ** Math.max(0, trips - 1));
}

/** May a delivery call the endpoint now? A `send` takes the rate-limit token and, when half-open, the probe lease. */
export function admit(current: EndpointState, policy: GatePolicy, now: Date): Admission {
  const t = now.getTime();
  let next: EndpointState = { ...current };
  let transition: Transition | undefined;
  let probe = false;

  if (next.state === 'open') {
    if (next.openUntil && next.openUntil.getTime() > t) return wait(next, 'circuit-open', next.openUntil, t);
    transition = { from: 'open', to: 'half_open', reason: 'cool-down over: one probe goes through' };
    next = { ...next, state: 'half_open', probeUntil: null };
  }
  if (next.state === 'half_open') {
    if (next.probeUntil && next.probeUntil.getTime() > t) return wait(next, 'probe-in-flight', next.probeUntil, t);
    probe = true;
  }

  if (policy.rateLimitPerSecond !== null) {
    const elapsedSeconds = next.tokensAt ? Math.max(0, t - next.tokensAt.getTime()) / 1000 : Infinity;
    // Rounded, so a wait computed now is exactly long enough when it ends.
    const tokens = Math.min(1, roundTokens(next.tokens + elapsedSeconds * policy.rateLimitPerSecond));
    if (tokens < 1) {
      const waitMs = Math.ceil(((1 - tokens) / policy.rateLimitPerSecond) * 1000 - 1e-6);
      // Nothing changes while waiting: not the tokens, and not the breaker (a
      // cool-down that is over turns half-open only when its probe really goes).
      return wait(current, 'rate-limited', new Date(t + waitMs), t);
    }
    next = { ...next, tokens: tokens - 1, tokensAt: now };
  }
  if (probe) next = { ...next, probeUntil: new Date(t + policy.probeLeaseMs) };
  return transition ? { kind: 'send', probe, next, transition } : { kind: 'send', probe, next };
}

/** The state after an attempt's outcome. */
export function afterAttempt(
  current: EndpointState,
  policy: GatePolicy,
  now: Date,
  succeeded: boolean,
): { next: EndpointState; transition?: Transition } {
  if (succeeded) {
    const next: EndpointState = {
      ...current,
      state: 'closed',
      consecutiveFailures: 0,
      trips: 0,
      openUntil: null,
      probeUntil: null,
      lastSuccessAt: now,
      failingSince: null,
    };
    return current.state === 'closed' ? { next } : { next, transition: { from: current.state, to: 'closed', reason: 'a delivery succeeded' } };
  }

  const failures = current.consecutiveFailures + 1;
  const failing: EndpointState = { ...current, consecutiveFailures: failures, failingSince: current.failingSince ?? now };
  const tripping = current.state === 'half_open' || (current.state === 'closed' && failures >= policy.failureThreshold);
  if (!tripping) return { next: failing };

  const trips = current.trips + 1;
  const openUntil = new Date(now.getTime() + cooldownMs(trips, policy));
  const reason = current.state === 'half_open' ? 'the probe failed' : `${failures} consecutive failed attempts`;
  return {
    next: { ...failing, state: 'open', trips, openUntil, probeUntil: null },
    transition: { from: current.state, to: 'open', reason: `${reason}; open until ${openUntil.toISOString()}` },
  };
}

function wait(next: EndpointState, reason: 'circuit-open' | 'probe-in-flight' | 'rate-limited', until: Date, nowMs: number): Admission {
  return { kind: 'wait', waitMs: Math.max(0, until.getTime() - nowMs), reason, until, next };
}

/** Whether a subscription failing since `failingSince` has failed long enough to be disabled. */
export function dueForAutoDisable(state: Pick<EndpointState, 'failingSince'>, now: Date, autoDisableAfterMs: number): boolean {
  return state.failingSince !== null && now.getTime() - state.failingSince.getTime() >= autoDisableAfterMs;
}

/**
 * A wait handed back to Temporal, spread a little (up to +10%, at least the
 * wait itself) so deliveries held by one breaker do not all probe at once.
 */
export function withJitterWait(waitMs: number, random: () => number = Math.random): number {
  return Math.ceil(waitMs * (1 + 0.1 * random()));
}

function roundTokens(tokens: number): number {
  return Math.round(tokens * 1e9) / 1e9;
}

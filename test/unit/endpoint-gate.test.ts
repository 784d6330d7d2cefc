import { beforeAll, describe, expect, it } from 'vitest';
import {
  INITIAL_STATE,
  admit,
  afterAttempt,
  cooldownMs,
  dueForAutoDisable,
  withJitterWait,
  type Admission,
  type EndpointState,
  type GatePolicy,
  type Transition,
} from '../../src/delivery/endpoint-gate.js';

// ---------------------------------------------------------------------------
// Fixed clock: every instant is an offset from T0; no real time, no timers.
// ---------------------------------------------------------------------------

const T0 = Date.UTC(2024, 0, 15, 12, 0, 0, 0);
const at = (ms: number): Date => new Date(T0 + ms);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function policy(overrides: Partial<GatePolicy> = {}): GatePolicy {
  return Object.freeze({
    failureThreshold: 5,
    baseCooldownMs: 30 * SECOND,
    maxCooldownMs: 10 * MINUTE,
    probeLeaseMs: 20 * SECOND,
    rateLimitPerSecond: null,
    ...overrides,
  });
}

/** A frozen state, so any mutation of the input by the gate throws (ESM is strict mode). */
function state(overrides: Partial<EndpointState> = {}): EndpointState {
  return Object.freeze({ ...INITIAL_STATE, ...overrides });
}

type Send = Extract<Admission, { kind: 'send' }>;
type Wait = Extract<Admission, { kind: 'wait' }>;

function asSend(a: Admission): Send {
  if (a.kind !== 'send') throw new Error(`expected a send, got ${JSON.stringify(a)}`);
  return a;
}

function asWait(a: Admission): Wait {
  if (a.kind !== 'wait') throw new Error(`expected a wait, got ${JSON.stringify(a)}`);
  return a;
}

/** Records `n` failed attempts, one per `stepMs`, starting at `fromMs`. */
function failTimes(s: EndpointState, p: GatePolicy, n: number, fromMs = 0, stepMs = SECOND) {
  let current = s;
  const transitions: Transition[] = [];
  for (let i = 0; i < n; i++) {
    const r = afterAttempt(current, p, at(fromMs + i * stepMs), false);
    current = r.next;
    if (r.transition) transitions.push(r.transition);
  }
  return { next: current, transitions };
}

/** An open circuit as the threshold-th failure leaves it (trips 1, opened at `openedAtMs`). */
function openedAt(p: GatePolicy, openedAtMs: number): EndpointState {
  const { next } = failTimes(INITIAL_STATE, p, p.failureThreshold, openedAtMs - (p.failureThreshold - 1) * SECOND);
  expect(next.state).toBe('open');
  return next;
}

// ---------------------------------------------------------------------------

describe('INITIAL_STATE', () => {
  it('is a closed, healthy, frozen state holding one rate-limit token', () => {
    expect(INITIAL_STATE).toStrictEqual({
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
    expect(Object.isFrozen(INITIAL_STATE)).toBe(true);
  });
});

describe('closed circuit', () => {
  it('sends, without a probe or a transition, and without touching the breaker state', () => {
    const a = asSend(admit(INITIAL_STATE, policy(), at(0)));
    expect(a).toStrictEqual({ kind: 'send', probe: false, next: { ...INITIAL_STATE } });
  });

  it('still sends while failures are below the threshold', () => {
    const p = policy({ failureThreshold: 5 });
    const { next } = failTimes(INITIAL_STATE, p, 4);
    const a = asSend(admit(next, p, at(10 * SECOND)));
    expect(a.probe).toBe(false);
    expect(a.transition).toBeUndefined();
    expect(a.next).toStrictEqual(next);
  });

  describe.each([1, 2, 3, 5, 10])('failureThreshold %i', (threshold) => {
    const p = policy({ failureThreshold: threshold, baseCooldownMs: 45 * SECOND });

    it('counts failures below the threshold without opening, keeping failingSince at the first failure', () => {
      let s: EndpointState = INITIAL_STATE;
      for (let i = 1; i < threshold; i++) {
        const r = afterAttempt(Object.freeze(s), p, at(i * 7 * SECOND), false);
        expect(r.transition).toBeUndefined();
        expect(r.next).toStrictEqual({
          ...INITIAL_STATE,
          consecutiveFailures: i,
          failingSince: at(7 * SECOND),
        });
        s = r.next;
      }
    });

    it(`opens on the ${threshold}th consecutive failure with openUntil = now + base cool-down`, () => {
      const { next: before } = failTimes(INITIAL_STATE, p, threshold - 1, 0);
      const now = at(5 * MINUTE);
      const r = afterAttempt(Object.freeze(before), p, now, false);
      const openUntil = at(5 * MINUTE + 45 * SECOND);
      expect(r.next).toStrictEqual({
        ...INITIAL_STATE,
        state: 'open',
        consecutiveFailures: threshold,
        trips: 1,
        openUntil,
        probeUntil: null,
        failingSince: threshold === 1 ? now : at(0),
      });
      expect(r.transition).toBeDefined();
      expect(r.transition!.from).toBe('closed');
      expect(r.transition!.to).toBe('open');
      expect(r.transition!.reason).toContain(`${threshold} consecutive`);
      expect(r.transition!.reason).toContain(openUntil.toISOString());
    });

    it('resets the count on a success in between: N-1 failures, success, N-1 failures stays closed', () => {
      if (threshold === 1) return; // N-1 = 0: nothing to interleave
      const first = failTimes(INITIAL_STATE, p, threshold - 1, 0);
      const ok = afterAttempt(first.next, p, at(HOUR), true);
      expect(ok.transition).toBeUndefined();
      expect(ok.next.consecutiveFailures).toBe(0);
      expect(ok.next.failingSince).toBeNull();
      const second = failTimes(ok.next, p, threshold - 1, HOUR + SECOND);
      expect(second.transitions).toEqual([]);
      expect(second.next.state).toBe('closed');
      expect(second.next.consecutiveFailures).toBe(threshold - 1);
      // The auto-disable clock restarted at the first failure after the success.
      expect(second.next.failingSince).toEqual(at(HOUR + SECOND));
      expect(asSend(admit(second.next, p, at(2 * HOUR))).probe).toBe(false);
      // …and one more failure is the threshold-th in a row again.
      const trip = afterAttempt(second.next, p, at(2 * HOUR), false);
      expect(trip.next.state).toBe('open');
      expect(trip.transition?.reason).toContain(`${threshold} consecutive`);
    });
  });

  it('keeps failingSince at the first failure however the failures are spaced', () => {
    const p = policy({ failureThreshold: 100 });
    let s: EndpointState = INITIAL_STATE;
    for (const ms of [3, 10 * SECOND, HOUR, 5 * HOUR, 30 * HOUR]) {
      s = afterAttempt(s, p, at(ms), false).next;
      expect(s.failingSince).toEqual(at(3));
    }
    expect(s.consecutiveFailures).toBe(5);
  });

  it('a success while closed records lastSuccessAt and clears failures, without a transition', () => {
    const p = policy();
    const failing = failTimes(INITIAL_STATE, p, 3).next;
    const r = afterAttempt(Object.freeze(failing), p, at(MINUTE), true);
    expect(r).toStrictEqual({
      next: { ...INITIAL_STATE, lastSuccessAt: at(MINUTE) },
    });
  });
});

describe('open circuit', () => {
  const p = policy({ baseCooldownMs: 30 * SECOND, probeLeaseMs: 20 * SECOND });
  let open: EndpointState; // openUntil = at(30s)
  beforeAll(() => {
    open = Object.freeze(openedAt(p, 0));
  });

  it('is opened with openUntil = now + base', () => {
    expect(open.openUntil).toEqual(at(30 * SECOND));
    expect(open.trips).toBe(1);
  });

  it.each([
    ['right at opening', 0, 30 * SECOND],
    ['half-way', 15 * SECOND, 15 * SECOND],
    ['one second before', 29 * SECOND, SECOND],
    ['one millisecond before', 30 * SECOND - 1, 1],
  ])('admit %s → wait circuit-open for exactly the remaining time', (_label, nowMs, remaining) => {
    const a = asWait(admit(open, p, at(nowMs)));
    expect(a).toStrictEqual({
      kind: 'wait',
      reason: 'circuit-open',
      waitMs: remaining,
      until: at(30 * SECOND),
      next: { ...open },
    });
    // Nothing in `next` would let another delivery through.
    expect(admit(a.next, p, at(nowMs)).kind).toBe('wait');
  });

  it('the circuit-open wait does not spend a rate-limit token', () => {
    const rp = policy({ ...p, rateLimitPerSecond: 1 });
    const s = state({ ...open, tokens: 1, tokensAt: at(-HOUR) });
    const a = asWait(admit(s, rp, at(10 * SECOND)));
    expect(a.reason).toBe('circuit-open');
    expect(a.next).toStrictEqual({ ...s });
  });

  it('reports circuit-open rather than rate-limited when both would hold', () => {
    const rp = policy({ ...p, rateLimitPerSecond: 1 });
    const s = state({ ...open, tokens: 0, tokensAt: at(10 * SECOND) });
    const a = asWait(admit(s, rp, at(10 * SECOND)));
    expect(a.reason).toBe('circuit-open');
    expect(a.waitMs).toBe(20 * SECOND);
  });

  it.each([
    ['exactly at openUntil', 30 * SECOND],
    ['1 ms after openUntil', 30 * SECOND + 1],
    ['an hour after openUntil', 30 * SECOND + HOUR],
  ])('admit %s → a probe goes, open → half_open, probeUntil = now + lease', (_label, nowMs) => {
    const a = asSend(admit(open, p, at(nowMs)));
    expect(a.probe).toBe(true);
    expect(a.transition).toBeDefined();
    expect(a.transition!.from).toBe('open');
    expect(a.transition!.to).toBe('half_open');
    expect(a.transition!.reason.length).toBeGreaterThan(0);
    expect(a.next.state).toBe('half_open');
    expect(a.next.probeUntil).toEqual(at(nowMs + 20 * SECOND));
    // The failure history is kept until the probe's outcome.
    expect(a.next.trips).toBe(1);
    expect(a.next.consecutiveFailures).toBe(p.failureThreshold);
    expect(a.next.failingSince).toEqual(open.failingSince);
    expect(a.next.lastSuccessAt).toBeNull();
  });

  it('a late failure of a delivery sent before the trip keeps it open, same openUntil, no transition', () => {
    const r = afterAttempt(open, p, at(10 * SECOND), false);
    expect(r.transition).toBeUndefined();
    expect(r.next.state).toBe('open');
    expect(r.next.openUntil).toEqual(open.openUntil);
    expect(r.next.trips).toBe(1);
    expect(r.next.failingSince).toEqual(open.failingSince);
  });
});

describe('half-open circuit', () => {
  const p = policy({ baseCooldownMs: 10 * SECOND, maxCooldownMs: 100 * SECOND, probeLeaseMs: 20 * SECOND });
  let halfOpen: EndpointState; // probeUntil = at(30s)
  beforeAll(() => {
    const open = openedAt(p, 0); // openUntil = at(10s)
    halfOpen = Object.freeze(asSend(admit(open, p, at(10 * SECOND))).next);
  });

  it('holds the probe lease until now + probeLeaseMs', () => {
    expect(halfOpen.state).toBe('half_open');
    expect(halfOpen.probeUntil).toEqual(at(30 * SECOND));
  });

  it.each([
    ['at the same instant', 10 * SECOND, 20 * SECOND],
    ['mid-lease', 25 * SECOND, 5 * SECOND],
    ['1 ms before the lease lapses', 30 * SECOND - 1, 1],
  ])('a second admit %s → wait probe-in-flight until probeUntil', (_label, nowMs, remaining) => {
    const a = asWait(admit(halfOpen, p, at(nowMs)));
    expect(a).toStrictEqual({
      kind: 'wait',
      reason: 'probe-in-flight',
      waitMs: remaining,
      until: at(30 * SECOND),
      next: { ...halfOpen },
    });
  });

  it.each([
    ['exactly when the lease lapses', 30 * SECOND],
    ['1 ms after', 30 * SECOND + 1],
    ['long after', 30 * SECOND + HOUR],
  ])('%s another probe may go, taking a fresh lease, with no new transition', (_label, nowMs) => {
    const a = asSend(admit(halfOpen, p, at(nowMs)));
    expect(a.probe).toBe(true);
    expect(a.transition).toBeUndefined();
    expect(a.next).toStrictEqual({ ...halfOpen, probeUntil: at(nowMs + 20 * SECOND) });
  });

  it('probe success → closed, everything reset, lastSuccessAt = now, transition to closed', () => {
    const now = at(12 * SECOND);
    const r = afterAttempt(halfOpen, p, now, true);
    expect(r.next).toStrictEqual({
      ...halfOpen,
      state: 'closed',
      consecutiveFailures: 0,
      trips: 0,
      openUntil: null,
      probeUntil: null,
      lastSuccessAt: now,
      failingSince: null,
    });
    expect(r.transition).toBeDefined();
    expect(r.transition!.from).toBe('half_open');
    expect(r.transition!.to).toBe('closed');
    expect(r.transition!.reason.length).toBeGreaterThan(0);
    // Closed again: the next delivery goes straight through.
    expect(asSend(admit(r.next, p, now))).toStrictEqual({ kind: 'send', probe: false, next: r.next });
  });

  it('probe failure → open again with the cool-down doubled, lease released', () => {
    const now = at(15 * SECOND);
    const r = afterAttempt(halfOpen, p, now, false);
    const openUntil = at(15 * SECOND + 20 * SECOND);
    expect(r.next).toStrictEqual({
      ...halfOpen,
      state: 'open',
      trips: 2,
      consecutiveFailures: p.failureThreshold + 1,
      openUntil,
      probeUntil: null,
      failingSince: halfOpen.failingSince,
    });
    expect(r.transition).toBeDefined();
    expect(r.transition!.from).toBe('half_open');
    expect(r.transition!.to).toBe('open');
    expect(r.transition!.reason).toContain('probe');
    expect(r.transition!.reason).toContain(openUntil.toISOString());
  });

  // base 10s, cap 100s: trips after the failure 2 → 20s, 3 → 40s, 4 → 80s, 5+ → 100s.
  it.each([
    [1, 20 * SECOND],
    [2, 40 * SECOND],
    [3, 80 * SECOND],
    [4, 100 * SECOND],
    [5, 100 * SECOND],
    [20, 100 * SECOND],
  ])('a probe failing with %i trips behind it re-opens for %i ms (doubling, capped)', (tripsBefore, expected) => {
    const s = state({ ...halfOpen, trips: tripsBefore });
    const r = afterAttempt(s, p, at(HOUR), false);
    expect(r.next.state).toBe('open');
    expect(r.next.trips).toBe(tripsBefore + 1);
    expect(r.next.openUntil).toEqual(at(HOUR + expected));
  });
});

describe('cooldownMs', () => {
  const p = { baseCooldownMs: 1_000, maxCooldownMs: 300_000 };
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 16_000],
    [6, 32_000],
    [7, 64_000],
    [8, 128_000],
    [9, 256_000],
    [10, 300_000],
    [11, 300_000],
    [12, 300_000],
  ])('trips %i → %i ms', (trips, expected) => {
    expect(cooldownMs(trips, p)).toBe(expected);
  });

  it('treats 0 trips as the base', () => {
    expect(cooldownMs(0, p)).toBe(1_000);
  });

  it('hits the cap exactly when a doubling lands on it', () => {
    expect(cooldownMs(3, { baseCooldownMs: 1_000, maxCooldownMs: 4_000 })).toBe(4_000);
    expect(cooldownMs(4, { baseCooldownMs: 1_000, maxCooldownMs: 4_000 })).toBe(4_000);
  });

  it('never overflows to a non-finite wait for absurd trip counts', () => {
    expect(cooldownMs(5_000, p)).toBe(300_000);
  });
});

describe('a full story', () => {
  it('5 failures → open → wait → probe fails → longer open → probe succeeds → closed', () => {
    const p = policy({
      failureThreshold: 5,
      baseCooldownMs: 30 * SECOND,
      maxCooldownMs: 2 * MINUTE,
      probeLeaseMs: 20 * SECOND,
    });
    const log: Transition[] = [];
    const record = (t: Transition | undefined) => {
      if (t) log.push(t);
    };
    let s: EndpointState = INITIAL_STATE;

    // 0s..3s: four failures, still closed and still sending.
    for (let i = 0; i < 4; i++) {
      expect(asSend(admit(s, p, at(i * SECOND))).probe).toBe(false);
      const r = afterAttempt(s, p, at(i * SECOND), false);
      record(r.transition);
      s = r.next;
      expect(s.state).toBe('closed');
      expect(s.consecutiveFailures).toBe(i + 1);
      expect(s.failingSince).toEqual(at(0));
    }

    // 4s: the fifth failure opens it until 34s.
    {
      const r = afterAttempt(s, p, at(4 * SECOND), false);
      record(r.transition);
      s = r.next;
      expect(s).toMatchObject({ state: 'open', trips: 1, consecutiveFailures: 5, openUntil: at(34 * SECOND) });
      expect(dueForAutoDisable(s, at(4 * SECOND), 5 * SECOND)).toBe(false);
    }

    // 10s: wait 24s.
    {
      const a = asWait(admit(s, p, at(10 * SECOND)));
      expect(a).toMatchObject({ reason: 'circuit-open', waitMs: 24 * SECOND, until: at(34 * SECOND) });
      s = a.next;
    }

    // 34s: the probe goes, lease until 54s.
    {
      const a = asSend(admit(s, p, at(34 * SECOND)));
      record(a.transition);
      expect(a.probe).toBe(true);
      s = a.next;
      expect(s).toMatchObject({ state: 'half_open', probeUntil: at(54 * SECOND), trips: 1 });
    }

    // 40s: another delivery waits for the probe.
    {
      const a = asWait(admit(s, p, at(40 * SECOND)));
      expect(a).toMatchObject({ reason: 'probe-in-flight', waitMs: 14 * SECOND, until: at(54 * SECOND) });
      s = a.next;
    }

    // 41s: the probe fails → open for 60s (2 × base), until 101s.
    {
      const r = afterAttempt(s, p, at(41 * SECOND), false);
      record(r.transition);
      s = r.next;
      expect(s).toMatchObject({
        state: 'open',
        trips: 2,
        consecutiveFailures: 6,
        openUntil: at(101 * SECOND),
        probeUntil: null,
        failingSince: at(0),
      });
    }

    // 101s - 1ms: still waiting, 1 ms left.
    {
      const a = asWait(admit(s, p, at(101 * SECOND - 1)));
      expect(a).toMatchObject({ reason: 'circuit-open', waitMs: 1, until: at(101 * SECOND) });
      s = a.next;
    }

    // 101s: the second probe goes.
    {
      const a = asSend(admit(s, p, at(101 * SECOND)));
      record(a.transition);
      expect(a.probe).toBe(true);
      s = a.next;
      expect(s).toMatchObject({ state: 'half_open', probeUntil: at(121 * SECOND), trips: 2 });
      expect(dueForAutoDisable(s, at(101 * SECOND), 101 * SECOND)).toBe(true);
    }

    // 102s: it succeeds → closed, reset.
    {
      const r = afterAttempt(s, p, at(102 * SECOND), true);
      record(r.transition);
      s = r.next;
      expect(s).toStrictEqual({
        ...INITIAL_STATE,
        lastSuccessAt: at(102 * SECOND),
      });
      expect(dueForAutoDisable(s, at(HOUR), 0)).toBe(false);
    }

    // 102s: business as usual.
    expect(asSend(admit(s, p, at(102 * SECOND)))).toStrictEqual({ kind: 'send', probe: false, next: s });

    expect(log.map((t) => `${t.from}→${t.to}`)).toEqual(['closed→open', 'open→half_open', 'half_open→open', 'open→half_open', 'half_open→closed']);
  });
});

describe('rate limit', () => {
  it('null means unlimited: many sends at the same instant, state untouched', () => {
    const p = policy({ rateLimitPerSecond: null });
    let s: EndpointState = INITIAL_STATE;
    for (let i = 0; i < 1_000; i++) {
      const a = asSend(admit(s, p, at(0)));
      expect(a.probe).toBe(false);
      s = a.next;
    }
    expect(s).toStrictEqual({ ...INITIAL_STATE });
  });

  it.each([
    [1, 1_000],
    [2, 500],
    [3, 334],
    [4, 250],
    [5, 200],
    [7, 143],
    [10, 100],
    [50, 20],
    [1_000, 1],
    [5_000, 1],
  ])('r = %i: the first send passes, an immediate second waits %i ms (ceil(1000/r))', (r, waitMs) => {
    const p = policy({ rateLimitPerSecond: r });
    const first = asSend(admit(INITIAL_STATE, p, at(0)));
    expect(first.next.tokens).toBe(0);
    expect(first.next.tokensAt).toEqual(at(0));
    const second = asWait(admit(first.next, p, at(0)));
    expect(second.reason).toBe('rate-limited');
    expect(second.waitMs).toBe(waitMs);
    expect(second.until).toEqual(at(waitMs));
  });

  it.each([1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500, 1_000])(
    'r = %i: after exactly 1000/r ms the next send passes; 1 ms earlier it waits',
    (r) => {
      const p = policy({ rateLimitPerSecond: r });
      const first = asSend(admit(INITIAL_STATE, p, at(0)));
      const interval = 1_000 / r;
      expect(asSend(admit(first.next, p, at(interval))).next.tokens).toBe(0);
      expect(asWait(admit(first.next, p, at(interval - 1))).reason).toBe('rate-limited');
    },
  );

  // A token refills continuously: `d` ms after a send the wait is the time left
  // until it is whole again, i.e. ceil(1000/r - d).
  it.each([
    [1, 999],
    [1, 500],
    [2, 499],
    [5, 199],
    [10, 99],
    [10, 40],
    [50, 19],
    [50, 2],
  ])('r = %i, %i ms after a send: the wait is exactly the time left until the token is whole', (r, d) => {
    const p = policy({ rateLimitPerSecond: r });
    const first = asSend(admit(INITIAL_STATE, p, at(0)));
    const w = asWait(admit(first.next, p, at(d)));
    expect(w.waitMs).toBe(Math.ceil(1_000 / r - d));
    expect(w.until).toEqual(at(Math.ceil(1_000 / r)));
  });

  describe.each([1, 2, 5, 10, 50])('r = %i: requests every 1 ms', (r) => {
    const p = policy({ rateLimitPerSecond: r });
    const sends: number[] = [];
    const tokenLevels: number[] = [];
    let s: EndpointState = INITIAL_STATE;
    for (let t = 0; t <= 3_000; t++) {
      const a = admit(s, p, at(t));
      if (a.kind === 'send') sends.push(t);
      else expect(a.reason).toBe('rate-limited');
      s = a.next;
      tokenLevels.push(s.tokens);
    }

    it(`at most r + 1 sends in the first simulated second [0, 1000] ms, and at least r`, () => {
      const n = sends.filter((t) => t <= 1_000).length;
      expect(n).toBeLessThanOrEqual(r + 1);
      expect(n).toBeGreaterThanOrEqual(r);
    });

    it('at most r + 1 sends in any closed window of 1000 ms', () => {
      for (let start = 0; start <= 2_000; start++) {
        const n = sends.filter((t) => t >= start && t <= start + 1_000).length;
        expect(n, `window starting at ${start} ms`).toBeLessThanOrEqual(r + 1);
      }
    });

    it('never holds more than one token, nor a negative number', () => {
      for (const tokens of tokenLevels) {
        expect(tokens).toBeLessThanOrEqual(1);
        expect(tokens).toBeGreaterThanOrEqual(0);
      }
    });
  });

  it.each([1, 2, 5, 10, 50])('r = %i: after a long pause only one send passes at once (no burst)', (r) => {
    const p = policy({ rateLimitPerSecond: r });
    const sent = asSend(admit(INITIAL_STATE, p, at(0))).next;
    for (const pause of [MINUTE, HOUR, 24 * HOUR]) {
      // After the pause one send passes and leaves nothing behind (a bucket
      // above one token would leave a remainder)…
      const a = asSend(admit(sent, p, at(pause)));
      expect(a.next.tokens).toBe(0);
      // …so the very next one, at the same instant, waits a full interval.
      const b = asWait(admit(a.next, p, at(pause)));
      expect(b.reason).toBe('rate-limited');
      expect(b.waitMs).toBe(Math.ceil(1_000 / r));
      expect(b.until).toEqual(at(pause + Math.ceil(1_000 / r)));
    }
  });

  it('a clock going backwards grants nothing', () => {
    const p = policy({ rateLimitPerSecond: 1 });
    const sent = asSend(admit(INITIAL_STATE, p, at(10 * SECOND))).next;
    const a = asWait(admit(sent, p, at(5 * SECOND)));
    expect(a.reason).toBe('rate-limited');
    expect(a.next.tokens).toBe(0);
  });

  describe('applies to probes too', () => {
    const p = policy({ rateLimitPerSecond: 1, baseCooldownMs: 30 * SECOND, probeLeaseMs: 20 * SECOND });

    it('a probe due when the circuit opens up but denied by rate waits rate-limited and takes no lease', () => {
      // r = 1 and the last send 500 ms before the cool-down ends: 500 ms to go.
      const open = state({ ...openedAt(p, 0), tokens: 0, tokensAt: at(30 * SECOND - 500) });
      const a = asWait(admit(open, p, at(30 * SECOND)));
      expect(a.reason).toBe('rate-limited');
      expect(a.waitMs).toBe(500);
      expect(a.until).toEqual(at(30 * SECOND + 500));
      expect(a.next.probeUntil).toBeNull();
      // The lease was not taken: once the token is there, a probe goes with a fresh lease.
      const b = asSend(admit(a.next, p, a.until));
      expect(b.probe).toBe(true);
      expect(b.next.state).toBe('half_open');
      expect(b.next.probeUntil).toEqual(at(30 * SECOND + 500 + 20 * SECOND));
      expect(b.next.tokens).toBe(0);
    });

    it('a re-probe after a lapsed lease, denied by rate, keeps the lapsed lease (no new one)', () => {
      const lapsed = at(50 * SECOND);
      const halfOpen = state({
        ...openedAt(p, 0),
        state: 'half_open',
        probeUntil: lapsed,
        tokens: 0,
        tokensAt: at(60 * SECOND),
      });
      const a = asWait(admit(halfOpen, p, at(60 * SECOND)));
      expect(a.reason).toBe('rate-limited');
      expect(a.next.probeUntil).toEqual(lapsed);
      const b = asSend(admit(a.next, p, at(61 * SECOND)));
      expect(b.probe).toBe(true);
      expect(b.next.probeUntil).toEqual(at(81 * SECOND));
    });

    it('a probe spends the token: a closed-path send right after it is rate-limited as usual', () => {
      const open = state({ ...openedAt(p, 0), tokens: 1, tokensAt: at(0) });
      const probe = asSend(admit(open, p, at(30 * SECOND)));
      expect(probe.next.tokens).toBe(0);
      const ok = afterAttempt(probe.next, p, at(30 * SECOND), true);
      const a = asWait(admit(ok.next, p, at(30 * SECOND)));
      expect(a.reason).toBe('rate-limited');
      expect(a.waitMs).toBe(1_000);
    });
  });
});

describe('waiting is idempotent', () => {
  const p = policy({ rateLimitPerSecond: 2, baseCooldownMs: 30 * SECOND, probeLeaseMs: 20 * SECOND });
  const open = Object.freeze(openedAt(p, 0)); // openUntil 30s, tokens 1 (never spent)

  const cases: Array<[string, EndpointState, number, Wait['reason']]> = [
    ['circuit-open', open, 10 * SECOND, 'circuit-open'],
    [
      'probe-in-flight',
      state({ ...open, state: 'half_open', probeUntil: at(50 * SECOND), tokens: 0, tokensAt: at(30 * SECOND) }),
      40 * SECOND,
      'probe-in-flight',
    ],
    ['rate-limited (closed)', state({ tokens: 0, tokensAt: at(0) }), 100, 'rate-limited'],
    ['rate-limited (probe due)', state({ ...open, tokens: 0.25, tokensAt: at(30 * SECOND) }), 30 * SECOND, 'rate-limited'],
  ];

  it.each(cases)('%s: feeding `next` back at the same instant gives the same wait, again and again', (_l, s, nowMs, reason) => {
    const first = asWait(admit(s, p, at(nowMs)));
    expect(first.reason).toBe(reason);
    let current = first;
    for (let i = 0; i < 5; i++) {
      const again = asWait(admit(Object.freeze(current.next), p, at(nowMs)));
      expect(again).toStrictEqual(first);
      current = again;
    }
  });

  it.each(cases)('%s: fed back at `until`, the delivery is admitted', (_l, s, nowMs) => {
    const w = asWait(admit(s, p, at(nowMs)));
    expect(admit(w.next, p, w.until).kind).toBe('send');
  });

  it.each(cases)('%s: fed back part-way, it still waits, and never for less than the time to `until`', (_l, s, nowMs) => {
    const w = asWait(admit(s, p, at(nowMs)));
    const half = Math.floor(w.waitMs / 2);
    const again = asWait(admit(w.next, p, at(nowMs + half)));
    expect(again.reason).toBe(w.reason);
    expect(again.until.getTime()).toBeGreaterThanOrEqual(w.until.getTime());
  });

  it.each([1, 2, 3, 5, 7, 10, 50, 100])('r = %i: every rate-limited wait keeps its promise at `until`', (r) => {
    const rp = policy({ rateLimitPerSecond: r });
    const sent = asSend(admit(INITIAL_STATE, rp, at(0))).next;
    for (let d = 0; d < Math.ceil(1_000 / r); d++) {
      const w = asWait(admit(sent, rp, at(d)));
      expect(admit(w.next, rp, w.until).kind, `waited at ${d} ms until ${w.until.getTime() - T0} ms`).toBe('send');
    }
  });
});

describe('transitions as the repository records them', () => {
  // The repository stores every admission's and outcome's `next` (waits included)
  // and logs a transition only when one is returned. The log must then tell the
  // state's story: each transition starts where the previous one ended, and the
  // last one ends in the stored state.
  function replay(steps: Array<(s: EndpointState) => { next: EndpointState; transition?: Transition | undefined }>) {
    let s: EndpointState = INITIAL_STATE;
    const log: Transition[] = [];
    const stored: EndpointState[] = [];
    for (const step of steps) {
      const r = step(s);
      if (r.transition) log.push(r.transition);
      s = r.next;
      stored.push(s);
    }
    return { log, stored };
  }

  function expectConsistent(log: Transition[], stored: EndpointState[]) {
    let expectedFrom: string = 'closed';
    for (const t of log) {
      expect(t.from).toBe(expectedFrom);
      expectedFrom = t.to;
    }
    expect(stored.at(-1)?.state).toBe(expectedFrom);
  }

  it('without a rate limit', () => {
    const p = policy({ failureThreshold: 2, baseCooldownMs: 10 * SECOND, probeLeaseMs: 5 * SECOND });
    const { log, stored } = replay([
      (s) => afterAttempt(s, p, at(0), false),
      (s) => afterAttempt(s, p, at(1), false),
      (s) => admit(s, p, at(5 * SECOND)),
      (s) => admit(s, p, at(20 * SECOND)),
      (s) => admit(s, p, at(21 * SECOND)),
      (s) => afterAttempt(s, p, at(22 * SECOND), false),
      (s) => admit(s, p, at(HOUR)),
      (s) => afterAttempt(s, p, at(HOUR), true),
    ]);
    expectConsistent(log, stored);
    expect(log).toHaveLength(5);
  });

  it('when the probe that ends the cool-down is first held back by the rate limit', () => {
    // One request per 20 s; the circuit opens for 10 s: when the cool-down ends
    // the token is only half back, so the probe waits 10 s more for it.
    const p = policy({ failureThreshold: 1, baseCooldownMs: 10 * SECOND, probeLeaseMs: 5 * SECOND, rateLimitPerSecond: 0.05 });
    const { log, stored } = replay([
      (s) => admit(s, p, at(0)), //                          send: spends the token
      (s) => afterAttempt(s, p, at(0), false), //            fails → open until 10 s
      (s) => admit(s, p, at(10 * SECOND)), //                cool-down over, but rate-limited
      (s) => admit(s, p, at(20 * SECOND)), //                the probe goes
      (s) => afterAttempt(s, p, at(21 * SECOND), true), //   and succeeds
    ]);
    expect(stored[1]?.state).toBe('open');
    expect(stored[2]?.probeUntil ?? null).toBeNull();
    expect(stored[3]?.state).toBe('half_open');
    expect(stored[3]?.probeUntil).toEqual(at(25 * SECOND));
    expect(stored[4]?.state).toBe('closed');
    expectConsistent(log, stored);
    expect(log.map((t) => `${t.from}→${t.to}`)).toEqual(['closed→open', 'open→half_open', 'half_open→closed']);
  });
});

describe('dueForAutoDisable', () => {
  const window = 3 * 24 * HOUR;
  it.each([
    ['never failed (failingSince null)', null, 100 * 24 * HOUR, false],
    ['just started failing', 0, 0, false],
    ['1 ms before the window', 0, window - 1, false],
    ['exactly at the window', 0, window, true],
    ['past the window', 0, window + 1, true],
    ['long past the window', 0, 30 * 24 * HOUR, true],
    ['a clock behind failingSince', HOUR, 0, false],
  ] as const)('%s → %s', (_label, failingSinceMs, nowMs, expected) => {
    const s = state({ failingSince: failingSinceMs === null ? null : at(failingSinceMs) });
    expect(dueForAutoDisable(s, at(nowMs), window)).toBe(expected);
  });

  it('follows failingSince through real outcomes: a success stops the clock', () => {
    const p = policy({ failureThreshold: 1_000 });
    let s = afterAttempt(INITIAL_STATE, p, at(0), false).next;
    s = afterAttempt(s, p, at(window - 1), false).next;
    expect(dueForAutoDisable(s, at(window), window)).toBe(true);
    s = afterAttempt(s, p, at(window), true).next;
    expect(dueForAutoDisable(s, at(10 * window), window)).toBe(false);
  });
});

describe('withJitterWait', () => {
  it.each([
    [1_000, 0, 1_000],
    [1_000, 0.5, 1_050],
    [1_000, 0.999, 1_100],
    [30_000, 0.25, 30_750],
    [1, 0.5, 2],
    [0, 0.9, 0],
  ])('waitMs %i with random %f → %i', (waitMs, r, expected) => {
    expect(withJitterWait(waitMs, () => r)).toBe(expected);
  });

  it('is never below the wait nor above +10% (rounded up)', () => {
    for (const waitMs of [1, 7, 999, 60_000]) {
      for (const r of [0, 0.1, 0.33, 0.5, 0.77, 0.9999]) {
        const j = withJitterWait(waitMs, () => r);
        expect(j).toBeGreaterThanOrEqual(waitMs);
        expect(j).toBeLessThanOrEqual(Math.ceil(waitMs * 1.1));
      }
    }
  });
});

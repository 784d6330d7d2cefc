// The breaker's fast path on a peek it is handed, and when a closed breaker's
// success skips the store's statement: the breaker over an in-memory store
// that records what it was asked (the PostgreSQL store's own statements are
// held by test/integration/breaker-peek.test.ts).
import { describe, expect, it } from 'vitest';
import { createBreaker, type BreakerPass, type BreakerPeek, type BreakerStore } from '../../src/delivery/breaker.js';
import { INITIAL_STATE, type EndpointState } from '../../src/delivery/endpoint-gate.js';

function recordingStore(peeked: BreakerPeek, state: EndpointState = INITIAL_STATE) {
  const calls: string[] = [];
  const store: BreakerStore = {
    async peek() {
      calls.push('peek');
      return peeked;
    },
    async update(_subscriptionId, decide) {
      calls.push('update');
      return decide(state, new Date());
    },
    async recordSuccessWhileClosed() {
      calls.push('recordSuccessWhileClosed');
    },
  };
  return { store, calls };
}

const settings = { failureThreshold: 5, baseCooldownMs: 1_000, maxCooldownMs: 1_000 };
const target = { subscriptionId: 'sub_1', timeoutMs: 1_000, rateLimitPerSecond: null };
const peek = (quietSuccessMs: number, state: BreakerPeek['state'] = 'closed', peekedAt = performance.now()): BreakerPeek => ({
  state,
  quietSuccessMs,
  peekedAt,
});

async function passAndSucceed(store: BreakerStore, peeked?: BreakerPeek, rateLimitPerSecond: number | null = null) {
  const breaker = createBreaker(store, settings);
  const pass = (await breaker.pass({ ...target, rateLimitPerSecond }, peeked)) as BreakerPass;
  await breaker.succeeded(pass);
  return pass;
}

describe('pass on a peek the caller read', () => {
  it('lets a closed, unlimited endpoint through without asking the store', async () => {
    const { store, calls } = recordingStore(peek(0));
    expect(await passAndSucceed(store, peek(0))).toMatchObject({ passedAs: 'closed' });
    expect(calls).toEqual(['recordSuccessWhileClosed']);
  });

  it('peeks itself when handed nothing, and skips the success the same way', async () => {
    const { store, calls } = recordingStore(peek(Infinity));
    await passAndSucceed(store);
    expect(calls).toEqual(['peek']);
  });

  it('takes the locked path for a breaker that is not closed, and its success too', async () => {
    const { store, calls } = recordingStore(peek(0), { ...INITIAL_STATE, state: 'open', openUntil: new Date(Date.now() - 1), trips: 1 });
    expect(await passAndSucceed(store, peek(Infinity, 'open'))).toMatchObject({ passedAs: 'open' });
    expect(calls).toEqual(['update', 'update']);
  });

  it('takes the locked path for a rate-limited endpoint even when the peek is closed, and records its success', async () => {
    const { store, calls } = recordingStore(peek(Infinity));
    const pass = await passAndSucceed(store, peek(Infinity), 100);
    expect(pass).toMatchObject({ passedAs: 'closed' });
    expect(pass.quietSuccessUntil).toBeUndefined();
    expect(calls).toEqual(['update', 'recordSuccessWhileClosed']);
  });
});

describe("a closed breaker's success", () => {
  it('writes nothing, with no round trip, when the endpoint has no state at all', async () => {
    const { store, calls } = recordingStore(peek(0));
    await passAndSucceed(store, peek(Infinity));
    expect(calls).toEqual([]);
  });

  it('skips the statement while last_success_at is still fresh', async () => {
    const { store, calls } = recordingStore(peek(0));
    await passAndSucceed(store, peek(60_000));
    expect(calls).toEqual([]);
  });

  it('runs the statement when it has a failure count to clear or a refresh due (quiet 0)', async () => {
    const { store, calls } = recordingStore(peek(0));
    await passAndSucceed(store, peek(0));
    expect(calls).toEqual(['recordSuccessWhileClosed']);
  });

  it('runs the statement once the quiet window has passed since the read (counted from before it was sent)', async () => {
    const { store, calls } = recordingStore(peek(0));
    await passAndSucceed(store, peek(500, 'closed', performance.now() - 600));
    expect(calls).toEqual(['recordSuccessWhileClosed']);
  });
});

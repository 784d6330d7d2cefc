// Leasing from a shared token bucket: a stand-in for the PostgreSQL row (the
// same arithmetic as src/db/rate-limit-buckets.ts, on the test's clock) shared
// by several limiters, each standing for one API process.
import { describe, expect, it } from 'vitest';
import type { BucketLease } from '../../src/db/rate-limit-buckets.js';
import type { LeasedLimiter, LeaseSettings } from '../../src/limits/leased-limiter.js';
import { leasedBuckets } from '../../src/limits/shared-rate-limit.js';
import { sharedQuota, windowStartOf } from '../../src/limits/shared-quota.js';
import type { Queryable } from '../../src/db/pool.js';

const connectionRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

function sharedStore(options: { ratePerSecond: number; capacity: number }, clock: { now: number }) {
  const rows = new Map<string, { tokens: number; at: number }>();
  const store = {
    leases: [] as number[],
    down: false,
    lease: async (bucket: string, want: number): Promise<BucketLease> => {
      if (store.down) throw connectionRefused;
      store.leases.push(want);
      const row = rows.get(bucket) ?? { tokens: options.capacity, at: clock.now };
      const refilled = Math.min(options.capacity, row.tokens + (Math.max(0, clock.now - row.at) / 1000) * options.ratePerSecond);
      const granted = Math.min(want, Math.floor(refilled));
      rows.set(bucket, { tokens: refilled - granted, at: clock.now });
      return { granted, tokensLeft: refilled - granted };
    },
  };
  return store;
}

function setup(options: { ratePerSecond: number; capacity: number }, processes = 1, settings: Partial<LeaseSettings> = {}) {
  const clock = { now: 1_000_000 };
  const store = sharedStore(options, clock);
  const limiters = Array.from({ length: processes }, () => leasedBuckets(store.lease, options, settings, () => clock.now));
  return { clock, store, limiters, limiter: limiters[0]! };
}

async function allowed(limiter: LeasedLimiter, count: number, bucket = 'k'): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < count; i++) results.push((await limiter.take(bucket)).allowed);
  return results;
}

describe('leased limiter over a shared token bucket', () => {
  it('lets several processes together through about the limit, not a multiple of it', async () => {
    // 10/s, burst 20, three processes taking turns for 5 s, 10 ms apart.
    const { clock, limiters } = setup({ ratePerSecond: 10, capacity: 20 }, 3);
    let passed = 0;
    for (let step = 0; step < 500; step++) {
      if ((await limiters[step % 3]!.take('k')).allowed) passed++;
      clock.now += 10;
    }
    // The bound: capacity + rate × (T + lease TTL) = 20 + 10 × 6 = 80; a local bucket each would allow 3 × 70.
    expect(passed).toBeLessThanOrEqual(80);
    expect(passed).toBeGreaterThanOrEqual(20 + 10 * 5 - 3);
  });

  it('starts each lease at one token and doubles it while the caller spends every lease, up to a tenth of a second of the rate', async () => {
    const { store, limiter } = setup({ ratePerSecond: 100, capacity: 200 });
    expect(await allowed(limiter, 1 + 2 + 4 + 8 + 10 + 10)).toEqual(Array(35).fill(true));
    expect(store.leases).toEqual([1, 2, 4, 8, 10, 10]);
  });

  it('goes back to one-token leases after a lease expired unspent, and drops the unspent tokens', async () => {
    const { clock, store, limiter } = setup({ ratePerSecond: 100, capacity: 200 }, 1, { leaseTtlMs: 1_000 });
    await allowed(limiter, 4); // leases of 1, 2, then 4 with 3 left
    clock.now += 1_000;
    await allowed(limiter, 1);
    expect(store.leases).toEqual([1, 2, 4, 1]);
  });

  it('remembers a refusal until the bucket has a token again: a caller over its rate costs no lease', async () => {
    const { clock, store, limiter } = setup({ ratePerSecond: 2, capacity: 2 });
    expect(await allowed(limiter, 2)).toEqual([true, true]);
    const leasesBefore = store.leases.length;
    expect(await limiter.take('k')).toEqual({ allowed: false, retryAfterMs: 500 });
    clock.now += 499;
    expect(await limiter.take('k')).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(store.leases.length).toBe(leasesBefore + 1);
    clock.now += 1;
    expect((await limiter.take('k')).allowed).toBe(true);
  });

  it('keeps one bucket per caller', async () => {
    const { limiter } = setup({ ratePerSecond: 1, capacity: 1 });
    expect(await allowed(limiter, 2, 'a')).toEqual([true, false]);
    expect(await allowed(limiter, 1, 'b')).toEqual([true]);
  });

  it('shares one lease in flight among concurrent requests of a caller', async () => {
    const { store, limiter } = setup({ ratePerSecond: 100, capacity: 200 });
    const results = await Promise.all(Array.from({ length: 5 }, () => limiter.take('k')));
    expect(results.every((r) => r.allowed)).toBe(true);
    // The first lease (1 token) serves one; the rest wait for it, then lease together again.
    expect(store.leases.length).toBeLessThan(5);
  });

  it('falls back to a local bucket while PostgreSQL is unreachable, and asks it again after the back-off', async () => {
    const { clock, store, limiter } = setup({ ratePerSecond: 1, capacity: 3 }, 1, { outageRetryMs: 1_000 });
    store.down = true;
    // The local bucket: a burst of 3, then refusals.
    expect(await allowed(limiter, 4)).toEqual([true, true, true, false]);
    clock.now += 999;
    store.down = false;
    await limiter.take('k');
    expect(store.leases).toEqual([]);
    clock.now += 1;
    expect((await limiter.take('k')).allowed).toBe(true);
    expect(store.leases).toEqual([1]);
  });

  it('takes a lease unanswered within its timeout for PostgreSQL unreachable, rather than hang the request', async () => {
    const hanging = leasedBuckets(() => new Promise(() => {}), { ratePerSecond: 1, capacity: 2 }, { leaseTimeoutMs: 20 });
    const started = Date.now();
    expect(await allowed(hanging, 3)).toEqual([true, true, false]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('lets any other failure through: a bug is not an outage', async () => {
    const broken = leasedBuckets(
      async () => {
        throw new Error('column "granted" does not exist');
      },
      { ratePerSecond: 1, capacity: 1 },
    );
    await expect(broken.take('k')).rejects.toThrow('does not exist');
  });
});

describe('shared quota', () => {
  it('starts windows at multiples of their length since the epoch (UTC days for a day)', () => {
    expect(windowStartOf(Date.UTC(2026, 11, 2, 23, 59, 59, 999), 86_400_000)).toBe(Date.UTC(2026, 11, 2));
    expect(windowStartOf(Date.UTC(2026, 11, 3), 86_400_000)).toBe(Date.UTC(2026, 11, 3));
  });

  it('lets everything through while PostgreSQL is unreachable: a quota is not worth refusing traffic the database cannot count', async () => {
    const unreachable = {
      query: async () => {
        throw connectionRefused;
      },
    } as unknown as Queryable;
    const quota = sharedQuota(unreachable, { limit: 1, windowMs: 86_400_000 });
    expect(await Promise.all([quota.take('t'), quota.take('t'), quota.take('t')])).toEqual(Array(3).fill({ allowed: true }));
  });
});

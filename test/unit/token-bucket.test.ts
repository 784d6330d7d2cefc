import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../src/api/token-bucket.js';

describe('token buckets', () => {
  it('lets a burst of `capacity` through, then refuses with the wait for one token', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 2, capacity: 3 });
    expect([0, 0, 0].map(() => buckets.take('k', 1_000).allowed)).toEqual([true, true, true]);
    expect(buckets.take('k', 1_000)).toEqual({ allowed: false, retryAfterMs: 500 });
  });

  it('refills at the rate, never above capacity', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 2, capacity: 3 });
    for (let i = 0; i < 3; i++) buckets.take('k', 0);
    expect(buckets.take('k', 250)).toEqual({ allowed: false, retryAfterMs: 250 });
    expect(buckets.take('k', 500).allowed).toBe(true);
    expect(buckets.take('k', 500).allowed).toBe(false);
    // A long pause refills to capacity only.
    const later = 1_000_000;
    expect([0, 0, 0, 0].map(() => buckets.take('k', later).allowed)).toEqual([true, true, true, false]);
  });

  it('keeps one bucket per key', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, capacity: 1 });
    expect(buckets.take('a', 0).allowed).toBe(true);
    expect(buckets.take('a', 0).allowed).toBe(false);
    expect(buckets.take('b', 0).allowed).toBe(true);
  });

  it('is not fooled by a clock going backwards', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, capacity: 1 });
    expect(buckets.take('k', 10_000).allowed).toBe(true);
    expect(buckets.take('k', 0).allowed).toBe(false);
  });

  it('refuses a bucket that could never pass a request', () => {
    expect(() => new TokenBuckets({ ratePerSecond: 0, capacity: 1 })).toThrow(RangeError);
    expect(() => new TokenBuckets({ ratePerSecond: 1, capacity: 0 })).toThrow(RangeError);
  });
});

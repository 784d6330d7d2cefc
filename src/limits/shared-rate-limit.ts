// The per-key API rate limit, one token bucket per caller shared by every API
// process through PostgreSQL (see leased-limiter.ts for the bound and the cost).
import { leaseTokens } from '../db/rate-limit-buckets.js';
import type { Queryable } from '../db/pool.js';
import { TokenBuckets, type BucketOptions } from '../api/token-bucket.js';
import { LeasedLimiter, type LeaseSettings } from './leased-limiter.js';

/** Leases from a shared bucket as the limiter wants them: refused, the wait for one token at the rate. */
function bucketLeases(lease: (key: string, want: number) => Promise<{ granted: number; tokensLeft: number }>, ratePerSecond: number) {
  return async (key: string, want: number) => {
    const { granted, tokensLeft } = await lease(key, want);
    return { granted, retryAfterMs: granted > 0 ? 0 : ((1 - tokensLeft) / ratePerSecond) * 1000 };
  };
}

/** Leases of up to a tenth of a second's worth of the rate; a local bucket of the same shape while PostgreSQL is away. */
export function sharedRateLimiter(
  db: Queryable,
  options: BucketOptions,
  settings: Partial<LeaseSettings> = {},
  now: () => number = Date.now,
): LeasedLimiter {
  return leasedBuckets((key, want) => leaseTokens(db, key, options, want), options, settings, now);
}

/** The same over any store of token buckets (a stand-in in the unit tests). */
export function leasedBuckets(
  lease: (key: string, want: number) => Promise<{ granted: number; tokensLeft: number }>,
  options: BucketOptions,
  settings: Partial<LeaseSettings> = {},
  now: () => number = Date.now,
): LeasedLimiter {
  const local = new TokenBuckets(options);
  return new LeasedLimiter(
    bucketLeases(lease, options.ratePerSecond),
    {
      maxLease: Math.min(Math.floor(options.capacity), Math.ceil(options.ratePerSecond / 10)),
      whileUnreachable: (key, nowMs) => local.take(key, nowMs),
      ...settings,
    },
    now,
  );
}

// A quota (so many units per fixed window, e.g. events per tenant per UTC day)
// that holds across every API process: a LeasedLimiter over a counter per
// window in PostgreSQL. Together the processes admit at most the limit in a
// window, plus, right after a window turns, what they still held leased from
// the last one (at most `maxLease` - 1 each, for at most the lease TTL). A
// lease left unspent counts as used. While PostgreSQL is unreachable the quota
// lets everything through: a quota is about fair use and billing, not worth
// refusing traffic the database cannot count.
import { leaseFromWindow } from '../db/limit-windows.js';
import type { Queryable } from '../db/pool.js';
import { LeasedLimiter, type LeaseSettings } from './leased-limiter.js';

export interface QuotaOptions {
  /** Units per window: one for every counter, or each counter's own (a tenant's plan), read at every lease. */
  limit: number | ((counter: string) => number | Promise<number>);
  /** The window's length; windows start at multiples of it since the epoch (86_400_000: UTC days). */
  windowMs: number;
}

export function windowStartOf(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

export function sharedQuota(
  db: Queryable,
  options: QuotaOptions,
  settings: Partial<LeaseSettings> = {},
  now: () => number = Date.now,
): LeasedLimiter {
  return new LeasedLimiter(
    async (counter, want) => {
      const nowMs = now();
      const start = windowStartOf(nowMs, options.windowMs);
      const limit = typeof options.limit === 'number' ? options.limit : await options.limit(counter);
      const { granted } = await leaseFromWindow(db, counter, new Date(start), limit, want);
      return { granted, retryAfterMs: granted > 0 ? 0 : start + options.windowMs - nowMs };
    },
    { maxLease: 10, whileUnreachable: () => ({ allowed: true }), ...settings },
    now,
  );
}

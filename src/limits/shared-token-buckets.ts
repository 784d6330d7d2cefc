// Token buckets shared by every API process, kept in PostgreSQL. Asking the
// database on every request would cost a write per request and serialise a
// busy key on one row, so each process leases a few tokens at a time and
// spends them locally:
// - a lease starts at 1 token and doubles while the caller spends each lease
//   before it expires, up to `maxLease`: a quiet caller wastes at most one
//   token per lease, a busy one costs one write per `maxLease` requests;
// - leased tokens expire after `leaseTtlMs`, so tokens cannot pile up in a
//   process: in any T seconds every process together admits at most
//   capacity + rate × (T + leaseTtl) requests per bucket, however many there are;
// - a refused lease is remembered until the bucket has a token again, so a
//   caller over its rate costs no database write at all;
// - while PostgreSQL is unreachable each process falls back to its own local
//   bucket (then N processes allow up to N times the rate), and asks the
//   database again `outageRetryMs` later: limiting must not take publishing
//   down with the database.
import type { BucketLease } from '../db/rate-limit-buckets.js';
import { unavailableStore } from '../unavailable.js';
import { TokenBuckets, type BucketOptions, type TakeResult } from '../api/token-bucket.js';

/** Decides whether one request against `bucket` may pass now. */
export interface RateLimiter {
  take(bucket: string): Promise<TakeResult>;
}

/** Takes up to `want` tokens from the shared bucket (see src/db/rate-limit-buckets.ts). */
export type LeaseTokens = (bucket: string, want: number) => Promise<BucketLease>;

export interface LeaseSettings {
  /** The most tokens one lease takes; default: a tenth of a second's worth of the rate. */
  maxLease?: number;
  /** Leased tokens unspent this long are dropped. */
  leaseTtlMs?: number;
  /** After PostgreSQL failed to answer, the local bucket alone decides for this long. */
  outageRetryMs?: number;
}

interface LocalState {
  tokens: number;
  expiresAt: number;
  /** Size of the last lease asked for. */
  size: number;
  refusedUntil: number;
  pending: Promise<void> | undefined;
}

export const DEFAULT_LEASE_TTL_MS = 1_000;
const DEFAULT_OUTAGE_RETRY_MS = 1_000;
/** Local states idle longer than this are forgotten, so the map stays small. */
const FORGET_AFTER_MS = 60_000;

export class SharedTokenBuckets implements RateLimiter {
  private readonly local = new Map<string, LocalState>();
  private readonly fallback: TokenBuckets;
  private readonly maxLease: number;
  private readonly leaseTtlMs: number;
  private readonly outageRetryMs: number;
  private sharedUnreachableUntil = 0;

  constructor(
    private readonly lease: LeaseTokens,
    private readonly options: BucketOptions,
    settings: LeaseSettings = {},
    private readonly now: () => number = Date.now,
  ) {
    this.fallback = new TokenBuckets(options);
    this.maxLease = Math.max(1, Math.min(Math.floor(options.capacity), settings.maxLease ?? Math.ceil(options.ratePerSecond / 10)));
    this.leaseTtlMs = settings.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.outageRetryMs = settings.outageRetryMs ?? DEFAULT_OUTAGE_RETRY_MS;
  }

  async take(bucket: string): Promise<TakeResult> {
    for (;;) {
      const now = this.now();
      if (now < this.sharedUnreachableUntil) return this.fallback.take(bucket, now);
      const state = this.stateOf(bucket, now);
      if (state.tokens > 0 && now < state.expiresAt) {
        state.tokens -= 1;
        return { allowed: true };
      }
      if (now < state.refusedUntil) return { allowed: false, retryAfterMs: state.refusedUntil - now };
      // One lease in flight per bucket: concurrent requests wait for it and share it.
      state.pending ??= this.renew(bucket, state, now).finally(() => (state.pending = undefined));
      await state.pending;
    }
  }

  private async renew(bucket: string, state: LocalState, now: number): Promise<void> {
    // Spent the whole last lease before it expired: the caller is busy, ask for more.
    const busy = state.size > 0 && state.tokens <= 0 && now < state.expiresAt;
    const want = busy ? Math.min(this.maxLease, state.size * 2) : 1;
    let lease: BucketLease;
    try {
      lease = await this.lease(bucket, want);
    } catch (error) {
      if (unavailableStore(error) !== 'postgres') throw error;
      this.sharedUnreachableUntil = this.now() + this.outageRetryMs;
      return;
    }
    const after = this.now();
    state.size = want;
    state.tokens = lease.granted;
    state.expiresAt = after + this.leaseTtlMs;
    state.refusedUntil = lease.granted > 0 ? 0 : after + Math.max(1, Math.ceil(((1 - lease.tokensLeft) / this.options.ratePerSecond) * 1000));
  }

  private stateOf(bucket: string, now: number): LocalState {
    let state = this.local.get(bucket);
    if (!state) {
      state = { tokens: 0, expiresAt: 0, size: 0, refusedUntil: 0, pending: undefined };
      this.local.set(bucket, state);
      if (this.local.size > 10_000) this.forgetIdle(now);
    }
    return state;
  }

  private forgetIdle(now: number): void {
    for (const [bucket, state] of this.local) {
      if (!state.pending && now - Math.max(state.expiresAt, state.refusedUntil) > FORGET_AFTER_MS) this.local.delete(bucket);
    }
  }
}

// A limit shared by every API process, kept in PostgreSQL, without a database
// write per request: each process leases a few units at a time from a shared
// store (a token bucket for the API rate limit, src/db/rate-limit-buckets.ts;
// a counter per time window for quotas, src/db/limit-windows.ts) and spends
// them locally:
// - a lease starts at 1 unit and doubles while the caller spends each lease
//   before it expires, up to `maxLease`: a quiet caller wastes at most one
//   unit per lease, a busy one costs one write per `maxLease` requests;
// - leased units expire after `leaseTtlMs`, so they cannot pile up in a
//   process: for a token bucket, in any T seconds every process together
//   admits at most capacity + rate × (T + leaseTtl) requests, however many
//   processes there are;
// - a refused lease is remembered for the Retry-After the store gave, so a
//   caller over its limit costs no database write at all;
// - while PostgreSQL is unreachable each process decides alone with
//   `whileUnreachable` (for the rate limit, a local token bucket: then N
//   processes allow up to N times the rate), and asks the database again
//   `outageRetryMs` later: limiting must not take publishing down with the
//   database. A lease unanswered after `leaseTimeoutMs` counts as unreachable
//   too: a hung database must not hang requests that need nothing else from it
//   (the environment's admin key, portal tokens).
import { unavailableStore } from '../unavailable.js';
import type { TakeResult } from '../api/token-bucket.js';

/** Decides whether one request against `key` may pass now. */
export interface RateLimiter {
  take(key: string): Promise<TakeResult>;
}

/** What a shared store granted: `granted` units (0 to `want`), and when refused, how long until one is free. */
export interface Lease {
  granted: number;
  retryAfterMs: number;
}

/** Takes up to `want` units for `key` from the shared store, atomically. */
export type LeaseUnits = (key: string, want: number) => Promise<Lease>;

export interface LeaseSettings {
  /** The most units one lease takes. */
  maxLease: number;
  /** Leased units unspent this long are dropped. */
  leaseTtlMs?: number;
  /** After PostgreSQL failed to answer, `whileUnreachable` alone decides for this long. */
  outageRetryMs?: number;
  /** A lease not answered this soon is taken as PostgreSQL unreachable. */
  leaseTimeoutMs?: number;
  /** The decision while PostgreSQL is unreachable. */
  whileUnreachable: (key: string, nowMs: number) => TakeResult;
}

interface LocalState {
  units: number;
  expiresAt: number;
  /** Size of the last lease asked for. */
  size: number;
  refusedUntil: number;
  pending: Promise<void> | undefined;
}

export const DEFAULT_LEASE_TTL_MS = 1_000;
const DEFAULT_OUTAGE_RETRY_MS = 1_000;
const DEFAULT_LEASE_TIMEOUT_MS = 1_000;
/** Local states idle longer than this are forgotten, so the map stays small. */
const FORGET_AFTER_MS = 60_000;

export class LeasedLimiter implements RateLimiter {
  private readonly local = new Map<string, LocalState>();
  private readonly maxLease: number;
  private readonly leaseTtlMs: number;
  private readonly outageRetryMs: number;
  private sharedUnreachableUntil = 0;

  constructor(
    private readonly lease: LeaseUnits,
    private readonly settings: LeaseSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.maxLease = Math.max(1, Math.floor(settings.maxLease));
    this.leaseTtlMs = settings.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.outageRetryMs = settings.outageRetryMs ?? DEFAULT_OUTAGE_RETRY_MS;
  }

  async take(key: string): Promise<TakeResult> {
    for (;;) {
      const now = this.now();
      if (now < this.sharedUnreachableUntil) return this.settings.whileUnreachable(key, now);
      const state = this.stateOf(key, now);
      if (state.units > 0 && now < state.expiresAt) {
        state.units -= 1;
        return { allowed: true };
      }
      if (now < state.refusedUntil) return { allowed: false, retryAfterMs: state.refusedUntil - now };
      // One lease in flight per key: concurrent requests wait for it and share it.
      state.pending ??= this.renew(key, state, now).finally(() => (state.pending = undefined));
      await state.pending;
    }
  }

  private async renew(key: string, state: LocalState, now: number): Promise<void> {
    // Spent the whole last lease before it expired: the caller is busy, ask for more.
    const busy = state.size > 0 && state.units <= 0 && now < state.expiresAt;
    const want = busy ? Math.min(this.maxLease, state.size * 2) : 1;
    let lease: Lease | 'timed out';
    try {
      lease = await this.leaseWithin(key, want);
    } catch (error) {
      if (unavailableStore(error) !== 'postgres') throw error;
      lease = 'timed out';
    }
    if (lease === 'timed out') {
      this.sharedUnreachableUntil = this.now() + this.outageRetryMs;
      return;
    }
    const after = this.now();
    state.size = want;
    state.units = lease.granted;
    state.expiresAt = after + this.leaseTtlMs;
    state.refusedUntil = lease.granted > 0 ? 0 : after + Math.max(1, Math.ceil(lease.retryAfterMs));
  }

  private async leaseWithin(key: string, want: number): Promise<Lease | 'timed out'> {
    const leasing = this.lease(key, want);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timed out'>(
      (resolve) => (timer = setTimeout(() => resolve('timed out'), this.settings.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS)),
    );
    // A lease answered after its timeout is lost (its units unspent); its failure must not go unhandled.
    leasing.catch(() => {});
    try {
      return await Promise.race([leasing, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private stateOf(key: string, now: number): LocalState {
    let state = this.local.get(key);
    if (!state) {
      state = { units: 0, expiresAt: 0, size: 0, refusedUntil: 0, pending: undefined };
      this.local.set(key, state);
      if (this.local.size > 10_000) this.forgetIdle(now);
    }
    return state;
  }

  private forgetIdle(now: number): void {
    for (const [key, state] of this.local) {
      if (!state.pending && now - Math.max(state.expiresAt, state.refusedUntil) > FORGET_AFTER_MS) this.local.delete(key);
    }
  }
}

// A token bucket per caller, pure: `take` says whether a request may pass now
// and, if not, how long until it could. Time is passed in, so tests are exact.

export interface BucketOptions {
  /** Tokens added per second (the sustained rate). */
  ratePerSecond: number;
  /** The most tokens a bucket holds (the burst). */
  capacity: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    private readonly options: BucketOptions,
    /** Buckets idle this long are forgotten, so the map stays small. */
    private readonly idleMs = 10 * 60_000,
  ) {
    if (!(options.ratePerSecond > 0) || !(options.capacity >= 1)) {
      throw new RangeError('a token bucket needs a positive rate and a capacity of at least 1');
    }
  }

  take(key: string, nowMs: number): TakeResult {
    const bucket = this.refilled(key, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / this.options.ratePerSecond) * 1000) };
  }

  private refilled(key: string, nowMs: number): { tokens: number; updatedAt: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.options.capacity, updatedAt: nowMs };
    const elapsedSeconds = Math.max(0, nowMs - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.options.capacity, bucket.tokens + elapsedSeconds * this.options.ratePerSecond);
    bucket.updatedAt = nowMs;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.forgetIdle(nowMs);
    return bucket;
  }

  private forgetIdle(nowMs: number): void {
    for (const [key, bucket] of this.buckets) {
      if (nowMs - bucket.updatedAt > this.idleMs) this.buckets.delete(key);
    }
  }
}

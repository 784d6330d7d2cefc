// Retry maths, pure: which wait comes before the next attempt, with jitter.
// Temporal adds no jitter of its own, so we spread retries here (±20%) to keep
// a recovering receiver from being hit by every pending delivery at once.

/**
 * The Standard Webhooks schedule after the immediate first attempt:
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h — ten attempts in all.
 */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = Object.freeze([
  5,
  5 * 60,
  30 * 60,
  2 * 3600,
  5 * 3600,
  10 * 3600,
  14 * 3600,
  20 * 3600,
  24 * 3600,
]);

export const JITTER_RATIO = 0.2;

/** Total attempts a schedule allows: the first one plus one per wait. */
export function maxAttempts(scheduleSeconds: readonly number[]): number {
  return scheduleSeconds.length + 1;
}

/**
 * The wait before attempt `failedAttempt + 1`, in milliseconds, or `undefined`
 * when the attempt that just failed was the last one the schedule allows.
 * `random` returns a number in [0, 1) and is injectable so tests are exact.
 */
export function nextRetryDelayMs(scheduleSeconds: readonly number[], failedAttempt: number, random: () => number = Math.random): number | undefined {
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) {
    throw new RangeError(`failedAttempt must be a positive integer, got ${failedAttempt}`);
  }
  const baseSeconds = scheduleSeconds[failedAttempt - 1];
  if (baseSeconds === undefined) return undefined;
  return withJitter(baseSeconds * 1000, random);
}

/** Spreads `ms` uniformly over [ms·(1−20%), ms·(1+20%)), rounded to whole ms. */
export function withJitter(ms: number, random: () => number = Math.random): number {
  const factor = 1 - JITTER_RATIO + 2 * JITTER_RATIO * random();
  return Math.round(ms * factor);
}

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Reads a `Retry-After` header (delay-seconds or HTTP-date, RFC 9110 §10.2.3)
 * as milliseconds from `now`; `undefined` when absent or unreadable.
 */
export function parseRetryAfterMs(header: string | undefined | null, now: Date): number | undefined {
  if (header === undefined || header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only the IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT") that every
  // server sends: Date.parse alone reads text such as "retry 2099" as a date.
  if (!IMF_FIXDATE.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * The wait to use when the receiver asked for one: never shorter than what
 * the schedule says (a receiver cannot make us hammer it), never longer than
 * `maxMs` (a receiver cannot park a delivery for a week).
 */
export function clampRetryAfterMs(requestedMs: number, scheduledMs: number, maxMs: number): number {
  return Math.min(Math.max(requestedMs, scheduledMs), Math.max(scheduledMs, maxMs));
}

// After a failed attempt: wait and retry, or give up. Pure, so every branch is
// tested without a receiver.
import { classifyStatus, honoursRetryAfter } from './classify.js';
import { clampRetryAfterMs, nextRetryDelayMs, parseRetryAfterMs } from './retry-schedule.js';

/** A receiver's `Retry-After` is honoured up to this long. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

export interface FailedAttempt {
  /** The attempt that failed, counted from 1. */
  attempt: number;
  /** The HTTP status, or undefined when no answer came (timeout, network error). */
  statusCode?: number | undefined;
  retryAfter?: string | undefined;
}

export interface FailurePolicy {
  retryScheduleSeconds: readonly number[];
  permanentStatusCodes: readonly number[];
}

export type FailureDecision =
  | { kind: 'retry'; delayMs: number }
  /** gone: the receiver answered 410 (see classifyStatus); permanent: a status the subscription lists as permanent. */
  | { kind: 'give-up'; reason: 'gone' | 'permanent' | 'exhausted' };

export function decideAfterFailure(failed: FailedAttempt, policy: FailurePolicy, now: Date, random: () => number = Math.random): FailureDecision {
  const { statusCode } = failed;
  if (statusCode !== undefined) {
    const statusClass = classifyStatus(statusCode);
    if (statusClass === 'succeeded') throw new RangeError(`status ${statusCode} is a success, not a failure`);
    if (statusClass === 'gone') return { kind: 'give-up', reason: 'gone' };
    if (policy.permanentStatusCodes.includes(statusCode)) {
      return { kind: 'give-up', reason: 'permanent' };
    }
  }
  const scheduledMs = nextRetryDelayMs(policy.retryScheduleSeconds, failed.attempt, random);
  if (scheduledMs === undefined) return { kind: 'give-up', reason: 'exhausted' };

  const requestedMs = statusCode !== undefined && honoursRetryAfter(statusCode) ? parseRetryAfterMs(failed.retryAfter, now) : undefined;
  if (requestedMs === undefined) return { kind: 'retry', delayMs: scheduledMs };
  return { kind: 'retry', delayMs: clampRetryAfterMs(requestedMs, scheduledMs, MAX_RETRY_AFTER_MS) };
}

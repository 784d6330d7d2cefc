import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, decideAfterFailure, type FailurePolicy } from '../../src/delivery/failure-decision.js';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../../src/delivery/retry-schedule.js';

const now = new Date('2025-06-01T12:00:00.000Z');
const half = () => 0.5; // jitter factor exactly 1.0
const policy: FailurePolicy = { retryScheduleSeconds: DEFAULT_RETRY_SCHEDULE_SECONDS, permanentStatusCodes: [] };

/** The un-jittered scheduled wait (random()=0.5) after `attempt` with the default schedule. */
const scheduled = (attempt: number) => DEFAULT_RETRY_SCHEDULE_SECONDS[attempt - 1]! * 1000;

describe('MAX_RETRY_AFTER_MS', () => {
  it('is one hour', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
  });
});

describe('decideAfterFailure', () => {
  describe('success statuses are not failures', () => {
    it.each([200, 201, 204, 299])('throws RangeError for %i', (statusCode) => {
      expect(() => decideAfterFailure({ attempt: 1, statusCode }, policy, now, half)).toThrow(RangeError);
    });

    it('throws even on the last attempt and even when the code is listed as permanent', () => {
      expect(() => decideAfterFailure({ attempt: 10, statusCode: 200 }, policy, now, half)).toThrow(RangeError);
      expect(() => decideAfterFailure({ attempt: 1, statusCode: 204 }, { ...policy, permanentStatusCodes: [204] }, now, half)).toThrow(
        /204 is a success/,
      );
    });
  });

  describe('permanent failures give up at once', () => {
    it('410 Gone gives up as gone', () => {
      expect(decideAfterFailure({ attempt: 1, statusCode: 410 }, policy, now, half)).toEqual({
        kind: 'give-up',
        reason: 'gone',
      });
    });

    it('410 is gone even with a Retry-After header', () => {
      expect(decideAfterFailure({ attempt: 1, statusCode: 410, retryAfter: '10' }, policy, now, half)).toEqual({
        kind: 'give-up',
        reason: 'gone',
      });
    });

    it('410 on the last attempt reports gone rather than exhausted', () => {
      expect(decideAfterFailure({ attempt: 10, statusCode: 410 }, policy, now, half)).toEqual({
        kind: 'give-up',
        reason: 'gone',
      });
    });

    it('statuses listed in permanentStatusCodes give up as permanent', () => {
      const custom: FailurePolicy = { ...policy, permanentStatusCodes: [400, 404, 422] };
      for (const statusCode of [400, 404, 422]) {
        expect(decideAfterFailure({ attempt: 1, statusCode }, custom, now, half)).toEqual({
          kind: 'give-up',
          reason: 'permanent',
        });
      }
    });

    it('a listed 429 or 503 is permanent even with Retry-After', () => {
      const custom: FailurePolicy = { ...policy, permanentStatusCodes: [429, 503] };
      expect(decideAfterFailure({ attempt: 1, statusCode: 429, retryAfter: '60' }, custom, now, half)).toEqual({
        kind: 'give-up',
        reason: 'permanent',
      });
      expect(decideAfterFailure({ attempt: 1, statusCode: 503, retryAfter: '60' }, custom, now, half)).toEqual({
        kind: 'give-up',
        reason: 'permanent',
      });
    });

    it('statuses not listed stay retryable', () => {
      const custom: FailurePolicy = { ...policy, permanentStatusCodes: [400] };
      expect(decideAfterFailure({ attempt: 1, statusCode: 401 }, custom, now, half)).toEqual({
        kind: 'retry',
        delayMs: 5_000,
      });
    });
  });

  describe('exhausted', () => {
    it('gives up as exhausted after the last attempt the default schedule allows (10)', () => {
      expect(decideAfterFailure({ attempt: 10, statusCode: 500 }, policy, now, half)).toEqual({
        kind: 'give-up',
        reason: 'exhausted',
      });
    });

    it('gives up as exhausted for a network error on the last attempt', () => {
      expect(decideAfterFailure({ attempt: 10 }, policy, now, half)).toEqual({ kind: 'give-up', reason: 'exhausted' });
    });

    it('gives up as exhausted on the last attempt even when Retry-After asks for a retry', () => {
      expect(decideAfterFailure({ attempt: 10, statusCode: 503, retryAfter: '5' }, policy, now, half)).toEqual({
        kind: 'give-up',
        reason: 'exhausted',
      });
    });

    it('attempt 9 of the default schedule still retries (after 24 h)', () => {
      expect(decideAfterFailure({ attempt: 9, statusCode: 500 }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 86_400_000,
      });
    });

    it('honours a custom schedule: [1, 2] allows three attempts', () => {
      const short: FailurePolicy = { retryScheduleSeconds: [1, 2], permanentStatusCodes: [] };
      expect(decideAfterFailure({ attempt: 1, statusCode: 500 }, short, now, half)).toEqual({ kind: 'retry', delayMs: 1_000 });
      expect(decideAfterFailure({ attempt: 2, statusCode: 500 }, short, now, half)).toEqual({ kind: 'retry', delayMs: 2_000 });
      expect(decideAfterFailure({ attempt: 3, statusCode: 500 }, short, now, half)).toEqual({
        kind: 'give-up',
        reason: 'exhausted',
      });
    });

    it('an empty schedule gives up after the first attempt', () => {
      const none: FailurePolicy = { retryScheduleSeconds: [], permanentStatusCodes: [] };
      expect(decideAfterFailure({ attempt: 1 }, none, now, half)).toEqual({ kind: 'give-up', reason: 'exhausted' });
    });
  });

  describe('network errors (no status)', () => {
    it.each(DEFAULT_RETRY_SCHEDULE_SECONDS.map((_, i) => i + 1))('after attempt %i retries with the scheduled delay', (attempt) => {
      expect(decideAfterFailure({ attempt }, policy, now, half)).toEqual({ kind: 'retry', delayMs: scheduled(attempt) });
    });

    it('ignores a Retry-After value when there was no answer', () => {
      expect(decideAfterFailure({ attempt: 1, retryAfter: '600' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 5_000,
      });
    });

    it('applies jitter from the injected random', () => {
      expect(decideAfterFailure({ attempt: 1 }, policy, now, () => 0)).toEqual({ kind: 'retry', delayMs: 4_000 });
      expect(decideAfterFailure({ attempt: 2 }, policy, now, () => 0.75)).toEqual({ kind: 'retry', delayMs: 330_000 });
    });

    it('propagates RangeError for an invalid attempt number', () => {
      expect(() => decideAfterFailure({ attempt: 0 }, policy, now, half)).toThrow(RangeError);
      expect(() => decideAfterFailure({ attempt: 1.5, statusCode: 500 }, policy, now, half)).toThrow(RangeError);
    });
  });

  describe('Retry-After on 429 and 503', () => {
    it.each([429, 503])('%i: Retry-After seconds bigger than the schedule wins', (statusCode) => {
      expect(decideAfterFailure({ attempt: 1, statusCode, retryAfter: '120' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 120_000,
      });
    });

    it.each([429, 503])('%i: Retry-After smaller than the schedule is raised to the schedule', (statusCode) => {
      expect(decideAfterFailure({ attempt: 2, statusCode, retryAfter: '10' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 300_000,
      });
      expect(decideAfterFailure({ attempt: 1, statusCode, retryAfter: '0' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 5_000,
      });
    });

    it.each([429, 503])('%i: Retry-After larger than MAX_RETRY_AFTER_MS is capped at MAX', (statusCode) => {
      expect(decideAfterFailure({ attempt: 1, statusCode, retryAfter: '7200' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: MAX_RETRY_AFTER_MS,
      });
      expect(decideAfterFailure({ attempt: 1, statusCode, retryAfter: '999999999' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: MAX_RETRY_AFTER_MS,
      });
    });

    it('Retry-After exactly MAX is honoured exactly', () => {
      expect(decideAfterFailure({ attempt: 1, statusCode: 429, retryAfter: '3600' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: MAX_RETRY_AFTER_MS,
      });
    });

    it('when the schedule itself is longer than MAX, the scheduled wait is used (Retry-After cannot shorten it)', () => {
      // Attempt 4 → 2 h scheduled, above the 1 h cap.
      expect(decideAfterFailure({ attempt: 4, statusCode: 429, retryAfter: '60' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 7_200_000,
      });
      expect(decideAfterFailure({ attempt: 4, statusCode: 503, retryAfter: '86400' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 7_200_000,
      });
    });

    it('reads an HTTP-date Retry-After relative to the injected now', () => {
      expect(decideAfterFailure({ attempt: 1, statusCode: 503, retryAfter: 'Sun, 01 Jun 2025 12:10:00 GMT' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 600_000,
      });
    });

    it('an HTTP-date in the past falls back to the scheduled wait', () => {
      expect(decideAfterFailure({ attempt: 1, statusCode: 503, retryAfter: 'Sun, 01 Jun 2025 11:00:00 GMT' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 5_000,
      });
    });

    it.each(['garbage', '-5', '1.5', ''])('an unreadable Retry-After %j falls back to the scheduled wait', (retryAfter) => {
      expect(decideAfterFailure({ attempt: 1, statusCode: 429, retryAfter }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 5_000,
      });
    });

    it('a missing Retry-After uses the scheduled wait', () => {
      expect(decideAfterFailure({ attempt: 1, statusCode: 429 }, policy, now, half)).toEqual({ kind: 'retry', delayMs: 5_000 });
      expect(decideAfterFailure({ attempt: 1, statusCode: 503, retryAfter: undefined }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 5_000,
      });
    });

    it('the floor is the jittered scheduled wait, not the base', () => {
      // random()=0 → scheduled 4 000 ms; Retry-After 4 s → 4 000; 3 s → raised to 4 000; 5 s → 5 000.
      expect(decideAfterFailure({ attempt: 1, statusCode: 429, retryAfter: '3' }, policy, now, () => 0)).toEqual({
        kind: 'retry',
        delayMs: 4_000,
      });
      expect(decideAfterFailure({ attempt: 1, statusCode: 429, retryAfter: '5' }, policy, now, () => 0)).toEqual({
        kind: 'retry',
        delayMs: 5_000,
      });
    });

    it('a Retry-After that is garbage containing a number is not honoured ("retry 2099" must not park the delivery for the 1 h cap)', () => {
      expect(decideAfterFailure({ attempt: 1, statusCode: 429, retryAfter: 'retry 2099' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 5_000,
      });
    });
  });

  describe('Retry-After on other statuses is ignored', () => {
    it.each([500, 502, 504, 400, 404, 408, 301])('%i with Retry-After uses the scheduled wait', (statusCode) => {
      expect(decideAfterFailure({ attempt: 1, statusCode, retryAfter: '120' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 5_000,
      });
      expect(decideAfterFailure({ attempt: 3, statusCode, retryAfter: '1' }, policy, now, half)).toEqual({
        kind: 'retry',
        delayMs: 1_800_000,
      });
    });
  });

  it('does not mutate its inputs', () => {
    const failed = { attempt: 1, statusCode: 429, retryAfter: '120' };
    const p: FailurePolicy = { retryScheduleSeconds: [5, 10], permanentStatusCodes: [400] };
    const frozenNow = new Date(now);
    decideAfterFailure(failed, p, frozenNow, half);
    expect(failed).toEqual({ attempt: 1, statusCode: 429, retryAfter: '120' });
    expect(p).toEqual({ retryScheduleSeconds: [5, 10], permanentStatusCodes: [400] });
    expect(frozenNow.getTime()).toBe(now.getTime());
  });
});

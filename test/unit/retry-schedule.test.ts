import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE_SECONDS,
  JITTER_RATIO,
  clampRetryAfterMs,
  maxAttempts,
  nextRetryDelayMs,
  parseRetryAfterMs,
  withJitter,
} from '../../src/delivery/retry-schedule.js';

const MINUTE = 60;
const HOUR = 3600;

describe('DEFAULT_RETRY_SCHEDULE_SECONDS', () => {
  it('is the Standard Webhooks schedule: 5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h', () => {
    expect([...DEFAULT_RETRY_SCHEDULE_SECONDS]).toEqual([5, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR]);
  });

  it('is expressed in seconds (literal values)', () => {
    expect([...DEFAULT_RETRY_SCHEDULE_SECONDS]).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
  });

  it('is frozen so no caller can alter the shared default', () => {
    expect(Object.isFrozen(DEFAULT_RETRY_SCHEDULE_SECONDS)).toBe(true);
    expect(() => {
      (DEFAULT_RETRY_SCHEDULE_SECONDS as number[]).push(1);
    }).toThrow(TypeError);
    expect(DEFAULT_RETRY_SCHEDULE_SECONDS).toHaveLength(9);
  });

  it('is strictly increasing', () => {
    for (let i = 1; i < DEFAULT_RETRY_SCHEDULE_SECONDS.length; i++) {
      expect(DEFAULT_RETRY_SCHEDULE_SECONDS[i]!).toBeGreaterThan(DEFAULT_RETRY_SCHEDULE_SECONDS[i - 1]!);
    }
  });

  it('jitter ratio is 20%', () => {
    expect(JITTER_RATIO).toBe(0.2);
  });
});

describe('maxAttempts', () => {
  it('allows ten attempts with the default schedule', () => {
    expect(maxAttempts(DEFAULT_RETRY_SCHEDULE_SECONDS)).toBe(10);
  });

  it('is one for an empty schedule (the first attempt only)', () => {
    expect(maxAttempts([])).toBe(1);
  });

  it('is the number of waits plus one', () => {
    expect(maxAttempts([1])).toBe(2);
    expect(maxAttempts([1, 2, 3])).toBe(4);
    expect(maxAttempts(new Array<number>(20).fill(0))).toBe(21);
  });
});

describe('nextRetryDelayMs', () => {
  const indices = DEFAULT_RETRY_SCHEDULE_SECONDS.map((seconds, index) => ({ attempt: index + 1, seconds }));

  it.each(indices)('after attempt $attempt with random()=0 waits exactly 0.8 × $seconds s', ({ attempt, seconds }) => {
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, attempt, () => 0)).toBe(seconds * 1000 * 0.8);
  });

  it.each(indices)('after attempt $attempt with random()=0.5 waits exactly $seconds s', ({ attempt, seconds }) => {
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, attempt, () => 0.5)).toBe(seconds * 1000);
  });

  it.each(indices)('after attempt $attempt with random()→0.999999 waits just under 1.2 × $seconds s', ({ attempt, seconds }) => {
    const upper = seconds * 1000 * 1.2;
    const delay = nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, attempt, () => 0.999999)!;
    // Whole milliseconds: the unrounded value is 1.1999996 × base.
    expect(delay).toBe(Math.round(seconds * 1000 * 1.1999996));
    expect(delay).toBeLessThanOrEqual(upper);
    expect(delay).toBeGreaterThan(seconds * 1000 * 1.19999);
    expect(Number.isInteger(delay)).toBe(true);
  });

  it('with random()→0.999999 stays strictly below 1.2× once the base is long enough for rounding not to matter', () => {
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, 9, () => 0.999999)).toBe(103_679_965);
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, 9, () => 0.999999)!).toBeLessThan(24 * HOUR * 1000 * 1.2);
  });

  it('uses the wait at index failedAttempt − 1', () => {
    const schedule = [1, 2, 3];
    expect(nextRetryDelayMs(schedule, 1, () => 0.5)).toBe(1000);
    expect(nextRetryDelayMs(schedule, 2, () => 0.5)).toBe(2000);
    expect(nextRetryDelayMs(schedule, 3, () => 0.5)).toBe(3000);
  });

  it('handles fractional-second and zero waits', () => {
    expect(nextRetryDelayMs([2.5], 1, () => 0.5)).toBe(2500);
    expect(nextRetryDelayMs([0], 1, () => 0.999)).toBe(0);
    expect(nextRetryDelayMs([0], 1, () => 0)).toBe(0);
  });

  it('returns undefined once the attempt that failed was the last one', () => {
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, 10, () => 0.5)).toBeUndefined();
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, 11, () => 0.5)).toBeUndefined();
    expect(nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, 1000, () => 0.5)).toBeUndefined();
    expect(nextRetryDelayMs([], 1, () => 0.5)).toBeUndefined();
    expect(nextRetryDelayMs([7], 2, () => 0.5)).toBeUndefined();
  });

  it('the last defined attempt is maxAttempts − 1', () => {
    const schedule = [1, 2, 3, 4];
    expect(nextRetryDelayMs(schedule, maxAttempts(schedule) - 1, () => 0.5)).toBe(4000);
    expect(nextRetryDelayMs(schedule, maxAttempts(schedule), () => 0.5)).toBeUndefined();
  });

  it.each([0, -1, -100, 1.5, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'throws RangeError for failedAttempt %s',
    (failedAttempt) => {
      expect(() => nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, failedAttempt, () => 0.5)).toThrow(RangeError);
    },
  );

  it('names the offending value in the RangeError', () => {
    expect(() => nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, 0)).toThrow(/positive integer.*0/);
    expect(() => nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, 2.5)).toThrow(/2\.5/);
  });

  it('validates failedAttempt even for an empty schedule', () => {
    expect(() => nextRetryDelayMs([], 0)).toThrow(RangeError);
  });

  it('calls random exactly once per computed delay and not at all past the end', () => {
    let calls = 0;
    const random = () => {
      calls++;
      return 0.5;
    };
    nextRetryDelayMs([1, 2], 1, random);
    expect(calls).toBe(1);
    nextRetryDelayMs([1, 2], 3, random);
    expect(calls).toBe(1);
  });

  it('defaults to Math.random and stays within ±20%', () => {
    for (let i = 0; i < 500; i++) {
      const delay = nextRetryDelayMs(DEFAULT_RETRY_SCHEDULE_SECONDS, 2)!;
      expect(delay).toBeGreaterThanOrEqual(240_000);
      expect(delay).toBeLessThanOrEqual(360_000);
    }
  });
});

describe('withJitter', () => {
  it('maps random()=0 to 0.8×, 0.5 to 1.0×, 0.25 to 0.9×, 0.75 to 1.1×', () => {
    expect(withJitter(10_000, () => 0)).toBe(8_000);
    expect(withJitter(10_000, () => 0.25)).toBe(9_000);
    expect(withJitter(10_000, () => 0.5)).toBe(10_000);
    expect(withJitter(10_000, () => 0.75)).toBe(11_000);
  });

  it('rounds to whole milliseconds', () => {
    // 1 ms × 1.0 = 1, 3 ms × 0.8 = 2.4 → 2, 3 ms × 1.1 = 3.3 → 3, 7 ms × 1.1 = 7.7 → 8
    expect(withJitter(1, () => 0.5)).toBe(1);
    expect(withJitter(3, () => 0)).toBe(2);
    expect(withJitter(3, () => 0.75)).toBe(3);
    expect(withJitter(7, () => 0.75)).toBe(8);
    for (const r of [0, 0.1, 0.33, 0.5, 0.77, 0.999]) {
      expect(Number.isInteger(withJitter(12_345, () => r))).toBe(true);
    }
  });

  it('keeps zero at zero', () => {
    expect(withJitter(0, () => 0)).toBe(0);
    expect(withJitter(0, () => 0.99)).toBe(0);
  });

  it('is monotonic in random()', () => {
    let previous = -Infinity;
    for (let r = 0; r < 1; r += 0.01) {
      const value = withJitter(1_000_000, () => r);
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
  });

  it('property: with Math.random every value stays within [0.8x, 1.2x] for many bases', () => {
    const bases = [1, 10, 999, 5_000, 300_000, 1_800_000, 86_400_000, ...DEFAULT_RETRY_SCHEDULE_SECONDS.map((s) => s * 1000)];
    for (const base of bases) {
      for (let i = 0; i < 2_000; i++) {
        const value = withJitter(base);
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(value).toBeLessThanOrEqual(Math.ceil(base * 1.2));
      }
    }
  });

  it('property: over many injected random values in [0, 1) the result stays within [0.8x, 1.2x]', () => {
    const base = 3_600_000;
    let seed = 42;
    // A tiny deterministic LCG so this loop is reproducible.
    const lcg = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < 10_000; i++) {
      const value = withJitter(base, lcg);
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    expect(min).toBeGreaterThanOrEqual(base * 0.8);
    expect(max).toBeLessThanOrEqual(base * 1.2);
    // It really spreads: both ends of the band are reached approximately.
    expect(min).toBeLessThan(base * 0.81);
    expect(max).toBeGreaterThan(base * 1.19);
  });
});

describe('parseRetryAfterMs', () => {
  const now = new Date('2025-06-01T12:00:00.000Z');

  it.each([
    ['0', 0],
    ['1', 1_000],
    ['120', 120_000],
    [' 5 ', 5_000],
    ['\t30\t', 30_000],
    ['007', 7_000],
    ['86400', 86_400_000],
  ])('reads delay-seconds %j as %i ms', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });

  it('reads an HTTP-date in the future as the milliseconds until it', () => {
    expect(parseRetryAfterMs('Sun, 01 Jun 2025 12:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfterMs('Mon, 02 Jun 2025 12:00:00 GMT', now)).toBe(86_400_000);
  });

  it('reads an HTTP-date with surrounding whitespace', () => {
    expect(parseRetryAfterMs('  Sun, 01 Jun 2025 12:00:30 GMT  ', now)).toBe(30_000);
  });

  it('reads an HTTP-date equal to now as 0', () => {
    expect(parseRetryAfterMs('Sun, 01 Jun 2025 12:00:00 GMT', now)).toBe(0);
  });

  it('reads an HTTP-date in the past as 0, never negative', () => {
    expect(parseRetryAfterMs('Sun, 01 Jun 2025 11:59:59 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('Thu, 01 Jan 1970 00:00:00 GMT', now)).toBe(0);
  });

  it('measures the date relative to the `now` passed in', () => {
    const header = 'Sun, 01 Jun 2025 12:10:00 GMT';
    expect(parseRetryAfterMs(header, new Date('2025-06-01T12:00:00Z'))).toBe(600_000);
    expect(parseRetryAfterMs(header, new Date('2025-06-01T12:09:00Z'))).toBe(60_000);
    expect(parseRetryAfterMs(header, new Date('2025-06-01T12:11:00Z'))).toBe(0);
  });

  it.each(['garbage', 'soon', 'tomorrow', '', '   ', 'abc', '120s', '5 minutes', 'NaN', 'Infinity'])(
    'returns undefined for unreadable %j',
    (header) => {
      expect(parseRetryAfterMs(header, now)).toBeUndefined();
    },
  );

  it.each(['-5', '-0', '1.5', '0.5', '1e3', '+5', '0x10', '1,5', '1 2'])('returns undefined for %j (not delay-seconds, not a date)', (header) => {
    expect(parseRetryAfterMs(header, now)).toBeUndefined();
  });

  // RFC 9110: Retry-After is HTTP-date or delay-seconds; the doc comment says
  // "undefined when ... unreadable". V8's lenient Date.parse reads these as dates.
  it('returns undefined for garbage that merely contains a number ("retry 2099", "abc 1", "later 12")', () => {
    const headers = ['retry 2099', 'abc 1', 'later 12'];
    expect(headers.map((header) => parseRetryAfterMs(header, now))).toEqual([undefined, undefined, undefined]);
  });

  it('returns undefined when the header is absent (undefined or null)', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });
});

describe('clampRetryAfterMs', () => {
  it('never goes below the scheduled wait', () => {
    expect(clampRetryAfterMs(1_000, 5_000, 60_000)).toBe(5_000);
    expect(clampRetryAfterMs(0, 5_000, 60_000)).toBe(5_000);
  });

  it('never goes above the maximum', () => {
    expect(clampRetryAfterMs(120_000, 5_000, 60_000)).toBe(60_000);
    expect(clampRetryAfterMs(Number.MAX_SAFE_INTEGER, 5_000, 60_000)).toBe(60_000);
  });

  it('uses the requested wait when it is between scheduled and max', () => {
    expect(clampRetryAfterMs(30_000, 5_000, 60_000)).toBe(30_000);
  });

  it('is inclusive at both boundaries', () => {
    expect(clampRetryAfterMs(5_000, 5_000, 60_000)).toBe(5_000);
    expect(clampRetryAfterMs(60_000, 5_000, 60_000)).toBe(60_000);
    expect(clampRetryAfterMs(5_001, 5_000, 60_000)).toBe(5_001);
    expect(clampRetryAfterMs(59_999, 5_000, 60_000)).toBe(59_999);
  });

  it('uses the scheduled wait when max is smaller than scheduled, whatever was requested', () => {
    expect(clampRetryAfterMs(1_000, 7_200_000, 3_600_000)).toBe(7_200_000);
    expect(clampRetryAfterMs(5_000_000, 7_200_000, 3_600_000)).toBe(7_200_000);
    expect(clampRetryAfterMs(10_000_000, 7_200_000, 3_600_000)).toBe(7_200_000);
  });

  it('scheduled == max pins the result', () => {
    expect(clampRetryAfterMs(0, 10, 10)).toBe(10);
    expect(clampRetryAfterMs(100, 10, 10)).toBe(10);
  });
});

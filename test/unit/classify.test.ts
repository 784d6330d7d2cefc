import { describe, expect, it } from 'vitest';
import { classifyStatus, honoursRetryAfter } from '../../src/delivery/classify.js';

const ALL_STATUSES = Array.from({ length: 500 }, (_, i) => 100 + i); // 100..599

describe('classifyStatus', () => {
  it('covers every status from 100 to 599', () => {
    expect(ALL_STATUSES[0]).toBe(100);
    expect(ALL_STATUSES.at(-1)).toBe(599);
  });

  it('every integer status 100..599: 2xx succeeded, 410 gone, everything else retryable', () => {
    const wrong: string[] = [];
    for (const status of ALL_STATUSES) {
      const expected = status >= 200 && status <= 299 ? 'succeeded' : status === 410 ? 'gone' : 'retryable';
      const actual = classifyStatus(status);
      if (actual !== expected) wrong.push(`${status}: expected ${expected}, got ${actual}`);
    }
    expect(wrong).toEqual([]);
  });

  it('counts exactly 100 succeeded, 1 gone and 399 retryable statuses', () => {
    const counts = { succeeded: 0, gone: 0, retryable: 0 };
    for (const status of ALL_STATUSES) counts[classifyStatus(status)]++;
    expect(counts).toEqual({ succeeded: 100, gone: 1, retryable: 399 });
  });

  it.each([200, 201, 202, 204, 226, 299])('%i is succeeded', (status) => {
    expect(classifyStatus(status)).toBe('succeeded');
  });

  it('the 2xx band is bounded at 199 and 300', () => {
    expect(classifyStatus(199)).toBe('retryable');
    expect(classifyStatus(200)).toBe('succeeded');
    expect(classifyStatus(299)).toBe('succeeded');
    expect(classifyStatus(300)).toBe('retryable');
  });

  it.each([100, 101, 103])('1xx %i is retryable', (status) => {
    expect(classifyStatus(status)).toBe('retryable');
  });

  it.each([300, 301, 302, 303, 304, 307, 308])('redirect %i is retryable (redirects are never followed)', (status) => {
    expect(classifyStatus(status)).toBe('retryable');
  });

  it('410 Gone is gone', () => {
    expect(classifyStatus(410)).toBe('gone');
  });

  it.each([400, 401, 403, 404, 405, 409, 411, 413, 422, 429])('4xx %i (not 410) is retryable', (status) => {
    expect(classifyStatus(status)).toBe('retryable');
  });

  it.each([500, 501, 502, 503, 504, 599])('5xx %i is retryable', (status) => {
    expect(classifyStatus(status)).toBe('retryable');
  });
});

describe('honoursRetryAfter', () => {
  it('is true for 429 and 503 only, across every status 100..599', () => {
    const honoured = ALL_STATUSES.filter((status) => honoursRetryAfter(status));
    expect(honoured).toEqual([429, 503]);
  });

  it.each([429, 503])('honours Retry-After on %i', (status) => {
    expect(honoursRetryAfter(status)).toBe(true);
  });

  it.each([200, 301, 400, 410, 428, 430, 500, 502, 504])('ignores Retry-After on %i', (status) => {
    expect(honoursRetryAfter(status)).toBe(false);
  });
});

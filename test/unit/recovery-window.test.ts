import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_RECOVERY_WINDOW_DAYS, recoverSchema } from '../../src/schemas/subscription.js';
import { recoveryIdFor } from '../../src/services/recoveries.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The fields the schema names, or 'ok'. */
function verdict(input: unknown): string[] | 'ok' {
  const parsed = recoverSchema.safeParse(input);
  return parsed.success ? 'ok' : parsed.error.issues.map((i) => i.path.join('.'));
}

describe('recoverSchema: the recovery window', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is 31 days at most', () => {
    expect(MAX_RECOVERY_WINDOW_DAYS).toBe(31);
  });

  it('takes an open window up to 31 days back, and names since beyond', () => {
    expect(verdict({ since: iso(NOW - 31 * DAY) })).toBe('ok');
    expect(verdict({ since: iso(NOW - 31 * DAY - 1) })).toEqual(['since']);
  });

  it('takes a closed window of up to 31 days wherever it lies, and names until beyond', () => {
    expect(verdict({ since: iso(NOW - 400 * DAY), until: iso(NOW - 369 * DAY) })).toBe('ok');
    expect(verdict({ since: iso(NOW - 400 * DAY), until: iso(NOW - 369 * DAY + 1) })).toEqual(['until']);
  });

  it('takes a window ending at or before its start as an empty window (as every time range in the API)', () => {
    expect(verdict({ since: iso(NOW - DAY), until: iso(NOW - DAY) })).toBe('ok');
    expect(verdict({ since: iso(NOW - DAY), until: iso(NOW - 2 * DAY) })).toBe('ok');
  });

  it('names since when an open window would start now or later', () => {
    expect(verdict({ since: iso(NOW) })).toEqual(['since']);
    expect(verdict({ since: iso(NOW + DAY) })).toEqual(['since']);
    expect(verdict({ since: iso(NOW - 1) })).toBe('ok');
  });

  it('refuses what is not a timestamp, and unknown fields', () => {
    expect(verdict({ since: 'yesterday' })).toEqual(['since']);
    expect(verdict({})).toEqual(['since']);
    expect(verdict({ since: iso(NOW - DAY), limit: 5 })).toEqual(['']);
  });
});

describe('recoveryIdFor', () => {
  it('is the same for the same subscription and window, however the timestamps are written', () => {
    const a = recoveryIdFor('sub_1', { since: '2026-03-01T00:00:00Z' });
    expect(a).toMatch(/^rcv_[A-Za-z0-9_-]{22}$/);
    expect(recoveryIdFor('sub_1', { since: '2026-03-01T01:00:00+01:00' })).toBe(a);
  });

  it('differs by subscription, by since, by until, and between an open and a closed window', () => {
    const ids = [
      recoveryIdFor('sub_1', { since: '2026-03-01T00:00:00Z' }),
      recoveryIdFor('sub_2', { since: '2026-03-01T00:00:00Z' }),
      recoveryIdFor('sub_1', { since: '2026-03-01T00:00:01Z' }),
      recoveryIdFor('sub_1', { since: '2026-03-01T00:00:00Z', until: '2026-03-02T00:00:00Z' }),
      recoveryIdFor('sub_1', { since: '2026-03-01T00:00:00Z', until: '2026-03-03T00:00:00Z' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});

import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, usageQuerySchema } from '../../src/schemas/usage.js';

const parse = (query: Record<string, string>) => usageQuerySchema.safeParse(query);
const issues = (query: Record<string, string>) => {
  const result = parse(query);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('usage range', () => {
  it('takes both days as given, inclusive', () => {
    expect(parse({ from: '2026-11-01', to: '2026-11-30' })).toEqual({ success: true, data: { from: '2026-11-01', to: '2026-11-30' } });
    expect(parse({ from: '2026-11-30', to: '2026-11-30' }).success).toBe(true);
  });

  it('defaults to the 30 days up to today, or up to `to`', () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(parse({})).toEqual({ success: true, data: { from: addDays(today, -29), to: today } });
    expect(parse({ to: '2026-03-01' })).toEqual({ success: true, data: { from: '2026-01-31', to: '2026-03-01' } });
  });

  it('cuts a range longer than 366 days to the last 366 up to `to`, and keeps a backwards range (empty) as given', () => {
    expect(parse({ from: '2024-01-01', to: '2024-12-31' })).toEqual({ success: true, data: { from: '2024-01-01', to: '2024-12-31' } }); // 366 days, a leap year
    expect(parse({ from: '2025-01-01', to: '2026-01-02' })).toEqual({ success: true, data: { from: '2025-01-02', to: '2026-01-02' } });
    expect(parse({ from: '0020-02-29', to: '2026-03-01' })).toEqual({ success: true, data: { from: '2025-03-01', to: '2026-03-01' } });
    expect(parse({ from: '2026-11-02', to: '2026-11-01' })).toEqual({ success: true, data: { from: '2026-11-02', to: '2026-11-01' } });
  });

  it('refuses what is not a calendar day, and unknown parameters', () => {
    for (const bad of ['2026-13-01', '2026-02-30', '20261101', 'today', '2026-11-01T00:00:00Z']) {
      expect(issues({ from: bad, to: '2026-12-01' }).map((i) => i.path)).toEqual(['from']);
    }
    expect(issues({ tenant: 'x' }).map((i) => i.path)).toEqual(['']);
  });

  it('counts days across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2026-11-01', '2026-11-01')).toBe(0);
  });
});

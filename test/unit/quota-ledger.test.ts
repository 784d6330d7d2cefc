import { describe, expect, it } from 'vitest';
import { createQuotaLedger, secondsUntilUtcMidnight, utcDay } from '../../src/services/quota-ledger.js';

const noon = new Date('2026-12-02T12:00:00Z');
const later = new Date('2026-12-02T18:00:00Z');
const nextDay = new Date('2026-12-03T00:00:01Z');

/** Admits until refused; returns how many got in. */
function admitAll(ledger: ReturnType<typeof createQuotaLedger>, tenantId: string, tries: number, now = noon): number {
  let admitted = 0;
  for (let i = 0; i < tries; i++) if (ledger.admit(tenantId, now).ok) admitted += 1;
  return admitted;
}

describe('quota ledger', () => {
  it('admits every event of a tenant without a quota', () => {
    const ledger = createQuotaLedger();
    expect(admitAll(ledger, 't', 1000)).toBe(1000);
    // Nothing is counted for it either: a quota set later starts from the database's count.
    expect(ledger.used('t', noon)).toBe(0);
  });

  it('refuses the (n+1)th event of the day, naming the quota, its limit and the wait until midnight UTC', () => {
    const ledger = createQuotaLedger();
    ledger.noteLimit('t', 3);
    expect(admitAll(ledger, 't', 3)).toBe(3);
    expect(ledger.admit('t', noon)).toEqual({ ok: false, refusal: { quota: 'eventsPerDay', limit: 3, retryAfterSeconds: 12 * 3600 } });
    // Another tenant is not affected.
    expect(ledger.admit('u', noon).ok).toBe(true);
  });

  it('adds the events usage_daily holds to those admitted here, and does not count admitted ones twice', () => {
    const ledger = createQuotaLedger();
    ledger.noteLimit('t', 10);
    expect(admitAll(ledger, 't', 2)).toBe(2);
    const mark = ledger.beginRead(noon);
    expect(admitAll(ledger, 't', 1)).toBe(1); // admitted while the read is under way: not in it
    // The read counts our 2 and 5 from other processes.
    ledger.applyRead(mark, [{ tenantId: 't', eventsPerDay: 10, events: 7 }]);
    expect(ledger.used('t', noon)).toBe(8);
    expect(admitAll(ledger, 't', 10)).toBe(2);
  });

  it('takes quotas from each read: a tenant left out has none, a changed one applies', () => {
    const ledger = createQuotaLedger();
    ledger.noteLimit('t', 1);
    ledger.applyRead(ledger.beginRead(noon), [{ tenantId: 'u', eventsPerDay: 1, events: 1 }]);
    expect(admitAll(ledger, 't', 5)).toBe(5);
    expect(ledger.admit('u', noon)).toMatchObject({ ok: false, refusal: { limit: 1 } });
    ledger.applyRead(ledger.beginRead(noon), [{ tenantId: 'u', eventsPerDay: 3, events: 1 }]);
    expect(admitAll(ledger, 'u', 5)).toBe(2);
  });

  it('keeps a quota set here during a read over the older one the read returns', () => {
    const ledger = createQuotaLedger();
    const mark = ledger.beginRead(noon);
    ledger.noteLimit('t', 5);
    ledger.applyRead(mark, [{ tenantId: 't', eventsPerDay: 1, events: 1 }]);
    expect(admitAll(ledger, 't', 10)).toBe(4);
    ledger.noteLimit('t', null);
    expect(admitAll(ledger, 't', 10)).toBe(10);
  });

  it('gives back an admission that was released (a repeat, a failed start), once', () => {
    const ledger = createQuotaLedger();
    ledger.noteLimit('t', 1);
    const first = ledger.admit('t', noon);
    expect(first.ok).toBe(true);
    expect(ledger.admit('t', noon).ok).toBe(false);
    if (first.ok) {
      first.release();
      first.release();
    }
    expect(ledger.used('t', noon)).toBe(0);
    expect(admitAll(ledger, 't', 3)).toBe(1);
  });

  it('gives back correctly after a read that counted the admission (the event was never recorded)', () => {
    const ledger = createQuotaLedger();
    ledger.noteLimit('t', 2);
    const admission = ledger.admit('t', noon);
    const mark = ledger.beginRead(noon);
    ledger.applyRead(mark, [{ tenantId: 't', eventsPerDay: 2, events: 0 }]);
    if (admission.ok) admission.release();
    expect(admitAll(ledger, 't', 5)).toBe(2);
  });

  it('starts every tenant from zero on a new UTC day, and ignores a read or a release of the day before', () => {
    const ledger = createQuotaLedger();
    ledger.noteLimit('t', 2);
    const yesterdays = ledger.admit('t', later);
    expect(admitAll(ledger, 't', 5, later)).toBe(1);
    const mark = ledger.beginRead(later);
    expect(admitAll(ledger, 't', 5, nextDay)).toBe(2);
    ledger.applyRead(mark, [{ tenantId: 't', eventsPerDay: 2, events: 2 }]);
    if (yesterdays.ok) yesterdays.release();
    expect(ledger.used('t', nextDay)).toBe(2);
    expect(ledger.admit('t', nextDay).ok).toBe(false);
  });
});

describe('quota clock', () => {
  it('names the UTC day', () => {
    expect(utcDay(new Date('2026-12-02T23:59:59.999Z'))).toBe('2026-12-02');
    expect(utcDay(new Date('2026-12-03T00:00:00Z'))).toBe('2026-12-03');
  });

  it('waits until the next midnight UTC, at least a second', () => {
    expect(secondsUntilUtcMidnight(new Date('2026-12-02T00:00:00Z'))).toBe(86_400);
    expect(secondsUntilUtcMidnight(new Date('2026-12-02T23:59:58.500Z'))).toBe(2);
    expect(secondsUntilUtcMidnight(new Date('2026-12-02T23:59:59.999Z'))).toBe(1);
    expect(secondsUntilUtcMidnight(new Date('2026-12-31T12:00:00Z'))).toBe(43_200);
  });
});

describe('quota ledger with reads that overlap or fail', () => {
  it('counts a release made while a read is under way once', () => {
    const ledger = createQuotaLedger();
    ledger.noteLimit('t', 2);
    const admission = ledger.admit('t', noon);
    const mark = ledger.beginRead(noon);
    if (admission.ok) admission.release();
    // The start failed: the event was never recorded, and the read does not find it.
    ledger.applyRead(mark, [{ tenantId: 't', eventsPerDay: 2, events: 0 }]);
    expect(ledger.used('t', noon)).toBe(0);
    expect(admitAll(ledger, 't', 5)).toBe(2);
  });

  for (const order of ['older read applied last (skipped)', 'older read applied first'] as const) {
    it(`lets admissions leave once when two reads overlap: ${order}`, () => {
      const ledger = createQuotaLedger();
      ledger.noteLimit('t', 10);
      expect(admitAll(ledger, 't', 2)).toBe(2);
      const first = ledger.beginRead(noon);
      expect(admitAll(ledger, 't', 1)).toBe(1);
      const second = ledger.beginRead(noon);
      const reads = [
        () => ledger.applyRead(first, [{ tenantId: 't', eventsPerDay: 10, events: 2 }]),
        () => ledger.applyRead(second, [{ tenantId: 't', eventsPerDay: 10, events: 3 }]),
      ];
      for (const read of order === 'older read applied first' ? reads : reads.reverse()) {
        read();
        expect(ledger.used('t', noon)).toBe(3);
      }
    });
  }

  it('keeps counting what it admitted when a read fails (PostgreSQL away)', () => {
    const ledger = createQuotaLedger();
    ledger.noteLimit('t', 3);
    expect(admitAll(ledger, 't', 2)).toBe(2);
    ledger.abandonRead(ledger.beginRead(noon));
    expect(admitAll(ledger, 't', 5)).toBe(1);
  });
});

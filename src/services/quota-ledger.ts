// The arithmetic of the events-per-day quota, kept in memory by each API
// process (pure: the clock is passed in). A tenant's events of the UTC day are
// what usage_daily held at the last read, plus those this process admitted
// since that read began (admitted ones that an earlier read already counted
// are not counted twice). Publishing never waits for PostgreSQL: the reads
// happen beside it (src/services/event-quota.ts).

export interface QuotaRefusal {
  quota: 'eventsPerDay';
  limit: number;
  /** Until the quota resets, at the next midnight UTC. */
  retryAfterSeconds: number;
}

export type Admission = { ok: true; release(): void } | { ok: false; refusal: QuotaRefusal };

/** What a read of usage_daily began from: its day, and the admissions here it will find recorded. */
export interface ReadMark {
  day: string;
  /** Admissions numbered up to this one had been made when the read began. */
  seq: number;
  /** Per tenant, those admissions not since released. */
  admitted: Map<string, number>;
}

export interface QuotaStanding {
  tenantId: string;
  eventsPerDay: number;
  /** Events of the day in usage_daily. */
  events: number;
}

export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function secondsUntilUtcMidnight(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
}

const NOTHING_TO_RELEASE = { ok: true, release: () => {} } as const;

export function createQuotaLedger() {
  let day = '';
  const limits = new Map<string, number>();
  /** Limits set through this process since the current read began: newer than what that read returns. */
  let notedDuringRead = new Map<string, number | null>();
  const recorded = new Map<string, number>();
  /** Admitted here and not yet found in a read of usage_daily. */
  const admitted = new Map<string, number>();
  /** Each admission's number; those up to `forgottenUpTo` are counted in `recorded` (a read found them). */
  let seq = 0;
  let forgottenUpTo = 0;
  const pending = new Set<ReadMark>();

  const bump = (map: Map<string, number>, tenantId: string, by: number) => map.set(tenantId, (map.get(tenantId) ?? 0) + by);

  /** A new UTC day starts every tenant from zero. */
  const roll = (now: Date) => {
    const today = utcDay(now);
    if (today === day) return;
    day = today;
    recorded.clear();
    admitted.clear();
  };

  const setLimit = (tenantId: string, eventsPerDay: number | null) => {
    if (eventsPerDay === null) limits.delete(tenantId);
    else limits.set(tenantId, eventsPerDay);
  };

  return {
    /** Admits one event of the tenant, or refuses it; a tenant without a quota is always admitted. */
    admit(tenantId: string, now: Date): Admission {
      roll(now);
      const limit = limits.get(tenantId);
      if (limit === undefined) return NOTHING_TO_RELEASE;
      if ((recorded.get(tenantId) ?? 0) + (admitted.get(tenantId) ?? 0) >= limit) {
        return { ok: false, refusal: { quota: 'eventsPerDay', limit, retryAfterSeconds: secondsUntilUtcMidnight(now) } };
      }
      bump(admitted, tenantId, 1);
      const admission = { day, seq: ++seq };
      let released = false;
      return {
        ok: true,
        // The event was not new after all (a repeat) or never started: it does not count.
        release: () => {
          // Yesterday's, or already left to a read (which found it unrecorded, so it counts nowhere).
          if (released || admission.day !== day || admission.seq <= forgottenUpTo) return;
          released = true;
          bump(admitted, tenantId, -1);
          for (const mark of pending) if (mark.seq >= admission.seq) bump(mark.admitted, tenantId, -1);
        },
      };
    },

    /** A quota changed through this process: it applies at once. */
    noteLimit(tenantId: string, eventsPerDay: number | null) {
      setLimit(tenantId, eventsPerDay);
      notedDuringRead.set(tenantId, eventsPerDay);
    },

    beginRead(now: Date): ReadMark {
      roll(now);
      notedDuringRead = new Map();
      const mark = { day, seq, admitted: new Map(admitted) };
      pending.add(mark);
      return mark;
    },

    /** The read failed: what it would have counted stays counted here. */
    abandonRead(mark: ReadMark) {
      pending.delete(mark);
    },

    /**
     * What usage_daily and the tenants held: every quota (a tenant left out
     * has none), and each one's events. The admissions the read began after
     * are in those events from now on (or about to be: see the README on the
     * overshoot), so they leave `admitted`.
     */
    applyRead(mark: ReadMark, standings: QuotaStanding[]) {
      pending.delete(mark);
      // A read of a day that has ended, or older than one already applied: nothing of it applies.
      if (mark.day !== day || mark.seq < forgottenUpTo) return;
      limits.clear();
      recorded.clear();
      for (const s of standings) {
        setLimit(s.tenantId, s.eventsPerDay);
        recorded.set(s.tenantId, s.events);
      }
      for (const [tenantId, eventsPerDay] of notedDuringRead) setLimit(tenantId, eventsPerDay);
      for (const [tenantId, count] of mark.admitted) {
        bump(admitted, tenantId, -count);
        // A later read under way counted them too: they must not leave twice.
        for (const later of pending) if (later.seq >= mark.seq) bump(later.admitted, tenantId, -count);
      }
      forgottenUpTo = mark.seq;
    },

    /** The tenant's events of the day as this process counts them (for tests and diagnostics). */
    used(tenantId: string, now: Date): number {
      roll(now);
      return (recorded.get(tenantId) ?? 0) + (admitted.get(tenantId) ?? 0);
    },
  };
}

export type QuotaLedger = ReturnType<typeof createQuotaLedger>;

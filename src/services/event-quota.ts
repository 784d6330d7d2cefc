// The events-per-day quota of each API process: the ledger (quota-ledger.ts)
// re-read from PostgreSQL every REFRESH_INTERVAL_MS, beside publishing, which
// never waits for it. While PostgreSQL is unreachable the process keeps
// counting what it admits on top of the last read.
import type { Queryable } from '../db/pool.js';
import { eventQuotaStandings } from '../db/usage.js';
import type { Logger } from '../logger.js';
import { createQuotaLedger, type Admission } from './quota-ledger.js';

/** How stale one process's view of the other processes' events may get (see the README on the overshoot). */
export const QUOTA_REFRESH_INTERVAL_MS = 2_000;

export interface EventQuota {
  admit(tenantId: string, now?: Date): Admission;
  noteLimit(tenantId: string, eventsPerDay: number | null): void;
  used(tenantId: string): number;
  refresh(): Promise<void>;
  stop(): void;
}

export function createEventQuota(db: Queryable, logger: Logger, intervalMs = QUOTA_REFRESH_INTERVAL_MS): EventQuota {
  const ledger = createQuotaLedger();
  const refresh = async () => {
    const mark = ledger.beginRead(new Date());
    try {
      ledger.applyRead(mark, await eventQuotaStandings(db, mark.day));
    } catch (error) {
      ledger.abandonRead(mark);
      throw error;
    }
  };
  const refreshQuietly = () =>
    refresh().catch((error: unknown) => logger.warn({ err: error }, 'event quota refresh failed; counting on from the last read'));
  void refreshQuietly();
  const timer = setInterval(() => void refreshQuietly(), intervalMs);
  timer.unref();
  return {
    admit: (tenantId, now = new Date()) => ledger.admit(tenantId, now),
    noteLimit: (tenantId, eventsPerDay) => ledger.noteLimit(tenantId, eventsPerDay),
    used: (tenantId) => ledger.used(tenantId, new Date()),
    refresh,
    stop: () => clearInterval(timer),
  };
}

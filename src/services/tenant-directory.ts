// What an API process knows of every tenant without asking PostgreSQL on each
// request: whether it lives, and since when its portal tokens count. Loaded
// whole at start, then re-read incrementally (rows changed since the last
// read) every REFRESH_INTERVAL_MS. A change made through this process applies
// here at once; one made through another API process within one interval.
import { listTenantStandings, type TenantStanding } from '../db/tenants.js';
import type { Queryable } from '../db/pool.js';
import type { Logger } from '../logger.js';

/** The longest a revocation or deletion made through another API process takes to reach this one. */
export const REFRESH_INTERVAL_MS = 5_000;
/**
 * How far back each refresh looks before the newest change it has seen: a
 * transaction stamps `updated_at` when it starts but becomes visible when it
 * commits, so a change can appear after newer ones.
 */
const COMMIT_LAG_MS = 60_000;

export interface TenantDirectory {
  /** Whether a tenant exists and is not deleted; asks PostgreSQL only for a tenant it has not seen. */
  isLive(tenantId: string): Promise<boolean>;
  /** Whether a token of the tenant issued at `issuedAt` still counts: no database read. */
  tokenStillCounts(tenantId: string, issuedAt: Date): boolean;
  /** A change made through this process, applied at once. */
  note(standing: TenantStanding): void;
  /** Reads what changed since the last refresh. */
  refresh(): Promise<void>;
  stop(): void;
}

export function createTenantDirectory(db: Queryable, logger: Logger, intervalMs = REFRESH_INTERVAL_MS): TenantDirectory {
  const standings = new Map<string, TenantStanding>();
  let newest: Date | null = null;
  let loaded = false;

  const note = (standing: TenantStanding) => {
    const known = standings.get(standing.id);
    if (known && known.updatedAt > standing.updatedAt) return;
    standings.set(standing.id, standing);
    if (newest === null || standing.updatedAt > newest) newest = standing.updatedAt;
  };

  const refresh = async () => {
    const since = loaded && newest ? new Date(newest.getTime() - COMMIT_LAG_MS) : null;
    for (const standing of await listTenantStandings(db, { since })) note(standing);
    loaded = true;
  };

  // Not awaited by anyone: a failed refresh (PostgreSQL away) keeps what is known and tries again.
  const refreshQuietly = () =>
    refresh().catch((error: unknown) => logger.warn({ err: error }, 'tenant directory refresh failed; keeping what is known'));
  void refreshQuietly();
  const timer = setInterval(() => void refreshQuietly(), intervalMs);
  timer.unref();

  return {
    async isLive(tenantId) {
      const known = standings.get(tenantId);
      if (known) return !known.deleted;
      // Created since the last refresh, through another process, or no such tenant.
      const [standing] = await listTenantStandings(db, { id: tenantId });
      if (standing) note(standing);
      return standing !== undefined && !standing.deleted;
    },
    tokenStillCounts(tenantId, issuedAt) {
      const known = standings.get(tenantId);
      if (!known) return true; // issued by us, for a tenant created since the last refresh
      if (known.deleted) return false;
      return known.tokensNotBefore === null || issuedAt >= known.tokensNotBefore;
    },
    note,
    refresh,
    stop: () => clearInterval(timer),
  };
}

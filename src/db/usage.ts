// Usage per tenant per UTC day (migration 012), in up to 16 rows a day, summed here. Written by the statements that
// record the work itself (recordEvent, recordAttempt), read here: a read sums
// at most a year of one tenant's rows, or a range of days' rows for the
// platform, and never touches events, deliveries or attempts.
import type { PlatformUsage, TenantUsage, UsageCounts, UsageQuery } from '../schemas/usage.js';
import { ZERO_USAGE, addDays, daysBetween } from '../schemas/usage.js';
import type { Queryable } from './pool.js';

/**
 * The row of the tenant's day this connection writes: one connection, one
 * shard, so concurrent transactions seldom wait on each other's row lock.
 */
const USAGE_SHARDS = 16;
const SHARD = `(pg_backend_pid() % ${USAGE_SHARDS})`;

/**
 * A CTE for recordEvent's statement: adds one event and its `deliveries` (an
 * SQL expression) to the tenant's day. The row is the tenant's hottest, and
 * its lock is held from here to the commit: recordEvent runs it in the last
 * statement of its transaction.
 */
export function countEventSql(params: { tenantId: string; acceptedAt: string; deliveries: string }): string {
  return `usage AS (
       INSERT INTO usage_daily (tenant_id, day, shard, events, deliveries)
       VALUES (${params.tenantId}, (${params.acceptedAt}::timestamptz AT TIME ZONE 'UTC')::date, ${SHARD}, 1, ${params.deliveries})
       ON CONFLICT (tenant_id, day, shard) DO UPDATE
       SET events = usage_daily.events + 1, deliveries = usage_daily.deliveries + excluded.deliveries
     )`;
}

/**
 * A CTE for recordAttempt's statement: adds one attempt of the delivery the
 * CTE `delivery` (RETURNING tenant_id) updated, on the day `startedAt` names.
 */
export function countAttemptSql(params: { startedAt: string; succeeded: string; bodyBytes: string }): string {
  return `usage AS (
       INSERT INTO usage_daily (tenant_id, day, shard, attempts, failed_attempts, bytes_delivered)
       SELECT tenant_id, (${params.startedAt}::timestamptz AT TIME ZONE 'UTC')::date, ${SHARD}, 1,
              CASE WHEN ${params.succeeded} THEN 0 ELSE 1 END, CASE WHEN ${params.succeeded} THEN ${params.bodyBytes}::bigint ELSE 0 END
       FROM delivery
       ON CONFLICT (tenant_id, day, shard) DO UPDATE
       SET attempts = usage_daily.attempts + 1,
           failed_attempts = usage_daily.failed_attempts + excluded.failed_attempts,
           bytes_delivered = usage_daily.bytes_delivered + excluded.bytes_delivered
     )`;
}

interface CountsRow {
  events: string;
  deliveries: string;
  attempts: string;
  failed_attempts: string;
  bytes_delivered: string;
}

const SUMS = `sum(events) AS events, sum(deliveries) AS deliveries, sum(attempts) AS attempts,
  sum(failed_attempts) AS failed_attempts, sum(bytes_delivered) AS bytes_delivered`;

// bigint sums arrive as strings; a day's or a year's counts stay far below 2^53.
function toCounts(row: CountsRow): UsageCounts {
  return {
    events: Number(row.events),
    deliveries: Number(row.deliveries),
    attempts: Number(row.attempts),
    failedAttempts: Number(row.failed_attempts),
    bytesDelivered: Number(row.bytes_delivered),
  };
}

function add(a: UsageCounts, b: UsageCounts): UsageCounts {
  return {
    events: a.events + b.events,
    deliveries: a.deliveries + b.deliveries,
    attempts: a.attempts + b.attempts,
    failedAttempts: a.failedAttempts + b.failedAttempts,
    bytesDelivered: a.bytesDelivered + b.bytesDelivered,
  };
}

/** One tenant's days in [from, to], every day listed (zeros where nothing happened). */
export async function tenantUsage(db: Queryable, tenantId: string, { from, to }: UsageQuery): Promise<TenantUsage> {
  const { rows } = await db.query<CountsRow & { day: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, ${SUMS} FROM usage_daily
     WHERE tenant_id = $1 AND day BETWEEN $2::date AND $3::date GROUP BY day`,
    [tenantId, from, to],
  );
  const byDay = new Map(rows.map((row) => [row.day, toCounts(row)]));
  const days = Array.from({ length: Math.max(0, daysBetween(from, to) + 1) }, (_, i) => {
    const day = addDays(from, i);
    return { day, ...(byDay.get(day) ?? ZERO_USAGE) };
  });
  const total = days.reduce<UsageCounts>((sum, { day: _day, ...counts }) => add(sum, counts), ZERO_USAGE);
  return { tenantId, from, to, days, total };
}

/** Every tenant's totals over [from, to], and the platform's. */
export async function platformUsage(db: Queryable, { from, to }: UsageQuery): Promise<PlatformUsage> {
  const { rows } = await db.query<CountsRow & { tenant_id: string }>(
    `SELECT tenant_id, ${SUMS} FROM usage_daily WHERE day BETWEEN $1::date AND $2::date
     GROUP BY tenant_id ORDER BY tenant_id`,
    [from, to],
  );
  const tenants = rows.map((row) => ({ tenantId: row.tenant_id, ...toCounts(row) }));
  const total = tenants.reduce<UsageCounts>((sum, { tenantId: _id, ...counts }) => add(sum, counts), ZERO_USAGE);
  return { from, to, tenants, total };
}

/** Each live tenant with an events-per-day quota: the quota, and its events counted on `day` so far. */
export async function eventQuotaStandings(db: Queryable, day: string): Promise<Array<{ tenantId: string; eventsPerDay: number; events: number }>> {
  const { rows } = await db.query<{ id: string; quota: string; events: string | null }>(
    `SELECT t.id, t.quota_events_per_day AS quota, sum(u.events) AS events FROM tenants t
     LEFT JOIN usage_daily u ON u.tenant_id = t.id AND u.day = $1::date
     WHERE t.quota_events_per_day IS NOT NULL AND t.deleted_at IS NULL
     GROUP BY t.id`,
    [day],
  );
  return rows.map((r) => ({ tenantId: r.id, eventsPerDay: Number(r.quota), events: Number(r.events ?? 0) }));
}

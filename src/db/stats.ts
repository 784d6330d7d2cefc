// The counts behind GET /v1/stats and the dead-letter and breaker gauges of
// /metrics, read from PostgreSQL so they cover every process. Each window
// query reads an indexed time range (migrations 013 and 018); `tenantId`
// narrows every count to one tenant.
import type { OpenBreaker } from '../schemas/stats.js';
import type { CountedRows, StatsSpan } from '../stats/stats-window.js';
import type { Queryable } from './pool.js';

/** A bucket index of `column` within the span ($1: since, $2: until, $3: bucket seconds). */
const bucketOf = (column: string) => `floor(extract(epoch FROM ${column} - $1::timestamptz) / $3)::int`;
const inSpan = (column: string) => `${column} >= $1 AND ${column} < $2`;

export async function countWindow(db: Queryable, span: StatsSpan, tenantId: string | undefined): Promise<CountedRows> {
  const params: unknown[] = [span.since, span.until, span.bucketSeconds, ...(tenantId === undefined ? [] : [tenantId])];
  const ofTenant = (column: string) => (tenantId === undefined ? '' : ` AND ${column} = $4`);
  const [events, attempts, dead] = await Promise.all([
    db.query<{ bucket: number; n: number }>(
      `SELECT ${bucketOf('created_at')} AS bucket, count(*)::int AS n
       FROM events WHERE ${inSpan('created_at')}${ofTenant('tenant_id')} GROUP BY 1`,
      params,
    ),
    // attempts carry no tenant: one tenant's are found through their deliveries (by primary key).
    db.query<{ bucket: number; status_code: number | null; n: number }>(
      `SELECT ${bucketOf('a.started_at')} AS bucket, a.status_code, count(*)::int AS n
       FROM attempts a${tenantId === undefined ? '' : ' JOIN deliveries d ON d.id = a.delivery_id'}
       WHERE ${inSpan('a.started_at')}${ofTenant('d.tenant_id')} GROUP BY 1, 2`,
      params,
    ),
    // A dead delivery's updated_at is when it was dead-lettered: nothing changes it after but a redelivery.
    db.query<{ bucket: number; n: number }>(
      `SELECT ${bucketOf('updated_at')} AS bucket, count(*)::int AS n
       FROM deliveries WHERE status = 'dead' AND ${inSpan('updated_at')}${ofTenant('tenant_id')} GROUP BY 1`,
      params,
    ),
  ]);
  return {
    events: events.rows,
    attempts: attempts.rows.map((r) => ({ bucket: r.bucket, statusCode: r.status_code, n: r.n })),
    dead: dead.rows,
  };
}

/** Deliveries dead-lettered now (hookflow_dead_letters). */
export async function countDeadLetters(db: Queryable, tenantId?: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM deliveries WHERE status = 'dead'${tenantId === undefined ? '' : ' AND tenant_id = $1'}`,
    tenantId === undefined ? [] : [tenantId],
  );
  return rows[0]?.n ?? 0;
}

export type BreakerCounts = { closed: number; open: number; half_open: number };

/** Breakers of existing subscriptions by state (hookflow_breakers). */
export async function countBreakers(db: Queryable, tenantId?: string): Promise<BreakerCounts> {
  // A subscription without a health row has never failed: its breaker is closed.
  const { rows } = await db.query<{ state: keyof BreakerCounts; n: number }>(
    `SELECT COALESCE(h.state, 'closed') AS state, count(*)::int AS n
     FROM subscriptions s LEFT JOIN endpoint_health h ON h.subscription_id = s.id
     WHERE s.deleted_at IS NULL${tenantId === undefined ? '' : ' AND s.tenant_id = $1'} GROUP BY 1`,
    tenantId === undefined ? [] : [tenantId],
  );
  const counts: BreakerCounts = { closed: 0, open: 0, half_open: 0 };
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/** The breakers that are not closed, longest open first (at most `limit`). */
export async function listOpenBreakers(db: Queryable, tenantId: string | undefined, limit = 100): Promise<OpenBreaker[]> {
  const { rows } = await db.query<{ id: string; tenant_id: string; state: 'open' | 'half_open'; open_until: Date | null }>(
    `SELECT s.id, s.tenant_id, h.state, h.open_until
     FROM endpoint_health h JOIN subscriptions s ON s.id = h.subscription_id
     WHERE h.state <> 'closed' AND s.deleted_at IS NULL${tenantId === undefined ? '' : ' AND s.tenant_id = $2'}
     ORDER BY h.updated_at, s.id LIMIT $1`,
    tenantId === undefined ? [limit] : [limit, tenantId],
  );
  return rows.map((r) => ({ subscriptionId: r.id, tenantId: r.tenant_id, state: r.state, openUntil: r.open_until?.toISOString() ?? null }));
}

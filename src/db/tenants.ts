import type { Page } from '../schemas/common.js';
import type { CreateTenant, Tenant, UpdateTenant } from '../schemas/tenant.js';
import { afterCursorSql, pageParams, toPage } from './page.js';
import { inTransaction, type Pool, type Queryable } from './pool.js';

interface TenantRow {
  id: string;
  name: string;
  metadata: Record<string, Tenant['metadata'][string]>;
  retention_days: number | null;
  quota_events_per_day: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, metadata, retention_days, quota_events_per_day, created_at, updated_at';

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    metadata: row.metadata,
    retentionDays: row.retention_days,
    quotas: { eventsPerDay: row.quota_events_per_day === null ? null : Number(row.quota_events_per_day) },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Undefined when the id is taken (by a live or a deleted tenant: ids are never reused). */
export async function insertTenant(db: Queryable, id: string, input: CreateTenant): Promise<Tenant | undefined> {
  const { rows } = await db.query<TenantRow>(
    `INSERT INTO tenants (id, name, metadata) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
    [id, input.name, input.metadata ?? {}],
  );
  return rows[0] && toTenant(rows[0]);
}

export async function findTenant(db: Queryable, id: string): Promise<Tenant | undefined> {
  const { rows } = await db.query<TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1 AND deleted_at IS NULL`, [id]);
  return rows[0] && toTenant(rows[0]);
}

/** `only`: the one tenant a limited caller may see. */
export async function listTenants(
  db: Queryable,
  query: { limit: number; cursor?: string | undefined; only?: string | undefined },
): Promise<Page<Tenant>> {
  const { rows } = await db.query<TenantRow>(
    `SELECT ${COLUMNS} FROM tenants
     WHERE deleted_at IS NULL AND ($4::text IS NULL OR id = $4) AND ${afterCursorSql(1)}
     ORDER BY created_at, id LIMIT $3`,
    [...pageParams(query), query.only ?? null],
  );
  return toPage(rows, query.limit, toTenant);
}

export async function updateTenant(db: Queryable, id: string, patch: UpdateTenant): Promise<Tenant | undefined> {
  const { rows } = await db.query<TenantRow>(
    // retentionDays and quotas: absent keeps them, null resets them (the default retention; no quota).
    `UPDATE tenants SET name = COALESCE($2, name), metadata = COALESCE($3, metadata),
       retention_days = CASE WHEN $4 THEN $5::integer ELSE retention_days END,
       quota_events_per_day = CASE WHEN $6 THEN $7::bigint ELSE quota_events_per_day END, updated_at = now()
     WHERE id = $1 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
    [
      id,
      patch.name ?? null,
      patch.metadata ?? null,
      patch.retentionDays !== undefined,
      patch.retentionDays ?? null,
      patch.quotas?.eventsPerDay !== undefined,
      patch.quotas?.eventsPerDay ?? null,
    ],
  );
  return rows[0] && toTenant(rows[0]);
}

/**
 * Deletes a tenant: its subscriptions are disabled (no new deliveries), its
 * keys revoked and its portal tokens refused; its events, deliveries and
 * attempts stay until retention. Returns when (by PostgreSQL's clock), or
 * undefined when there is no such live tenant.
 */
export async function deleteTenant(pool: Pool, id: string): Promise<Date | undefined> {
  return inTransaction(pool, (tx) => deleteTenantIn(tx, id));
}

/** deleteTenant inside a transaction the caller holds (the API records the deletion in it). */
export async function deleteTenantIn(tx: Queryable, id: string): Promise<Date | undefined> {
  const { rows } = await tx.query<{ updated_at: Date }>(
    `UPDATE tenants SET deleted_at = now(), tokens_not_before = now(), updated_at = now()
     WHERE id = $1 AND deleted_at IS NULL RETURNING updated_at`,
    [id],
  );
  const deletedAt = rows[0]?.updated_at;
  if (!deletedAt) return undefined;
  await tx.query(
    `UPDATE subscriptions SET status = 'disabled', disabled_reason = 'tenant deleted', updated_at = now()
     WHERE tenant_id = $1 AND deleted_at IS NULL AND status <> 'disabled'`,
    [id],
  );
  await tx.query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND revoked_at IS NULL', [id]);
  return deletedAt;
}

/** Refuses every portal token of the tenant issued until now. False when there is no such live tenant. */
export async function revokePortalTokens(db: Queryable, id: string): Promise<Date | undefined> {
  const { rows } = await db.query<{ tokens_not_before: Date }>(
    `UPDATE tenants SET tokens_not_before = now(), updated_at = now()
     WHERE id = $1 AND deleted_at IS NULL RETURNING tokens_not_before`,
    [id],
  );
  return rows[0]?.tokens_not_before;
}

/** What an API process keeps in memory of each tenant: whether it lives, and since when its tokens count. */
export interface TenantStanding {
  id: string;
  deleted: boolean;
  tokensNotBefore: Date | null;
  updatedAt: Date;
}

/** Tenants changed at or after `since` (all of them when null), oldest change first; or the one tenant `id`. */
export async function listTenantStandings(db: Queryable, filter: { since: Date | null } | { id: string }): Promise<TenantStanding[]> {
  const { rows } = await db.query<{ id: string; deleted: boolean; tokens_not_before: Date | null; updated_at: Date }>(
    `SELECT id, deleted_at IS NOT NULL AS deleted, tokens_not_before, updated_at FROM tenants
     WHERE ${'id' in filter ? 'id = $1' : '$1::timestamptz IS NULL OR updated_at >= $1'} ORDER BY updated_at`,
    ['id' in filter ? filter.id : filter.since],
  );
  return rows.map((r) => ({ id: r.id, deleted: r.deleted, tokensNotBefore: r.tokens_not_before, updatedAt: r.updated_at }));
}

import type { ApiKey, ApiKeyScope, CreateApiKey } from '../schemas/api-key.js';
import type { Page } from '../schemas/common.js';
import { afterCursorSql, pageParams, toPage } from './page.js';
import type { Queryable } from './pool.js';

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  tenant_id: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, prefix, scopes, tenant_id, created_at, revoked_at';

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    tenantId: row.tenant_id,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

export async function insertApiKey(db: Queryable, key: { id: string; prefix: string; keyHash: string } & CreateApiKey): Promise<ApiKey> {
  const { rows } = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, name, prefix, key_hash, scopes, tenant_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [key.id, key.name, key.prefix, key.keyHash, [...new Set(key.scopes)], key.tenantId ?? null],
  );
  return toApiKey(rows[0]!);
}

/** The key with this hash, unless revoked. */
export async function findActiveApiKey(db: Queryable, keyHash: string): Promise<ApiKey | undefined> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, [keyHash]);
  return rows[0] && toApiKey(rows[0]);
}

export async function listApiKeys(
  db: Queryable,
  query: { limit: number; cursor?: string | undefined; tenantId?: string | undefined },
): Promise<Page<ApiKey>> {
  const { rows } = await db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE ($4::text IS NULL OR tenant_id = $4) AND ${afterCursorSql(1)}
     ORDER BY created_at, id LIMIT $3`,
    [...pageParams(query), query.tenantId ?? null],
  );
  return toPage(rows, query.limit, toApiKey);
}

/** The revoked key, or undefined when there is no such key not yet revoked. */
export async function revokeApiKey(db: Queryable, id: string): Promise<ApiKey | undefined> {
  const { rows } = await db.query<ApiKeyRow>(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`, [
    id,
  ]);
  return rows[0] && toApiKey(rows[0]);
}

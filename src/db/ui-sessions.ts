// Console and portal sessions (migration 015). Looked up by the SHA-256 of the
// cookie's value; expired rows are swept whenever a session starts.
import type { Queryable } from './pool.js';

export type UiSessionKind = 'console' | 'portal';

export interface UiSessionRow {
  kind: UiSessionKind;
  credentialSealed: string;
  csrfToken: string;
  label: string;
  tenantId: string | null;
  lastSeenAt: Date;
  expiresAt: Date;
}

interface Row {
  kind: UiSessionKind;
  credential_sealed: string;
  csrf_token: string;
  label: string;
  tenant_id: string | null;
  last_seen_at: Date;
  expires_at: Date;
}

export async function insertUiSession(db: Queryable, idHash: Buffer, session: Omit<UiSessionRow, 'lastSeenAt'>): Promise<void> {
  await db.query('DELETE FROM ui_sessions WHERE expires_at < now()');
  await db.query(
    `INSERT INTO ui_sessions (id_hash, kind, credential_sealed, csrf_token, label, tenant_id, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [idHash, session.kind, session.credentialSealed, session.csrfToken, session.label, session.tenantId, session.expiresAt],
  );
}

/** The session, if it exists, is of this kind and has not expired (its idle limit is the caller's to apply). */
export async function findUiSession(db: Queryable, idHash: Buffer, kind: UiSessionKind): Promise<UiSessionRow | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT kind, credential_sealed, csrf_token, label, tenant_id, last_seen_at, expires_at
       FROM ui_sessions WHERE id_hash = $1 AND kind = $2 AND expires_at > now()`,
    [idHash, kind],
  );
  const row = rows[0];
  return (
    row && {
      kind: row.kind,
      credentialSealed: row.credential_sealed,
      csrfToken: row.csrf_token,
      label: row.label,
      tenantId: row.tenant_id,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
    }
  );
}

export async function touchUiSession(db: Queryable, idHash: Buffer): Promise<void> {
  await db.query('UPDATE ui_sessions SET last_seen_at = now() WHERE id_hash = $1', [idHash]);
}

export async function deleteUiSession(db: Queryable, idHash: Buffer): Promise<void> {
  await db.query('DELETE FROM ui_sessions WHERE id_hash = $1', [idHash]);
}

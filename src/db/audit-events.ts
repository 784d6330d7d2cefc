import type { JsonValue } from '../json.js';
import type { AuditEvent, AuditResourceType, ListAuditEventsQuery } from '../schemas/audit-event.js';
import type { Page } from '../schemas/common.js';
import { newId } from '../ids.js';
import { afterCursorSql, pageParams, toPage } from './page.js';
import { instant } from './instant.js';
import type { Queryable } from './pool.js';

/** An audit event to record; redaction is the caller's (src/audit/redact.ts), done before this point. */
export interface NewAuditEvent {
  tenantId: string | null;
  actor: { kind: 'api-key' | 'portal-token'; id: string };
  action: string;
  resource: { type: AuditResourceType; id: string };
  sourceAddress: string | null;
  requestId: string | null;
  before: Record<string, JsonValue> | null;
  after: Record<string, JsonValue> | null;
}

interface AuditEventRow {
  id: string;
  created_at: Date;
  tenant_id: string | null;
  actor_kind: 'api-key' | 'portal-token';
  actor_id: string;
  action: string;
  resource_type: AuditResourceType;
  resource_id: string;
  source_address: string | null;
  request_id: string | null;
  before: Record<string, JsonValue> | null;
  after: Record<string, JsonValue> | null;
}

function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    at: row.created_at.toISOString(),
    tenantId: row.tenant_id,
    actor: { kind: row.actor_kind, id: row.actor_id },
    action: row.action,
    resource: { type: row.resource_type, id: row.resource_id },
    sourceAddress: row.source_address,
    requestId: row.request_id,
    before: row.before,
    after: row.after,
  };
}

export async function insertAuditEvent(db: Queryable, event: NewAuditEvent): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (id, tenant_id, actor_kind, actor_id, action, resource_type, resource_id, source_address, request_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      newId('aud'),
      event.tenantId,
      event.actor.kind,
      event.actor.id,
      event.action,
      event.resource.type,
      event.resource.id,
      event.sourceAddress,
      event.requestId,
      event.before === null ? null : JSON.stringify(event.before),
      event.after === null ? null : JSON.stringify(event.after),
    ],
  );
}

/** Oldest first, like every list; `tenantId` is the filter already scoped to the caller (tenantForList). */
export async function listAuditEvents(db: Queryable, query: ListAuditEventsQuery): Promise<Page<AuditEvent>> {
  const { rows } = await db.query<AuditEventRow>(
    `SELECT * FROM audit_events
     WHERE ($4::text IS NULL OR tenant_id = $4)
       AND ($5::text IS NULL OR resource_type = $5)
       AND ($6::text IS NULL OR resource_id = $6)
       AND ($7::text IS NULL OR actor_id = $7)
       AND ($8::text IS NULL OR action = $8)
       AND ($9::timestamptz IS NULL OR created_at >= $9)
       AND ($10::timestamptz IS NULL OR created_at < $10)
       AND ${afterCursorSql(1)}
     ORDER BY created_at, id LIMIT $3`,
    [
      ...pageParams(query),
      query.tenantId ?? null,
      query.resourceType ?? null,
      query.resourceId ?? null,
      query.actorId ?? null,
      query.action ?? null,
      instant(query.since),
      instant(query.until),
    ],
  );
  return toPage(rows, query.limit, toAuditEvent);
}

/**
 * Deletes audit events recorded before `cutoff`, at most `limit` of them (so
 * one call holds no long lock); returns how many went. The retention workflow
 * calls it in rounds until it returns less than `limit`.
 */
export async function deleteAuditEventsBefore(db: Queryable, cutoff: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM audit_events WHERE id IN (
       SELECT id FROM audit_events WHERE created_at < $1 ORDER BY created_at, id LIMIT $2
     )`,
    [cutoff, limit],
  );
  return rowCount ?? 0;
}

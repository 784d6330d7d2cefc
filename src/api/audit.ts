// Records a change made through the API in the audit trail (README "Audit
// trail"). A change made in PostgreSQL alone is recorded in its own
// transaction (recordedChange): both happen or neither. Changes that go
// through Temporal or span services are recorded once they have succeeded
// (recordAudit). Either way a refused or failed request records nothing.
// Publishing events is traffic, not a change, and is not recorded.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { changedFields } from '../audit/redact.js';
import { insertAuditEvent } from '../db/audit-events.js';
import { inTransaction, type Pool, type Queryable } from '../db/pool.js';
import type { AuditResourceType } from '../schemas/audit-event.js';
import type { AppEnv } from './env.js';

export interface AuditEntry {
  action: string;
  resource: { type: AuditResourceType; id: string };
  /** The tenant the change concerns; null for platform-wide ones. */
  tenantId: string | null;
  /** The resource as it was and as it is (whole objects: only changed fields are kept, secrets redacted). */
  before?: object | null;
  after?: object | null;
}

export async function recordAudit(c: Context<AppEnv>, db: Queryable, entry: AuditEntry): Promise<void> {
  const caller = c.get('caller');
  await insertAuditEvent(db, {
    tenantId: entry.tenantId,
    actor: { kind: caller.kind, id: caller.keyId },
    action: entry.action,
    resource: entry.resource,
    sourceAddress: sourceAddress(c),
    requestId: requestId(c),
    ...changedFields(entry.before, entry.after),
  });
}

/**
 * Makes a change and records it in one transaction. `change` answering
 * undefined (nothing there to change) records nothing and commits nothing.
 */
export async function recordedChange<T>(
  c: Context<AppEnv>,
  pool: Pool,
  change: (tx: Queryable) => Promise<T | undefined>,
  entry: (result: T) => AuditEntry,
): Promise<T | undefined> {
  return inTransaction(pool, async (tx) => {
    const result = await change(tx);
    if (result !== undefined) await recordAudit(c, tx, entry(result));
    return result;
  });
}

/**
 * The TCP peer, as @hono/node-server hands it over. Deliberately not
 * X-Forwarded-For: any client can write that header, and an audit trail
 * must not record what the audited party claims. Behind a proxy this is the
 * proxy's address; the proxy's own log ties it to the client (by X-Request-Id).
 */
function sourceAddress(c: Context<AppEnv>): string | null {
  const address = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;
  return address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '') ?? null;
}

/** A caller's or proxy's X-Request-Id, kept when it is a sane one (printable, at most 128 characters). */
function requestId(c: Context<AppEnv>): string | null {
  const id = c.req.header('x-request-id');
  return id !== undefined && /^[\x21-\x7e]{1,128}$/.test(id) ? id : null;
}

// Deleting expired history, one bounded batch at a time (the retention
// workflow calls these through activities, never the request path). A row is
// expired when it is older than its tenant's retention (tenants.retention_days,
// else the default), and what is still needed is never touched:
// - pending deliveries (not settled yet) and their attempts;
// - dead letters within policy.deadLetterKeepSeconds of dying (their workflow
//   still waits for a redeliver), and dead letters of a blocking fifo stream
//   (the stream may be waiting on one, with no deadline);
// - events with a delivery left, not yet fanned out, or fanned out within
//   policy.eventKeepAfterFanoutSeconds (idempotency: see RetentionPolicy).
// FOR UPDATE SKIP LOCKED: a row another transaction is changing (a redelivery
// reopening a dead letter) is left for the next run, and re-checked after.
import type { RetentionPolicy, RetentionTarget } from '../retention/policy.js';
import type { Queryable } from './pool.js';
import { deleteAuditEventsBefore } from './audit-events.js';
import { auditRetentionCutoff } from '../audit/retention.js';

/** The tenant's retention in days: its own or the default ($1). `t` is tenants, left-joined. */
const RETENTION_DAYS = 'COALESCE(t.retention_days, $1::integer)';

/** Deliveries `d` (tenants `t` left-joined) that are settled and older than their retention; $1 default days, $2 dead-letter keep seconds. */
const EXPIRED_DELIVERY = `
  d.created_at < now() - make_interval(days => ${RETENTION_DAYS})
  AND (d.status = 'succeeded'
       OR (d.status = 'dead' AND d.updated_at < now() - make_interval(secs => $2::double precision)
           AND NOT (d.ordered_at IS NOT NULL AND EXISTS (
             SELECT 1 FROM subscriptions s WHERE s.id = d.subscription_id AND COALESCE(s.on_dead_letter, 'block') = 'block'))))`;

/** Runs one bounded DELETE; how many rows it took. */
async function rowsDeleted(db: Queryable, sql: string, params: unknown[]): Promise<number> {
  return (await db.query(sql, params)).rowCount ?? 0;
}

const deliveryParams = (policy: RetentionPolicy) => [policy.defaultRetentionDays, policy.deadLetterKeepSeconds, policy.batchSize];

const deleteExpiredAttempts = (db: Queryable, policy: RetentionPolicy) =>
  rowsDeleted(
    db,
    `DELETE FROM attempts WHERE (delivery_id, number) IN (
       SELECT a.delivery_id, a.number FROM deliveries d
       LEFT JOIN tenants t ON t.id = d.tenant_id
       JOIN attempts a ON a.delivery_id = d.id
       WHERE ${EXPIRED_DELIVERY}
       LIMIT $3 FOR UPDATE OF d, a SKIP LOCKED)`,
    deliveryParams(policy),
  );

/** Only deliveries whose attempts are gone: the attempts target runs first. */
const deleteExpiredDeliveries = (db: Queryable, policy: RetentionPolicy) =>
  rowsDeleted(
    db,
    `DELETE FROM deliveries WHERE id IN (
       SELECT d.id FROM deliveries d
       LEFT JOIN tenants t ON t.id = d.tenant_id
       WHERE ${EXPIRED_DELIVERY} AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.delivery_id = d.id)
       LIMIT $3 FOR UPDATE OF d SKIP LOCKED)`,
    deliveryParams(policy),
  );

/** $2 here: how long after its fan-out an event row still guards idempotency. */
const deleteExpiredEvents = (db: Queryable, policy: RetentionPolicy) =>
  rowsDeleted(
    db,
    `DELETE FROM events WHERE id IN (
       SELECT e.id FROM events e
       LEFT JOIN tenants t ON t.id = e.tenant_id
       WHERE e.created_at < now() - make_interval(days => ${RETENTION_DAYS})
         AND e.fanned_out_at < now() - make_interval(secs => $2::double precision)
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)
       LIMIT $3 FOR UPDATE OF e SKIP LOCKED)`,
    [policy.defaultRetentionDays, policy.eventKeepAfterFanoutSeconds, policy.batchSize],
  );

/**
 * One batch of each target: how many rows it deleted (fewer than
 * policy.batchSize means none is left). Adding a table to retention is one
 * entry here and one in RetentionTarget (and in RETENTION_TARGETS, in order).
 */
export const DELETE_EXPIRED: Record<RetentionTarget, (db: Queryable, policy: RetentionPolicy) => Promise<number>> = {
  attempts: deleteExpiredAttempts,
  deliveries: deleteExpiredDeliveries,
  events: deleteExpiredEvents,
  // The audit trail has a retention of its own, the same for every tenant.
  audit_events: (db, policy) => deleteAuditEventsBefore(db, auditRetentionCutoff(policy.auditRetentionDays, new Date()), policy.batchSize),
};

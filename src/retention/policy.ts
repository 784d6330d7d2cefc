// What the retention workflow is told to keep and what it may delete. Plain
// data: it travels in the Schedule's action (visible in the Web UI) and in
// each workflow and activity input, so it holds no secret and no tenant data.

/** Tables the retention workflow empties of expired rows, in this order: children before their parents. */
export type RetentionTarget = 'attempts' | 'deliveries' | 'events' | 'audit_events';

export interface RetentionPolicy {
  /** Days a tenant's events, deliveries and attempts are kept when the tenant sets no retentionDays of its own. */
  defaultRetentionDays: number;
  /**
   * A dead letter is kept at least this long after it died: its delivery
   * workflow waits that long for a redeliver signal (DEAD_LETTER_RETENTION),
   * plus a margin, so a redelivery never finds its row gone.
   */
  deadLetterKeepSeconds: number;
  /**
   * An event row is kept at least this long after its fan-out: Temporal's
   * namespace retention plus a margin. While the row is there, a
   * re-publication of its id (or Idempotency-Key) fans out nothing; while the
   * closed event workflow is there, Temporal refuses the re-publication
   * itself. So a repeat never delivers twice before both are gone.
   */
  eventKeepAfterFanoutSeconds: number;
  /** Rows one activity deletes at most (one short transaction each). */
  batchSize: number;
  /** Days the audit trail keeps its events (HOOKFLOW_AUDIT_RETENTION_DAYS), whatever the tenant. */
  auditRetentionDays: number;
}

/** Margin past the delivery workflow's own wait and Temporal's retention: clocks and closing take time. */
export const RETENTION_MARGIN_SECONDS = 86_400;

/** The policy for a deployment: its default retention, the dead-letter wait, and Temporal's namespace retention. */
export function retentionPolicy(options: {
  defaultRetentionDays: number;
  deadLetterRetentionSeconds: number;
  namespaceRetentionSeconds: number;
  batchSize: number;
  auditRetentionDays: number;
}): RetentionPolicy {
  return {
    defaultRetentionDays: options.defaultRetentionDays,
    deadLetterKeepSeconds: options.deadLetterRetentionSeconds + RETENTION_MARGIN_SECONDS,
    eventKeepAfterFanoutSeconds: options.namespaceRetentionSeconds + RETENTION_MARGIN_SECONDS,
    batchSize: options.batchSize,
    auditRetentionDays: options.auditRetentionDays,
  };
}

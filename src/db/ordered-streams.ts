// A fifo subscription's stream, as PostgreSQL holds it: the pending ordered
// deliveries, oldest key first, and how far the stream has sent. The ordered
// delivery workflow (workflows/ordered-delivery-workflow.ts) asks for the head
// again after every delivery, so PostgreSQL, not the workflow, is the queue.
import type { OnDeadLetter } from '../schemas/subscription.js';
import { inTransaction, type Pool } from './pool.js';

export type StreamHead =
  | { kind: 'empty' }
  /** The head's event was accepted less than the hold-back ago: an earlier one may still be on its way. */
  | { kind: 'wait'; delayMs: number }
  | {
      kind: 'head';
      deliveryId: string;
      eventId: string;
      eventType: string;
      url: string;
      onDeadLetter: OnDeadLetter;
      /**
       * Sent for the first time behind a later-accepted event of this stream:
       * its event was recorded after that one had been sent.
       */
      outOfOrder: boolean;
    };

/**
 * The oldest pending delivery of the stream, by (event accepted at, event id),
 * once its event is older than `holdBackMs`; records it as sent so far. An
 * operator's redelivery (a delivery with attempts already) going out behind
 * later ones is what was asked for, not a violation.
 */
export async function nextInOrder(pool: Pool, subscriptionId: string, holdBackMs: number): Promise<StreamHead> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{
      id: string;
      event_id: string;
      ordered_at: Date;
      attempt_count: number;
      type: string;
      url: string;
      on_dead_letter: OnDeadLetter | null;
      wait_ms: number;
    }>(
      // The database's clock for "now": one clock for every worker.
      `SELECT d.id, d.event_id, d.ordered_at, d.attempt_count, e.type, s.url, s.on_dead_letter,
              ceil(greatest(0, extract(epoch FROM d.ordered_at - now()) * 1000 + $2))::float8 AS wait_ms
       FROM deliveries d JOIN events e ON e.id = d.event_id JOIN subscriptions s ON s.id = d.subscription_id
       WHERE d.subscription_id = $1 AND d.ordered_at IS NOT NULL AND d.status = 'pending'
       ORDER BY d.ordered_at, d.event_id LIMIT 1`,
      [subscriptionId, holdBackMs],
    );
    const head = rows[0];
    if (!head) return { kind: 'empty' };
    if (head.wait_ms > 0) return { kind: 'wait', delayMs: head.wait_ms };
    const { rows: sent } = await tx.query<{ behind: boolean }>(
      // Only the first time a key is handed out behind a larger one counts.
      `INSERT INTO ordered_streams AS o (subscription_id, sent_ordered_at, sent_event_id) VALUES ($1, $2, $3)
       ON CONFLICT (subscription_id) DO UPDATE SET
         order_violations = o.order_violations + CASE WHEN $4 AND (EXCLUDED.sent_ordered_at, EXCLUDED.sent_event_id) < (o.sent_ordered_at, o.sent_event_id) THEN 1 ELSE 0 END,
         sent_event_id = CASE WHEN (EXCLUDED.sent_ordered_at, EXCLUDED.sent_event_id) > (o.sent_ordered_at, o.sent_event_id) THEN EXCLUDED.sent_event_id ELSE o.sent_event_id END,
         sent_ordered_at = greatest(o.sent_ordered_at, EXCLUDED.sent_ordered_at),
         updated_at = now()
       RETURNING $4 AND (o.sent_ordered_at, o.sent_event_id) > ($2::timestamptz, $3::text) AS behind`,
      [subscriptionId, head.ordered_at, head.event_id, head.attempt_count === 0],
    );
    return {
      kind: 'head',
      deliveryId: head.id,
      eventId: head.event_id,
      eventType: head.type,
      url: head.url,
      onDeadLetter: head.on_dead_letter ?? 'block',
      outOfOrder: sent[0]!.behind,
    };
  });
}

/** A stream's backlog and violations, from PostgreSQL. */
export async function streamFigures(pool: Pool, subscriptionId: string): Promise<{ pending: number; orderViolations: number }> {
  const { rows } = await pool.query<{ pending: number; order_violations: number | null }>(
    `SELECT (SELECT count(*)::int FROM deliveries WHERE subscription_id = $1 AND ordered_at IS NOT NULL AND status = 'pending') AS pending,
            (SELECT order_violations FROM ordered_streams WHERE subscription_id = $1) AS order_violations`,
    [subscriptionId],
  );
  return { pending: rows[0]!.pending, orderViolations: rows[0]!.order_violations ?? 0 };
}

/** Violations counted for a stream so far (0 for a stream that never sent). */
export async function orderViolations(pool: Pool, subscriptionId: string): Promise<number> {
  const { rows } = await pool.query<{ order_violations: number }>('SELECT order_violations FROM ordered_streams WHERE subscription_id = $1', [
    subscriptionId,
  ]);
  return rows[0]?.order_violations ?? 0;
}

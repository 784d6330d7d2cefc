// Event bookkeeping for the event workflow: record once, list who gets it.
import { listFanoutBatch as listBatch, markEventFannedOut as markFannedOut, recordEvent as record } from '../src/db/events.js';
import type { Pool } from '../src/db/pool.js';
import { displayTarget } from '../src/delivery/target.js';
import type { AcceptedEvent } from '../src/schemas/event.js';

export interface FanoutBatchItem {
  deliveryId: string;
  subscriptionId: string;
  /** Display form of the URL (no query string): it goes into Temporal. */
  target: string;
}

export function createEventActivities(deps: { pool: Pool }) {
  async function recordEvent(event: AcceptedEvent): Promise<{ fannedOut: boolean }> {
    return record(deps.pool, event);
  }

  async function listFanoutBatch(input: {
    eventId: string;
    afterSubscriptionId: string | null;
    limit: number;
  }): Promise<FanoutBatchItem[]> {
    const rows = await listBatch(deps.pool, input.eventId, input.afterSubscriptionId, input.limit);
    return rows.map((row) => ({ deliveryId: row.deliveryId, subscriptionId: row.subscriptionId, target: displayTarget(row.url) }));
  }

  async function markEventFannedOut(eventId: string): Promise<void> {
    await markFannedOut(deps.pool, eventId);
  }

  return { recordEvent, listFanoutBatch, markEventFannedOut };
}

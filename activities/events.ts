// Event bookkeeping for the event workflow: record once, list who gets it.
import { Context } from '@temporalio/activity';
import { nextFanoutBatch, recordEvent as record, type FanoutTarget } from '../src/db/events.js';
import type { Pool } from '../src/db/pool.js';
import { displayTarget } from '../src/delivery/target.js';
import type { DeliveryWorkflowsMode } from '../src/schemas/delivery.js';
import type { AcceptedEvent } from '../src/schemas/event.js';
import { fanoutBatchSize } from '../workflows/definitions.js';

export interface FanoutBatchItem {
  deliveryId: string;
  subscriptionId: string;
  /** Display form of the URL (no query string): it goes into Temporal. */
  target: string;
  /**
   * A fifo subscription's delivery: handed to its ordered stream, never
   * attempted by the event workflow. Present only when true, so histories
   * recorded before ordered delivery existed (which lack it) replay as they ran.
   */
  ordered?: true;
}

export interface RecordedEvent {
  fannedOut: boolean;
  batch: FanoutBatchItem[];
  /**
   * This worker's setting, decided once per event and kept in the history
   * with this result, so a replay takes the same path whatever the setting
   * is by then. Absent from histories recorded before the setting existed,
   * which all started a delivery workflow per subscriber.
   */
  deliveryWorkflows?: DeliveryWorkflowsMode;
  /**
   * Subscriptions of this batch's window already delivered to: by this same
   * run, in a workflow task whose history was lost with a worker or the
   * Temporal server (the run asks again). Not attempted again, but listed in
   * HookflowDeliveredTo. Absent when empty, and in older histories.
   */
  alreadyDelivered?: string[];
}

export function createEventActivities(deps: { pool: Pool; deliveryWorkflows: DeliveryWorkflowsMode }) {
  const forTemporal = (rows: FanoutTarget[]): FanoutBatchItem[] =>
    rows.map((row) => ({
      deliveryId: row.deliveryId,
      subscriptionId: row.subscriptionId,
      target: displayTarget(row.url),
      ...(row.ordered ? { ordered: true as const } : {}),
    }));

  /** Records the event and its deliveries, and returns the first batch to deliver. */
  async function recordEvent(input: { event: AcceptedEvent }): Promise<RecordedEvent> {
    // The asking run, from the activity's context: a retry of this local
    // activity in the same run must get its batch again (see recordEvent).
    const run = Context.current().info.workflowExecution;
    if (!run) throw new Error("recordEvent runs only as the event workflow's local activity");
    const mode = deps.deliveryWorkflows;
    const { fannedOut, batch, alreadyDelivered } = await record(deps.pool, input.event, fanoutBatchSize(mode), run.runId);
    return { fannedOut, batch: forTemporal(batch), deliveryWorkflows: mode, ...(alreadyDelivered.length > 0 ? { alreadyDelivered } : {}) };
  }

  async function listFanoutBatch(input: { eventId: string; afterSubscriptionId: string; limit: number }): Promise<FanoutBatchItem[]> {
    return forTemporal(await nextFanoutBatch(deps.pool, input.eventId, input.afterSubscriptionId, input.limit));
  }

  return { recordEvent, listFanoutBatch };
}

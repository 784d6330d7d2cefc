// The fifo stream's bookkeeping (workflows/ordered-delivery-workflow.ts): its
// next head from PostgreSQL, and waking a stream from the event workflow.
import { nextInOrder as nextHead } from '../src/db/ordered-streams.js';
import type { Pool } from '../src/db/pool.js';
import { displayTarget } from '../src/delivery/target.js';
import type { Logger } from '../src/logger.js';
import type { HookflowMetrics } from '../src/metrics/metrics.js';
import type { OnDeadLetter } from '../src/schemas/subscription.js';

/** What a worker needs to run fifo streams. */
export interface OrderedStreamDeps {
  /** Starts the subscription's stream workflow, or wakes it (signal-with-start). */
  wake: (subscriptionId: string, tenantId: string | undefined) => Promise<void>;
  /** How old an event must be before its stream sends it (docs/ordered-delivery.md). */
  holdBackMs: number;
}

/** The head as it goes into Temporal: ids, and the URL in its display form. */
export interface StreamHeadItem {
  deliveryId: string;
  eventType: string;
  target: string;
  onDeadLetter: OnDeadLetter;
}

export type NextInOrder = { kind: 'empty' } | { kind: 'wait'; delayMs: number } | ({ kind: 'head' } & StreamHeadItem);

export function createOrderedActivities(deps: { pool: Pool; logger: Logger; metrics: HookflowMetrics; orderedStreams: OrderedStreamDeps }) {
  async function nextInOrder({ subscriptionId }: { subscriptionId: string }): Promise<NextInOrder> {
    const head = await nextHead(deps.pool, subscriptionId, deps.orderedStreams.holdBackMs);
    if (head.kind !== 'head') return head;
    if (head.outOfOrder) {
      deps.metrics.orderViolations.inc();
      deps.logger.warn(
        { subscriptionId, deliveryId: head.deliveryId, eventId: head.eventId },
        'fifo order violated: this event was recorded after a later-accepted one had been sent',
      );
    }
    return {
      kind: 'head',
      deliveryId: head.deliveryId,
      eventType: head.eventType,
      target: displayTarget(head.url),
      onDeadLetter: head.onDeadLetter,
    };
  }

  /** The event workflow hands its fifo deliveries over: each subscription's stream is started or woken. */
  async function wakeOrderedStreams({ subscriptionIds, tenantId }: { subscriptionIds: string[]; tenantId?: string }): Promise<void> {
    await Promise.all([...new Set(subscriptionIds)].map((id) => deps.orderedStreams.wake(id, tenantId)));
  }

  return { nextInOrder, wakeOrderedStreams };
}

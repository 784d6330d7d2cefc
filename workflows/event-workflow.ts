import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  proxyActivities,
  startChild,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { SEARCH_ATTRIBUTES, deliveryWorkflowId, type EventWorkflowInput } from './definitions.js';
import { deliveryWorkflow } from './delivery-workflow.js';

/**
 * Children started per run. Continue-as-new between batches keeps each run's
 * history short and its pending children far below Temporal's 2,000 limit,
 * however many subscribers an event has.
 */
export const FANOUT_BATCH_SIZE = 200;

const { recordEvent, listFanoutBatch, markEventFannedOut } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Postgres may be down for a while: keep trying, the event is safe in Temporal meanwhile.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function eventWorkflow(input: EventWorkflowInput): Promise<{ deliveriesStarted: number }> {
  const { event } = input;
  if (input.afterSubscriptionId === undefined) {
    const { fannedOut } = await recordEvent(event);
    if (fannedOut) return { deliveriesStarted: 0 };
  }

  const batch = await listFanoutBatch({
    eventId: event.id,
    afterSubscriptionId: input.afterSubscriptionId ?? null,
    limit: FANOUT_BATCH_SIZE,
  });
  await Promise.all(
    batch.map((target) =>
      startChild(deliveryWorkflow, {
        workflowId: deliveryWorkflowId(event.id, target.subscriptionId),
        args: [
          {
            deliveryId: target.deliveryId,
            eventId: event.id,
            eventType: event.type,
            subscriptionId: target.subscriptionId,
            target: target.target,
          },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // A child that ran before (this run retried, or the event was fanned
        // out by an earlier run) must not deliver a second time.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `deliver ${event.type} to ${target.target}`,
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.eventType, value: event.type },
          { key: SEARCH_ATTRIBUTES.eventId, value: event.id },
          { key: SEARCH_ATTRIBUTES.subscriptionId, value: target.subscriptionId },
          { key: SEARCH_ATTRIBUTES.deliveryStatus, value: 'pending' },
        ],
      }).catch((error: unknown) => {
        // WorkflowExecutionAlreadyStartedError is not exported to workflow code by name.
        if (error instanceof Error && error.name === 'WorkflowExecutionAlreadyStartedError') return;
        throw error;
      }),
    ),
  );

  const last = batch.at(-1);
  if (batch.length === FANOUT_BATCH_SIZE && last) {
    return continueAsNew<typeof eventWorkflow>({ event, afterSubscriptionId: last.subscriptionId });
  }
  await markEventFannedOut(event.id);
  return { deliveriesStarted: batch.length };
}

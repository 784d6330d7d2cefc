import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  proxyLocalActivities,
  startChild,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { FanoutBatchItem } from '../activities/events.js';
import { FANOUT_BATCH_SIZE, SEARCH_ATTRIBUTES, deliveryWorkflowId, type EventWorkflowInput } from './definitions.js';
import { deliveryWorkflow } from './delivery-workflow.js';


// Local activities: quick Postgres work run by the worker that holds the
// workflow, with no task queue round trip. Postgres may be down for a while:
// keep trying, the event is safe in Temporal meanwhile.
const { recordEvent, listFanoutBatch } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function eventWorkflow(input: EventWorkflowInput): Promise<{ deliveriesStarted: number }> {
  const { event } = input;
  let batch: FanoutBatchItem[];
  if (input.afterSubscriptionId === undefined) {
    const recorded = await recordEvent({ event, batchSize: FANOUT_BATCH_SIZE });
    if (recorded.fannedOut) return { deliveriesStarted: 0 };
    batch = recorded.batch;
  } else {
    batch = await listFanoutBatch({ eventId: event.id, afterSubscriptionId: input.afterSubscriptionId, limit: FANOUT_BATCH_SIZE });
  }
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
  return { deliveriesStarted: batch.length };
}

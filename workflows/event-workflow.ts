import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  proxyLocalActivities,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import type { FanoutBatchItem, FanoutBatchRequest, RecordedEvent } from '../activities/events.js';
import type { AcceptedEvent } from '../src/schemas/event.js';
import type { DeliveryWorkflowsMode } from '../src/schemas/delivery.js';
import type { FailedOutcome } from '../src/delivery/attempt-outcome.js';
import {
  ATTEMPT_TIMEOUT,
  RECORD_AND_ATTEMPT_TIMEOUT,
  SEARCH_ATTRIBUTES,
  deliveryWorkflowId,
  fanoutBatchSize,
  type EventWorkflowInput,
} from './definitions.js';
import { deliveryWorkflow } from './delivery-workflow.js';

// Local activities: quick Postgres work run by the worker that holds the
// workflow, with no task queue round trip. Postgres may be down for a while:
// keep trying, the event is safe in Temporal meanwhile.
const LOCAL_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const { listFanoutBatch, wakeOrderedStreams } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: LOCAL_RETRY,
});

export interface EventWorkflowResult {
  /** Subscribers this run delivered to at the first attempt. */
  deliveredInline?: number;
  /** Delivery workflows this run started (for retries, or for every subscriber in the `always` mode). */
  deliveriesStarted: number;
  /** Deliveries this run handed to fifo subscriptions' streams (absent when none). */
  handedToStreams?: number;
}

/**
 * One event: record it, then deliver it to every matching subscriber, a batch
 * per run. In the `on-failure` mode (see deliveryWorkflowsModeSchema) the
 * first attempts are made by the local activity that records the event (or
 * lists a later run's batch), and only a subscriber whose first attempt failed
 * gets a delivery workflow; in the `always` mode every subscriber gets one.
 */
export async function eventWorkflow(input: EventWorkflowInput): Promise<EventWorkflowResult> {
  const { event } = input;
  let batch: FanoutBatchItem[];
  let mode: DeliveryWorkflowsMode;
  // Delivered by this run in a workflow task lost with a worker or the server (see RecordedEvent).
  let alreadyDelivered: string[] = [];
  // First attempts the local activity that recorded or listed the batch made itself (absent from older histories).
  let attemptedWithRecord: RecordedEvent['firstAttempts'] = {};
  if (input.afterSubscriptionId === undefined) {
    const recorded = await recordAndAttemptFirst(event);
    if (recorded.fannedOut) return { deliveriesStarted: 0 };
    batch = recorded.batch;
    mode = recorded.deliveryWorkflows ?? 'always';
    alreadyDelivered = recorded.alreadyDelivered ?? [];
    attemptedWithRecord = recorded.firstAttempts ?? {};
  } else {
    mode = input.deliveryWorkflows ?? 'always';
    const request = { eventId: event.id, afterSubscriptionId: input.afterSubscriptionId, limit: fanoutBatchSize(mode) };
    if (input.attemptsWithBatch) {
      ({ batch, firstAttempts: attemptedWithRecord } = await listAndAttemptBatch(event, request));
    } else {
      batch = await listFanoutBatch(request);
    }
  }

  // A fifo subscription's delivery goes to its stream, which sends it in
  // order; this run neither attempts it nor starts a workflow for it. Decided
  // from `ordered` in the recorded batch, which older histories lack: they
  // replay as they ran.
  const ordered = batch.filter((target) => target.ordered);
  const unordered = ordered.length === 0 ? batch : batch.filter((target) => !target.ordered);
  if (ordered.length > 0) {
    const tenant = event.tenantId === undefined ? {} : { tenantId: event.tenantId };
    await wakeOrderedStreams({ subscriptionIds: ordered.map((target) => target.subscriptionId), ...tenant });
  }
  const handed = ordered.length === 0 ? {} : { handedToStreams: ordered.length };

  let result: EventWorkflowResult;
  if (mode === 'always') {
    await startDeliveryWorkflows(
      event,
      unordered.map((target) => ({ target })),
    );
    result = { deliveriesStarted: unordered.length, ...handed };
  } else {
    const outcomes = await Promise.all(
      unordered.map((target) => {
        const made = attemptedWithRecord[target.subscriptionId];
        return made === undefined ? attemptFirst(event, target) : Promise.resolve(made);
      }),
    );
    const deliveredTo = [...alreadyDelivered, ...unordered.filter((_, i) => outcomes[i]!.kind === 'succeeded').map((t) => t.subscriptionId)];
    if (deliveredTo.length > 0) {
      upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.deliveredTo, value: deliveredTo }]);
    }
    const failed = unordered.flatMap((target, i) => {
      const outcome = outcomes[i]!;
      return outcome.kind === 'succeeded' ? [] : [{ target, firstAttempt: outcome }];
    });
    // Awaited: the server drops the child starts of a workflow that has already closed.
    await startDeliveryWorkflows(event, failed);
    result = { deliveredInline: deliveredTo.length, deliveriesStarted: failed.length, ...handed };
  }

  const last = batch.at(-1);
  if (batch.length === fanoutBatchSize(mode) && last) {
    return continueAsNew<typeof eventWorkflow>({
      event,
      afterSubscriptionId: last.subscriptionId,
      deliveryWorkflows: mode,
      ...(mode === 'on-failure' ? { attemptsWithBatch: true as const } : {}),
    });
  }
  return result;
}

/**
 * Records the event and, in the on-failure mode, makes the first batch's
 * first attempts in the same local activity (its result lists each one's
 * outcome, by subscription, for the Web UI). Bounded by an attempt's timeout
 * plus the recording's.
 */
function recordAndAttemptFirst(event: AcceptedEvent) {
  const { recordEvent } = proxyLocalActivities<Activities>({
    startToCloseTimeout: RECORD_AND_ATTEMPT_TIMEOUT,
    retry: LOCAL_RETRY,
    summary: `record ${event.type} and, in the on-failure mode, its first attempts`,
  });
  return recordEvent({ event });
}

/** A later run's batch, listed with its first attempts made in the same local activity (the on-failure mode). */
function listAndAttemptBatch(event: AcceptedEvent, request: FanoutBatchRequest) {
  const { listAndAttemptBatch: listAndAttempt } = proxyLocalActivities<Activities>({
    startToCloseTimeout: RECORD_AND_ATTEMPT_TIMEOUT,
    retry: LOCAL_RETRY,
    summary: `list the next subscribers of ${event.type} and make their first attempts`,
  });
  return listAndAttempt(request);
}

/** One subscriber's first attempt, as a local activity whose summary says where it goes. */
function attemptFirst(event: AcceptedEvent, target: FanoutBatchItem) {
  const { attemptFirst: attempt } = proxyLocalActivities<Activities>({
    startToCloseTimeout: ATTEMPT_TIMEOUT,
    retry: LOCAL_RETRY,
    summary: `POST ${event.type} to ${target.target}, attempt 1`,
  });
  return attempt({ deliveryId: target.deliveryId });
}

async function startDeliveryWorkflows(
  event: AcceptedEvent,
  deliveries: Array<{ target: FanoutBatchItem; firstAttempt?: FailedOutcome }>,
): Promise<void> {
  await Promise.all(
    deliveries.map(({ target, firstAttempt }) =>
      startChild(deliveryWorkflow, {
        workflowId: deliveryWorkflowId(event.id, target.subscriptionId),
        args: [
          {
            deliveryId: target.deliveryId,
            eventId: event.id,
            eventType: event.type,
            subscriptionId: target.subscriptionId,
            target: target.target,
            ...(firstAttempt === undefined ? {} : { firstAttempt }),
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
          ...(event.tenantId === undefined ? [] : [{ key: SEARCH_ATTRIBUTES.tenantId, value: event.tenantId }]),
        ],
      }).catch((error: unknown) => {
        // The class the SDK rejects a duplicate child start with (from
        // @temporalio/common: @temporalio/workflow does not re-export it).
        if (error instanceof WorkflowExecutionAlreadyStartedError) return;
        throw error;
      }),
    ),
  );
}

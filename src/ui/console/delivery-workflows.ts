// Which Temporal workflow holds a delivery, for the console's links to the
// Temporal Web UI. The ids are fixed by workflows/definitions.ts; which one
// applies depends on how the delivery went (see workflows/event-workflow.ts):
// - a fifo subscription's delivery: its stream, `ordered:<subscriptionId>`;
// - a first attempt made inline (the default on-failure mode): the event
//   workflow, `event:<eventId>`;
// - once a first attempt failed (or was held: a paused subscription, an open
//   breaker), on a redelivery, and always in the `always` mode: the delivery
//   workflow, `delivery:<eventId>:<subscriptionId>`.
// The mode is the worker's setting, not recorded per delivery: where the data
// cannot tell (one successful attempt, or none yet), the likelier workflow
// comes first and the other is offered too. Pure; unit-tested.
import type { DeliveryStatus } from '../../schemas/delivery.js';
import type { Ordering } from '../../schemas/subscription.js';
import { deliveryWorkflowId, eventWorkflowId, orderedStreamWorkflowId } from '../../../workflows/definitions.js';

export interface WorkflowLink {
  workflowId: string;
  /** What this workflow is to the delivery, in a few words. */
  role: string;
  url: string;
}

export interface DeliveryShape {
  eventId: string;
  subscriptionId: string;
  status: DeliveryStatus;
  attempts: ReadonlyArray<{ statusCode: number | null }>;
}

export function temporalWorkflowUrl(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

const answered = (statusCode: number | null) => statusCode !== null && statusCode >= 200 && statusCode < 300;

/** The delivery's workflows, the one that holds it first. `ordering`: undefined when the subscription is gone. */
export function deliveryWorkflows(
  delivery: DeliveryShape,
  ordering: Ordering | undefined,
  temporalUi: { url: string; namespace: string },
): WorkflowLink[] {
  const link = (workflowId: string, role: string): WorkflowLink => ({
    workflowId,
    role,
    url: temporalWorkflowUrl(temporalUi.url, temporalUi.namespace, workflowId),
  });
  const event = eventWorkflowId(delivery.eventId);
  const own = deliveryWorkflowId(delivery.eventId, delivery.subscriptionId);
  if (ordering === 'fifo') {
    return [
      link(orderedStreamWorkflowId(delivery.subscriptionId), 'the fifo stream that delivers it in order'),
      link(event, 'the event workflow that recorded it'),
    ];
  }
  const firstAttemptOnly = delivery.attempts.length === 1 && answered(delivery.attempts[0]!.statusCode);
  if (delivery.status === 'succeeded' && firstAttemptOnly) {
    return [
      link(event, 'the event workflow, which made the first attempt itself'),
      link(own, 'its own delivery workflow, when the worker runs with HOOKFLOW_DELIVERY_WORKFLOWS=always'),
    ];
  }
  if (delivery.status === 'pending' && delivery.attempts.length === 0) {
    return [
      link(event, 'the event workflow, about to make the first attempt'),
      link(own, 'its delivery workflow, if the first attempt is held (a paused subscription, an open breaker) or in the always mode'),
    ];
  }
  return [link(own, 'its delivery workflow: retries, the dead letter, redeliveries'), link(event, 'the event workflow that fanned it out')];
}

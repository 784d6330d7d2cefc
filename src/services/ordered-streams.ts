// Talking to a fifo subscription's stream workflow from outside workflow
// code: start it if it is not running, and signal it, in one call
// (signal-with-start), so neither a wake nor an operator request can find it
// missing.
import type { Client } from '@temporalio/client';
import {
  SEARCH_ATTRIBUTES,
  orderedStreamWorkflowId,
  streamRequestSignal,
  wakeStreamSignal,
  type OrderedDeliveryInput,
  type StreamRequest,
} from '../../workflows/definitions.js';
import type { orderedDeliveryWorkflow } from '../../workflows/ordered-delivery-workflow.js';

export interface StreamDeps {
  temporal: Client;
  taskQueue: string;
}

/** Everything but the signal: the same for a wake and a request. */
function startOptions(deps: StreamDeps, subscriptionId: string) {
  return {
    taskQueue: deps.taskQueue,
    workflowId: orderedStreamWorkflowId(subscriptionId),
    args: [{ subscriptionId } satisfies OrderedDeliveryInput] as [OrderedDeliveryInput],
    // A stream that ended (terminated by an operator, say) is started afresh: its queue is in PostgreSQL.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
    staticSummary: `deliver in order to ${subscriptionId}`,
    typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.subscriptionId, value: subscriptionId }],
  };
}

/** Starts or wakes a stream: new deliveries are waiting in PostgreSQL. */
export function wakeStream(deps: StreamDeps, subscriptionId: string): Promise<void> {
  const options = { ...startOptions(deps, subscriptionId), signal: wakeStreamSignal, signalArgs: [] as [] };
  return deps.temporal.workflow.signalWithStart<typeof orderedDeliveryWorkflow, []>('orderedDeliveryWorkflow', options).then(() => {});
}

/** An operator's redeliver or skip, for the stream to handle before its next head. */
export function requestOfStream(deps: StreamDeps, subscriptionId: string, request: StreamRequest): Promise<void> {
  const options = { ...startOptions(deps, subscriptionId), signal: streamRequestSignal, signalArgs: [request] as [StreamRequest] };
  return deps.temporal.workflow.signalWithStart<typeof orderedDeliveryWorkflow, [StreamRequest]>('orderedDeliveryWorkflow', options).then(() => {});
}

// Talking to a fifo subscription's stream workflow from outside workflow
// code: start it if it is not running, and signal it, in one call
// (signal-with-start), so neither a wake nor an operator request can find it
// missing.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { streamFigures } from '../db/ordered-streams.js';
import type { Pool } from '../db/pool.js';
import type { OrderedStreamView } from '../schemas/subscription.js';
import { withinDeadline } from '../temporal/deadline.js';
import { tenantPriority } from '../temporal/fairness.js';
import {
  SEARCH_ATTRIBUTES,
  orderedStreamWorkflowId,
  streamRequestSignal,
  streamStateQuery,
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
function startOptions(deps: StreamDeps, subscriptionId: string, tenantId: string | undefined) {
  return {
    taskQueue: deps.taskQueue,
    workflowId: orderedStreamWorkflowId(subscriptionId),
    args: [{ subscriptionId } satisfies OrderedDeliveryInput] as [OrderedDeliveryInput],
    // A stream that ended (terminated by an operator, say) is started afresh: its queue is in PostgreSQL.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
    staticSummary: `deliver in order to ${subscriptionId}`,
    typedSearchAttributes: [
      { key: SEARCH_ATTRIBUTES.subscriptionId, value: subscriptionId },
      // Absent only for a stream started by an event from before tenants existed.
      ...(tenantId === undefined ? [] : [{ key: SEARCH_ATTRIBUTES.tenantId, value: tenantId }]),
    ],
    // Started from here, not as a child, so it inherits no fairness key: its
    // tasks queue fairly with the rest of its tenant's (src/temporal/fairness.ts).
    ...(tenantId === undefined ? {} : { priority: tenantPriority(tenantId) }),
  };
}

/** How long the stream's answer to a query is waited for (a worker must be polling to answer). */
const QUERY_TIMEOUT_MS = 5_000;

/** A fifo subscription's stream: its block from the workflow (a query), its backlog and violations from PostgreSQL. */
export async function describeStream(deps: StreamDeps & { pool: Pool }, subscriptionId: string): Promise<OrderedStreamView> {
  const figures = await streamFigures(deps.pool, subscriptionId);
  const handle = deps.temporal.workflow.getHandle(orderedStreamWorkflowId(subscriptionId));
  const state = await withinDeadline(deps.temporal, QUERY_TIMEOUT_MS, () => handle.query(streamStateQuery)).catch((error: unknown) => {
    // No stream yet: nothing was ever published to the subscription.
    if (error instanceof WorkflowNotFoundError) return { blockedOn: null };
    throw error;
  });
  return { subscriptionId, blockedOn: state.blockedOn, ...figures };
}

/** Starts or wakes a stream: new deliveries are waiting in PostgreSQL. */
export function wakeStream(deps: StreamDeps, subscriptionId: string, tenantId: string | undefined): Promise<void> {
  const options = { ...startOptions(deps, subscriptionId, tenantId), signal: wakeStreamSignal, signalArgs: [] as [] };
  return deps.temporal.workflow.signalWithStart<typeof orderedDeliveryWorkflow, []>('orderedDeliveryWorkflow', options).then(() => {});
}

/** An operator's redeliver or skip, for the stream to handle before its next head. */
export function requestOfStream(
  deps: StreamDeps,
  { subscriptionId, tenantId }: { subscriptionId: string; tenantId: string },
  request: StreamRequest,
): Promise<void> {
  const options = { ...startOptions(deps, subscriptionId, tenantId), signal: streamRequestSignal, signalArgs: [request] as [StreamRequest] };
  return deps.temporal.workflow.signalWithStart<typeof orderedDeliveryWorkflow, [StreamRequest]>('orderedDeliveryWorkflow', options).then(() => {});
}

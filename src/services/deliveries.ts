// Manual redelivery: signal the delivery's workflow, or, when that workflow
// has closed (succeeded, or a dead letter past its retention), start a fresh
// run from what Postgres holds. signalWithStart does both in one call.
import type { Client } from '@temporalio/client';
import { findDelivery } from '../db/deliveries.js';
import type { Queryable } from '../db/pool.js';
import { findSubscription } from '../db/subscriptions.js';
import { displayTarget } from '../delivery/target.js';
import { tenantPriority } from '../temporal/fairness.js';
import { SEARCH_ATTRIBUTES, deliveryWorkflowId, redeliverSignal, type DeliveryWorkflowInput } from '../../workflows/definitions.js';
import type { deliveryWorkflow } from '../../workflows/delivery-workflow.js';
import { requestOfStream } from './ordered-streams.js';

export type RedeliverOutcome = 'requested' | 'not-found' | 'in-progress' | 'subscription-gone';

export async function redeliver(deps: { pool: Queryable; temporal: Client; taskQueue: string }, deliveryId: string): Promise<RedeliverOutcome> {
  const delivery = await findDelivery(deps.pool, deliveryId);
  if (!delivery) return 'not-found';
  if (delivery.status === 'pending') return 'in-progress';
  const subscription = await findSubscription(deps.pool, delivery.subscriptionId);
  if (!subscription) return 'subscription-gone';
  if (subscription.ordering === 'fifo') {
    // A fifo delivery has no workflow of its own: its stream puts it back at
    // its place (the front) and, if it was blocked on it, goes on.
    await requestOfStream(deps, delivery, { kind: 'redeliver', deliveryId: delivery.id });
    return 'requested';
  }

  const target = displayTarget(subscription.url);
  const input: DeliveryWorkflowInput = {
    deliveryId: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    subscriptionId: delivery.subscriptionId,
    target,
    redelivery: true,
  };
  await deps.temporal.workflow.signalWithStart<typeof deliveryWorkflow, []>('deliveryWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId: deliveryWorkflowId(delivery.eventId, delivery.subscriptionId),
    args: [input],
    signal: redeliverSignal,
    signalArgs: [],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    staticSummary: `redeliver ${delivery.eventType} to ${target}`,
    typedSearchAttributes: [
      { key: SEARCH_ATTRIBUTES.eventType, value: delivery.eventType },
      { key: SEARCH_ATTRIBUTES.eventId, value: delivery.eventId },
      { key: SEARCH_ATTRIBUTES.subscriptionId, value: delivery.subscriptionId },
      { key: SEARCH_ATTRIBUTES.deliveryStatus, value: 'pending' },
      { key: SEARCH_ATTRIBUTES.tenantId, value: delivery.tenantId },
    ],
    // Started from here, not as the event workflow's child, so it inherits no
    // fairness key: one tenant's bulk recovery queues behind its own work only.
    priority: tenantPriority(delivery.tenantId),
  });
  return 'requested';
}

export type SkipOutcome = 'requested' | 'not-found' | 'not-dead' | 'not-ordered';

/**
 * Lets a fifo stream blocked on this dead delivery move on without it (it
 * stays dead, and can still be redelivered later, out of order). A stream not
 * blocked on it has nothing to do.
 */
export async function skipDelivery(deps: { pool: Queryable; temporal: Client; taskQueue: string }, deliveryId: string): Promise<SkipOutcome> {
  const delivery = await findDelivery(deps.pool, deliveryId);
  if (!delivery) return 'not-found';
  if (delivery.status !== 'dead') return 'not-dead';
  const subscription = await findSubscription(deps.pool, delivery.subscriptionId);
  if (subscription?.ordering !== 'fifo') return 'not-ordered';
  await requestOfStream(deps, delivery, { kind: 'skip', deliveryId: delivery.id });
  return 'requested';
}

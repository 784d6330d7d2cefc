// createActivities(deps): every activity the worker registers, built from the
// dependencies it is given, so tests pass real ones of their own.
import { createAttempt, createDeliverActivities, type DeliverDeps } from './deliver.js';
import { createEventActivities } from './events.js';
import { createOrderedActivities, type OrderedStreamDeps } from './ordered.js';
import { createRetentionActivities } from './retention.js';
import { createResealActivities } from './reseal.js';
import { createRecoveryActivities, type RecoveryDeps } from './recovery.js';
import type { DeliveryWorkflowsMode } from '../src/schemas/delivery.js';

export type ActivityDeps = DeliverDeps & {
  /** When a delivery gets a workflow of its own (see deliveryWorkflowsModeSchema). */
  deliveryWorkflows: DeliveryWorkflowsMode;
  orderedStreams: OrderedStreamDeps;
  redeliver: RecoveryDeps['redeliver'];
};

export function createActivities(deps: ActivityDeps) {
  const attempt = createAttempt(deps);
  return {
    ...createEventActivities({ ...deps, attempt }),
    ...createDeliverActivities(deps, attempt),
    ...createOrderedActivities(deps),
    ...createRetentionActivities(deps),
    ...createResealActivities(deps),
    ...createRecoveryActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

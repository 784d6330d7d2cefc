// createActivities(deps): every activity the worker registers, built from the
// dependencies it is given, so tests pass real ones of their own.
import { createDeliverActivities, type DeliverDeps } from './deliver.js';
import { createEventActivities } from './events.js';

export type ActivityDeps = DeliverDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createEventActivities(deps), ...createDeliverActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;

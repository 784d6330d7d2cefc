// Event bookkeeping for the event workflow: record once, list who gets it.
import { Context } from '@temporalio/activity';
import { nextFanoutBatch, recordEvent as record, type FanoutTarget } from '../src/db/events.js';
import type { Pool } from '../src/db/pool.js';
import type { AttemptOutcome } from '../src/delivery/attempt-outcome.js';
import type { Logger } from '../src/logger.js';
import type { Attempt } from './deliver.js';
import { displayTarget } from '../src/delivery/target.js';
import type { DeliveryWorkflowsMode } from '../src/schemas/delivery.js';
import type { AcceptedEvent } from '../src/schemas/event.js';
import { fanoutBatchSize } from '../workflows/definitions.js';

export interface FanoutBatchItem {
  deliveryId: string;
  subscriptionId: string;
  /** Display form of the URL (no query string): it goes into Temporal. */
  target: string;
  /**
   * A fifo subscription's delivery: handed to its ordered stream, never
   * attempted by the event workflow. Present only when true, so histories
   * recorded before ordered delivery existed (which lack it) replay as they ran.
   */
  ordered?: true;
}

export interface RecordedEvent {
  fannedOut: boolean;
  batch: FanoutBatchItem[];
  /**
   * This worker's setting, decided once per event and kept in the history
   * with this result, so a replay takes the same path whatever the setting
   * is by then. Absent from histories recorded before the setting existed,
   * which all started a delivery workflow per subscriber.
   */
  deliveryWorkflows?: DeliveryWorkflowsMode;
  /**
   * Subscriptions of this batch's window already delivered to: by this same
   * run, in a workflow task whose history was lost with a worker or the
   * Temporal server (the run asks again). Not attempted again, but listed in
   * HookflowDeliveredTo. Absent when empty, and in older histories.
   */
  alreadyDelivered?: string[];
  /**
   * In the `on-failure` mode: the first attempt at each subscriber of `batch`
   * that is not ordered, made by this same local activity right after
   * recording the event (one marker in the history instead of one per
   * subscriber, and the attempts' database reads shared), by subscription id.
   * A subscriber missing here (its attempt met an infrastructure error) gets
   * a local activity of its own, as every subscriber did before this existed:
   * histories recorded then lack the field and replay that way.
   */
  firstAttempts?: Record<string, AttemptOutcome>;
}

export interface EventActivityDeps {
  pool: Pool;
  logger: Logger;
  deliveryWorkflows: DeliveryWorkflowsMode;
  /** One delivery's attempt (activities/deliver.ts), with its target when just read: infrastructure errors throw. */
  attempt: Attempt;
}

export function createEventActivities(deps: EventActivityDeps) {
  const forTemporal = (rows: FanoutTarget[]): FanoutBatchItem[] =>
    rows.map((row) => ({
      deliveryId: row.deliveryId,
      subscriptionId: row.subscriptionId,
      target: displayTarget(row.url),
      ...(row.ordered ? { ordered: true as const } : {}),
    }));

  /** The first attempts of a batch's deliveries, but for fifo ones, which their streams send. */
  const attemptUnordered = (batch: FanoutTarget[]) =>
    attemptEachApart(
      batch.filter((target) => !target.ordered),
      deps.attempt,
      deps.logger,
    );

  /**
   * Records the event and its deliveries, and returns the first batch to
   * deliver; in the on-failure mode, with its first attempts already made.
   */
  async function recordEvent(input: { event: AcceptedEvent }): Promise<RecordedEvent> {
    // The asking run, from the activity's context: a retry of this local
    // activity in the same run must get its batch again (see recordEvent).
    const run = Context.current().info.workflowExecution;
    if (!run) throw new Error("recordEvent runs only as the event workflow's local activity");
    const mode = deps.deliveryWorkflows;
    const { fannedOut, batch, alreadyDelivered } = await record(deps.pool, input.event, fanoutBatchSize(mode), run.runId, {
      readTargets: mode === 'on-failure',
    });
    const firstAttempts = mode === 'on-failure' ? await attemptUnordered(batch) : undefined;
    return {
      fannedOut,
      batch: forTemporal(batch),
      deliveryWorkflows: mode,
      ...(alreadyDelivered.length > 0 ? { alreadyDelivered } : {}),
      ...(firstAttempts === undefined ? {} : { firstAttempts }),
    };
  }

  async function listFanoutBatch(input: FanoutBatchRequest): Promise<FanoutBatchItem[]> {
    return forTemporal(await nextFanoutBatch(deps.pool, input.eventId, input.afterSubscriptionId, input.limit));
  }

  /**
   * A later run's batch (a fan-out wider than one run) with its first
   * attempts made here, side by side, as recordEvent makes the first run's:
   * one local activity and one read per batch, not one of each per
   * subscriber. For the on-failure mode only.
   */
  async function listAndAttemptBatch(input: FanoutBatchRequest): Promise<AttemptedBatch> {
    const batch = await nextFanoutBatch(deps.pool, input.eventId, input.afterSubscriptionId, input.limit, { readTargets: true });
    return { batch: forTemporal(batch), firstAttempts: await attemptUnordered(batch) };
  }

  return { recordEvent, listFanoutBatch, listAndAttemptBatch };
}

export interface FanoutBatchRequest {
  eventId: string;
  afterSubscriptionId: string;
  limit: number;
}

/** A batch and, by subscription, the first attempts made with it (a subscriber missing there gets a local activity of its own). */
export interface AttemptedBatch {
  batch: FanoutBatchItem[];
  firstAttempts: Record<string, AttemptOutcome>;
}

/**
 * Every target's first attempt at once, each on its own: one subscriber's
 * infrastructure error is logged and leaves it out of the answer (the event
 * workflow then gives it a local activity of its own, which Temporal
 * retries), so it never fails the recording's activity and re-sends to the
 * others. A re-run of that activity (its result lost with a worker) re-sends
 * to none that succeeded: they are no longer pending, so not in its batch.
 */
export async function attemptEachApart(
  targets: Array<Pick<FanoutTarget, 'deliveryId' | 'subscriptionId' | 'target'>>,
  attempt: Attempt,
  logger: { warn(fields: object, message: string): void },
): Promise<Record<string, AttemptOutcome>> {
  const settled = await Promise.allSettled(targets.map(({ deliveryId, target }) => attempt(deliveryId, target)));
  const outcomes: Record<string, AttemptOutcome> = {};
  settled.forEach((result, i) => {
    const { deliveryId, subscriptionId } = targets[i]!;
    if (result.status === 'fulfilled') outcomes[subscriptionId] = result.value;
    else logger.warn({ deliveryId, subscriptionId, err: result.reason as unknown }, 'first attempt failed; the event workflow retries it on its own');
  });
  return outcomes;
}

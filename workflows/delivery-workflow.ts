import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { DeliveryStatus } from '../src/schemas/delivery.js';
import { ATTEMPT_TIMEOUT, SEARCH_ATTRIBUTES, redeliverSignal, type DeliveryWorkflowInput } from './definitions.js';

/** How long a dead letter keeps its workflow open for a redeliver signal. */
export const DEAD_LETTER_RETENTION = '30 days';

const bookkeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryStatus> {
  const { deliver } = proxyActivities<Activities>({
    startToCloseTimeout: ATTEMPT_TIMEOUT,
    summary: `POST ${input.eventType} to ${input.target}`,
    // The activity sets each wait itself (nextRetryDelay, from the schedule)
    // and stops the retries itself (non-retryable failure) when the schedule
    // is exhausted; this policy only paces retries after infrastructure errors
    // such as Postgres being unreachable, which must never dead-letter. Its
    // backoff grows with Temporal's attempt count, which every HTTP retry and
    // breaker wait raises too: the cap keeps a short outage late in a delivery
    // from costing minutes (the chaos run saw a 10 s PostgreSQL stop cost 5).
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });

  let dead = false;
  let redeliverRequested = false;
  setHandler(redeliverSignal, () => {
    // Only a dead delivery can be re-driven; a request while it is still being
    // delivered has nothing to do.
    if (dead) redeliverRequested = true;
  });

  /** Delivers, retrying under Temporal's policy; the reason it was dead-lettered, if it was. */
  async function attempts(): Promise<string | undefined> {
    try {
      await deliver({ deliveryId: input.deliveryId });
      return undefined;
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      return failureReason(error);
    }
  }

  let redelivery = input.redelivery ?? false;
  // The event workflow's failed first attempt, if it made one: this workflow
  // takes over from there, with the wait that attempt asked for.
  let firstAttempt = redelivery ? undefined : input.firstAttempt;
  for (;;) {
    if (redelivery) {
      await bookkeeping.markDeliveryPending(input.deliveryId);
      setStatus('pending');
    }
    let deadReason: string | undefined;
    if (firstAttempt?.kind === 'give-up') {
      deadReason = firstAttempt.message;
    } else {
      // A schedule may ask for no wait at all ("0"): a timer needs a positive duration.
      if (firstAttempt?.kind === 'retry' && firstAttempt.delayMs > 0) await sleep(firstAttempt.delayMs);
      deadReason = await attempts();
    }
    firstAttempt = undefined;
    if (deadReason === undefined) {
      setStatus('succeeded');
      return 'succeeded';
    }
    dead = true;
    await bookkeeping.markDeliveryDead({ deliveryId: input.deliveryId, reason: deadReason });
    setStatus('dead');

    if (!(await condition(() => redeliverRequested, DEAD_LETTER_RETENTION))) return 'dead';
    dead = false;
    redeliverRequested = false;
    redelivery = true;
    if (workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof deliveryWorkflow>({ ...input, redelivery: true });
    }
  }
}

function setStatus(status: DeliveryStatus): void {
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.deliveryStatus, value: status }]);
}

function failureReason(error: ActivityFailure): string {
  const cause = error.cause;
  return cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : error.message;
}

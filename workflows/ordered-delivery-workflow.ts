// A fifo subscription's stream: one long-lived workflow per subscription
// (`ordered:<subscriptionId>`) that sends its deliveries one at a time, in
// the order the API accepted their events. The queue itself is PostgreSQL's
// (src/db/ordered-streams.ts): the workflow asks for the head, delivers it to
// success or a dead letter, and asks again. So the workflow carries almost no
// state (only the delivery it is blocked on), survives worker kills and
// Temporal restarts by replay, and continues as new every so often to keep its
// history short. See docs/ordered-delivery.md.
import { condition, continueAsNew, proxyLocalActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { StreamHeadItem } from '../activities/ordered.js';
import {
  ATTEMPT_TIMEOUT,
  streamRequestSignal,
  streamStateQuery,
  wakeStreamSignal,
  type OrderedDeliveryInput,
  type StreamRequest,
} from './definitions.js';

/** Deliveries a run sends before it continues as new (about 6 history events each). */
export const DELIVERIES_PER_RUN = 200;

/**
 * An idle stream looks at PostgreSQL again this often even without a wake
 * signal: a safety net that costs one timer and one local activity an hour.
 */
const IDLE_RECHECK = '1 hour';

// Local activities: run by the worker holding the workflow task, with no
// task-queue round trip; a worker that dies mid-attempt loses the workflow
// task, and the next worker replays and attempts again (at least once).
const LOCAL_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const bookkeeping = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: LOCAL_RETRY });

export interface OrderedDeliveryResult {
  delivered: number;
}

export async function orderedDeliveryWorkflow(input: OrderedDeliveryInput): Promise<OrderedDeliveryResult> {
  const { subscriptionId } = input;
  let blockedOn = input.blockedOn;
  // Handled before the next head, all of them, so a continue-as-new never leaves one behind.
  const requests: StreamRequest[] = [];
  let woken = false;
  setHandler(wakeStreamSignal, () => {
    woken = true;
  });
  setHandler(streamRequestSignal, (request) => {
    requests.push(request);
  });
  setHandler(streamStateQuery, () => ({ blockedOn: blockedOn ?? null }));

  let delivered = 0;
  for (;;) {
    // Operator requests first: they may unblock the stream or put a dead delivery back in it.
    while (requests.length > 0) {
      const request = requests.shift()!;
      if (request.kind === 'redeliver') {
        // Back to pending: it is the oldest, so it is the next head, where it belongs.
        await bookkeeping.markDeliveryPending(request.deliveryId);
      }
      if (request.deliveryId === blockedOn) blockedOn = undefined;
    }
    if (delivered >= DELIVERIES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof orderedDeliveryWorkflow>({
        subscriptionId,
        ...(blockedOn === undefined ? {} : { blockedOn }),
      });
    }
    if (blockedOn !== undefined) {
      // Nothing goes out behind a dead letter in block mode until an operator redelivers or skips it.
      await condition(() => requests.length > 0);
      continue;
    }

    // Cleared before asking: a wake that arrives during the question is not lost.
    woken = false;
    const next = await bookkeeping.nextInOrder({ subscriptionId });
    if (next.kind === 'empty') {
      await condition(() => woken || requests.length > 0, IDLE_RECHECK);
      continue;
    }
    if (next.kind === 'wait') {
      // The hold-back: an event accepted earlier may still be being recorded.
      await condition(() => requests.length > 0, next.delayMs);
      continue;
    }
    const settled = await deliverHead(next);
    if (settled.kind === 'dead') {
      await bookkeeping.markDeliveryDead({ deliveryId: next.deliveryId, reason: settled.reason });
      if (next.onDeadLetter === 'block') blockedOn = next.deliveryId;
    } else if (settled.kind === 'succeeded') {
      delivered += 1;
    }
    // 'unsettled': the head is still pending, and the next run takes it up again (see deliverHead).
  }
}

type Settled = { kind: 'succeeded' } | { kind: 'dead'; reason: string } | { kind: 'unsettled' };

/**
 * Attempts the head until it succeeds or is given up on, waiting as each
 * outcome says. A head can wait for days (a paused subscription rechecks
 * every 30 s, an open breaker, a long schedule): when the history grows long
 * it stops after a wait, unsettled, so the stream continues as new and asks
 * for the same head again. The schedule's count lives in PostgreSQL (the
 * delivery's attempts), so nothing is lost by it.
 */
async function deliverHead(head: StreamHeadItem): Promise<Settled> {
  for (let attempt = 1; ; attempt += 1) {
    const { attemptInOrder } = proxyLocalActivities<Activities>({
      startToCloseTimeout: ATTEMPT_TIMEOUT,
      retry: LOCAL_RETRY,
      summary: `POST ${head.eventType} to ${head.target}, in order, try ${attempt}`,
    });
    const outcome = await attemptInOrder({ deliveryId: head.deliveryId });
    if (outcome.kind === 'succeeded') return { kind: 'succeeded' };
    if (outcome.kind === 'give-up') return { kind: 'dead', reason: outcome.message };
    // A schedule may ask for no wait at all ("0"): a timer needs a positive duration.
    if (outcome.delayMs > 0) await sleep(outcome.delayMs);
    if (workflowInfo().continueAsNewSuggested) return { kind: 'unsettled' };
  }
}

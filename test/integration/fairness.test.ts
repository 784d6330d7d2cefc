// Fairness between tenants (issue #13): a quiet tenant's event overtakes a
// busy tenant's backlog in the task queue, and the fairness key follows an
// event into the delivery workflow of a failed first attempt; redeliveries and
// fifo streams, started from outside workflow code, carry it too.
//
// The test asserts an order, not a time, so a slow or loaded machine cannot
// break it: with first-in first-out dispatch (matching.enableFairness off, or
// no fairness keys) B's event is dispatched only after every one of A's
// events queued before it; with fairness it goes ahead of most of them. Run
// against a dev server with fairness off (TEST_TEMPORAL_ADDRESS), the first
// test fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryWorkflowId, eventWorkflowId, orderedStreamWorkflowId } from '../../workflows/definitions.js';
import { alwaysFail, alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

/** A's events: enough that many wait in the task queue while the worker is busy with A's slow receiver. */
const FLOOD = 200;
/** A's receiver answers after this long, so each of A's first attempts holds a workflow task slot that long. */
const SLOW_MS = 2_000;
/** Below this many of A's events still queued when B publishes, the test could prove nothing: it fails instead. */
const MIN_BACKLOG = 50;

let stack: TestStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [60] });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

async function tenantWithSubscription(receiver: Receiver, eventType: string, extra: Record<string, unknown> = {}) {
  const tenantId = uniqueName('tenant');
  expect((await stack.api('POST', '/v1/tenants', { id: tenantId, name: tenantId })).status).toBe(201);
  const subscription = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [eventType], tenantId, ...extra });
  expect(subscription.status).toBe(201);
  return { tenantId, subscriptionId: subscription.body.id as string };
}

async function publish(tenantId: string, type: string, i: number): Promise<string> {
  const answer = await stack.api('POST', '/v1/events', { type, payload: { i }, tenantId });
  expect(answer.status).toBe(202);
  return answer.body.id as string;
}

/** Event ids the receiver has got, first receipt each, in order of arrival. */
const arrivals = (receiver: Receiver) => [...new Set(receiver.requests.map((r) => String(r.headers['webhook-id'])))];

describe('fairness between tenants', () => {
  it("dispatches a quiet tenant's event ahead of a busy tenant's backlog", async () => {
    const type = 'fairness.flood';
    const slow = await startReceiver(() => ({ status: 200, body: 'ok', delayMs: SLOW_MS }));
    const quick = await startReceiver();
    receivers.push(slow, quick);
    // A long timeout: A's attempts also wait for one of the worker's 32 connections to the slow receiver.
    const a = await tenantWithSubscription(slow, type, { timeoutMs: 20_000 });
    const b = await tenantWithSubscription(quick, type);

    const floodIds: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < FLOOD) floodIds.push(await publish(a.tenantId, type, next++));
      }),
    );
    const floodReceivedBeforeB = arrivals(slow).length;
    const queuedBeforeB = FLOOD - floodReceivedBeforeB;
    expect(queuedBeforeB, 'a backlog of A events formed in the task queue').toBeGreaterThanOrEqual(MIN_BACKLOG);

    const bId = await publish(b.tenantId, type, 0);
    const bReceipt = await waitFor('B event received', async () => quick.requests.find((r) => r.headers['webhook-id'] === bId), 60_000);
    const floodReceivedWhenB = new Set(slow.requests.filter((r) => r.receivedAt <= bReceipt.receivedAt).map((r) => r.headers['webhook-id'])).size;
    const overtakenBy = floodReceivedWhenB - floodReceivedBeforeB;
    // First-in first-out: every one of the queued A events goes first (overtakenBy = queuedBeforeB).
    expect(overtakenBy, `A events dispatched between B's publish and its receipt, of ${queuedBeforeB} queued`).toBeLessThan(queuedBeforeB / 2);

    // A gets all of its events too, once its receiver is quick again.
    slow.setBehaviour(alwaysOk);
    await waitFor('every A event received', async () => (arrivals(slow).length >= FLOOD ? true : undefined), 120_000);
    expect(new Set(arrivals(slow))).toEqual(new Set(floodIds));
    expect(arrivals(quick)).toEqual([bId]);
  }, 240_000);

  it("carries the tenant's fairness key into the event workflow and a failed first attempt's delivery workflow", async () => {
    const type = 'fairness.inherit';
    const failing = await startReceiver(alwaysFail);
    receivers.push(failing);
    const { tenantId, subscriptionId } = await tenantWithSubscription(failing, type);
    const eventId = await publish(tenantId, type, 0);
    const handle = stack.temporal.workflow.getHandle(deliveryWorkflowId(eventId, subscriptionId));
    const delivery = await waitFor('the delivery workflow', () => handle.describe(), 30_000);
    expect(delivery.raw.workflowExecutionInfo?.priority?.fairnessKey).toBe(tenantId);
    const event = await stack.temporal.workflow.getHandle(eventWorkflowId(eventId)).describe();
    expect(event.raw.workflowExecutionInfo?.priority?.fairnessKey).toBe(tenantId);
    await handle.terminate('test done');
  });

  it("starts a fifo subscription's stream workflow with the tenant's fairness key", async () => {
    const type = 'fairness.fifo';
    const receiver = await startReceiver();
    receivers.push(receiver);
    const { tenantId, subscriptionId } = await tenantWithSubscription(receiver, type, { ordering: 'fifo' });
    await publish(tenantId, type, 0);
    await waitFor('the ordered delivery received', async () => (receiver.requests.length >= 1 ? true : undefined));
    const stream = await stack.temporal.workflow.getHandle(orderedStreamWorkflowId(subscriptionId)).describe();
    expect(stream.raw.workflowExecutionInfo?.priority?.fairnessKey).toBe(tenantId);
  });

  it("starts a redelivery's workflow with the tenant's fairness key", async () => {
    const type = 'fairness.redeliver';
    const receiver = await startReceiver();
    receivers.push(receiver);
    const { tenantId, subscriptionId } = await tenantWithSubscription(receiver, type);
    const eventId = await publish(tenantId, type, 0);
    const deliveryId = await waitFor('the delivery succeeded', async () => {
      const event = await stack.api('GET', `/v1/events/${eventId}`);
      const delivery = event.body?.deliveries?.[0];
      return delivery?.status === 'succeeded' ? (delivery.id as string) : undefined;
    });
    expect((await stack.api('POST', `/v1/deliveries/${deliveryId}/redeliver`)).status).toBe(202);
    const redelivery = await stack.temporal.workflow.getHandle(deliveryWorkflowId(eventId, subscriptionId)).describe();
    expect(redelivery.raw.workflowExecutionInfo?.priority?.fairnessKey).toBe(tenantId);
    await waitFor('the redelivery received', async () => (receiver.requests.length >= 2 ? true : undefined));
  });
});

// The on-failure mode: the event workflow makes every subscriber's first
// attempt itself (local activities), and a delivery workflow takes over only
// where that attempt failed. What it costs Temporal is part of the contract:
// a successful delivery to one subscriber is one workflow execution, one
// workflow task, one local activity (recording the event and attempting it)
// and at most 7 history events.
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryWorkflowId, eventWorkflowId } from '../../workflows/definitions.js';
import { alwaysFail, alwaysOk, startReceiver, type Behaviour, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

// 3 attempts in all, short waits.
const RETRY_SCHEDULE = [0.2, 0.2];

let inline: TestStack;
let always: TestStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  [inline, always] = await Promise.all([
    startTestStack({ retryScheduleSeconds: RETRY_SCHEDULE, deliveryWorkflows: 'on-failure' }),
    startTestStack({ retryScheduleSeconds: RETRY_SCHEDULE, deliveryWorkflows: 'always' }),
  ]);
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await Promise.all([inline?.close(), always?.close()]);
});

async function receiver(behaviour: Behaviour = alwaysOk): Promise<Receiver> {
  const r = await startReceiver(behaviour);
  receivers.push(r);
  return r;
}

async function subscribe(stack: TestStack, url: string, type: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: [type], ...extra });
  expect(status).toBe(201);
  return body.id;
}

async function publish(stack: TestStack, type: string): Promise<string> {
  const { status, body } = await stack.api('POST', '/v1/events', { type, payload: { hello: 'world' } });
  expect(status).toBe(202);
  return body.id;
}

/** The closed workflow's history (waits for it to close). */
async function closedHistory(stack: TestStack, workflowId: string): Promise<HistoryEvent[]> {
  const handle = stack.temporal.workflow.getHandle(workflowId);
  await waitFor(`${workflowId} to close`, async () => ((await handle.describe()).status.name === 'RUNNING' ? undefined : true));
  return (await handle.fetchHistory()).events ?? [];
}

const count = (events: HistoryEvent[], type: proto.temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;

async function workflowExists(stack: TestStack, workflowId: string): Promise<boolean> {
  return stack.temporal.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => true,
      (error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      },
    );
}

async function deliveriesOf(stack: TestStack, eventId: string, settled = true) {
  return waitFor(`event ${eventId}'s deliveries`, async () => {
    const { body } = await stack.api('GET', `/v1/events/${eventId}`);
    if (body?.state !== 'recorded') return undefined;
    if (settled && body.deliveries.some((d: { status: string }) => d.status === 'pending')) return undefined;
    return body.deliveries as Array<{ id: string; subscriptionId: string; status: string; attemptCount: number }>;
  });
}

describe('first attempt in the event workflow', () => {
  it('delivers to one subscriber in one execution, one workflow task, one local activity and at most 7 history events', async () => {
    const type = `${uniqueName('cheap')}.event`;
    const target = await receiver();
    const subscriptionId = await subscribe(inline, target.url, type);
    const eventId = await publish(inline, type);

    const history = await closedHistory(inline, eventWorkflowId(eventId));
    expect(target.requests).toHaveLength(1);
    expect(history.length).toBeLessThanOrEqual(7);
    expect(count(history, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toBe(1);
    expect(count(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(0);
    expect(count(history, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)).toBe(0);
    expect(count(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)).toBe(1);
    expect(await workflowExists(inline, deliveryWorkflowId(eventId, subscriptionId))).toBe(false);

    // The attempt is readable in the Web UI: one local-activity marker, recording the event and
    // attempting it, with a summary saying so and each subscriber's outcome in its result.
    const markers = history.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED);
    expect(markers).toHaveLength(1);
    const [marker] = markers;
    expect(defaultPayloadConverter.fromPayload(marker!.userMetadata!.summary!)).toBe(
      `record ${type} and, in the on-failure mode, its first attempts`,
    );
    const result = defaultPayloadConverter.fromPayload<{ batch: unknown[]; firstAttempts: Record<string, unknown> }>(
      marker!.markerRecordedEventAttributes!.details!.result!.payloads![0]!,
    );
    expect(result.batch).toEqual([expect.objectContaining({ subscriptionId, target: target.url })]);
    expect(result.firstAttempts).toEqual({ [subscriptionId]: { kind: 'succeeded', statusCode: 200, attemptNumber: 1 } });
    const [delivery] = await deliveriesOf(inline, eventId);
    expect(delivery).toMatchObject({ subscriptionId, status: 'succeeded', attemptCount: 1 });
  });

  it('costs a delivery workflow per subscriber in the always mode', async () => {
    const type = `${uniqueName('literal')}.event`;
    const target = await receiver();
    const subscriptionId = await subscribe(always, target.url, type);
    const eventId = await publish(always, type);

    const parent = await closedHistory(always, eventWorkflowId(eventId));
    const child = await closedHistory(always, deliveryWorkflowId(eventId, subscriptionId));
    expect(count(parent, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)).toBe(1);
    expect(count(child, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(1);
    expect(target.requests).toHaveLength(1);
  });

  it('hands a failed first attempt to a delivery workflow that waits on a Temporal timer and retries', async () => {
    const type = `${uniqueName('flaky')}.event`;
    const flaky = await receiver((n) => (n <= 2 ? { status: 503 } : { status: 200 }));
    const steady = await receiver();
    const flakyId = await subscribe(inline, flaky.url, type);
    await subscribe(inline, steady.url, type);
    const eventId = await publish(inline, type);

    const deliveries = await deliveriesOf(inline, eventId);
    expect(deliveries.map((d) => [d.status, d.attemptCount])).toEqual(
      expect.arrayContaining([
        ['succeeded', 3],
        ['succeeded', 1],
      ]),
    );
    // One subscriber's failure never re-sends to another.
    expect(steady.requests).toHaveLength(1);
    expect(flaky.requests).toHaveLength(3);

    const child = await closedHistory(inline, deliveryWorkflowId(eventId, flakyId));
    expect(count(child, EventType.EVENT_TYPE_TIMER_STARTED)).toBe(1);
    expect(count(child, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(1);
    const flakyDelivery = deliveries.find((d) => d.subscriptionId === flakyId)!;
    const { body } = await inline.api('GET', `/v1/deliveries/${flakyDelivery.id}`);
    expect(body.attempts.map((a: { number: number; statusCode: number }) => [a.number, a.statusCode])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
  });

  it('retries at once when the schedule asks for no wait after the first attempt', async () => {
    const type = `${uniqueName('nowait')}.event`;
    const flaky = await receiver((n) => (n === 1 ? { status: 503 } : { status: 200 }));
    await subscribe(inline, flaky.url, type, { retrySchedule: [0] });
    const eventId = await publish(inline, type);

    const [delivery] = await deliveriesOf(inline, eventId);
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(flaky.requests).toHaveLength(2);
  });

  it('dead-letters a permanent failure at the first attempt without sending again, and redelivers it', async () => {
    const type = `${uniqueName('refused')}.event`;
    const refusing = await receiver(() => ({ status: 422, body: 'never' }));
    const subscriptionId = await subscribe(inline, refusing.url, type, { permanentStatusCodes: [422] });
    const eventId = await publish(inline, type);

    const [dead] = await deliveriesOf(inline, eventId);
    expect(dead).toMatchObject({ status: 'dead', attemptCount: 1 });
    expect(refusing.requests).toHaveLength(1);
    const { body: shown } = await inline.api('GET', `/v1/deliveries/${dead!.id}`);
    expect(shown.lastError).toMatch(/HTTP 422 from .*; permanent failure/);
    // The dead letter waits in its delivery workflow for the redeliver signal.
    const handle = inline.temporal.workflow.getHandle(deliveryWorkflowId(eventId, subscriptionId));
    expect((await handle.describe()).status.name).toBe('RUNNING');

    refusing.setBehaviour(alwaysOk);
    expect((await inline.api('POST', `/v1/deliveries/${dead!.id}/redeliver`)).status).toBe(202);
    // Until the workflow takes the signal, the delivery still reads dead.
    const redelivered = await waitFor('the redelivery to succeed', async () => {
      const [d] = await deliveriesOf(inline, eventId);
      return d?.status === 'succeeded' ? d : undefined;
    });
    expect(redelivered).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(refusing.requests).toHaveLength(2);
  });

  it('redelivers a delivery that succeeded at its first attempt, in a delivery workflow of its own', async () => {
    const type = `${uniqueName('again')}.event`;
    const target = await receiver();
    const subscriptionId = await subscribe(inline, target.url, type);
    const eventId = await publish(inline, type);
    const [delivery] = await deliveriesOf(inline, eventId);
    expect(delivery!.status).toBe('succeeded');

    expect((await inline.api('POST', `/v1/deliveries/${delivery!.id}/redeliver`)).status).toBe(202);
    await closedHistory(inline, deliveryWorkflowId(eventId, subscriptionId));
    expect(target.requests).toHaveLength(2);
    expect(target.requests.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
    const { body } = await inline.api('GET', `/v1/deliveries/${delivery!.id}`);
    expect(body).toMatchObject({ status: 'succeeded', attemptCount: 2 });
  });

  it('sends each subscriber of a wide event exactly once when some fail', async () => {
    const type = `${uniqueName('mixed')}.event`;
    const ok = await receiver();
    const broken = await receiver(alwaysFail);
    for (let i = 0; i < 6; i++) await subscribe(inline, `${ok.url}?n=${i}`, type);
    await subscribe(inline, broken.url, type);
    const eventId = await publish(inline, type);

    const deliveries = await deliveriesOf(inline, eventId);
    expect(deliveries.filter((d) => d.status === 'succeeded')).toHaveLength(6);
    expect(deliveries.filter((d) => d.status === 'dead')).toHaveLength(1);
    expect(ok.requests).toHaveLength(6);
    expect(new Set(ok.requests.map((r) => r.path)).size).toBe(6);
    expect(broken.requests).toHaveLength(RETRY_SCHEDULE.length + 1);
  });

  it('gives a subscriber whose first attempt met an infrastructure error a local activity of its own, never re-sending to the others', async () => {
    const type = `${uniqueName('fallback')}.event`;
    const steady = await receiver();
    const unlucky = await receiver();
    const steadyId = await subscribe(inline, steady.url, type);
    const unluckyId = await subscribe(inline, unlucky.url, type);
    // PostgreSQL refuses to record the unlucky subscriber's first attempt,
    // once: its POST went out, then recording it failed, inside the local
    // activity that records the event and attempts both. A sequence counts
    // the refusals because, unlike a table, it is not rolled back with them.
    const fault = uniqueName('fault');
    await inline.pool.query(`CREATE SEQUENCE ${fault}_seq`);
    await inline.pool.query(
      `CREATE FUNCTION ${fault}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF (SELECT subscription_id FROM deliveries WHERE id = NEW.delivery_id) = '${unluckyId}' THEN
           IF nextval('${fault}_seq') = 1 THEN
             RAISE EXCEPTION 'injected: the database refused this attempt';
           END IF;
         END IF;
         RETURN NEW;
       END $$`,
    );
    await inline.pool.query(`CREATE TRIGGER ${fault} BEFORE INSERT ON attempts FOR EACH ROW EXECUTE FUNCTION ${fault}()`);
    try {
      const eventId = await publish(inline, type);
      const history = await closedHistory(inline, eventWorkflowId(eventId));
      const deliveries = await deliveriesOf(inline, eventId);

      // The recording's answer holds the steady subscriber's outcome only...
      const markers = history.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED);
      expect(markers).toHaveLength(2);
      const recorded = defaultPayloadConverter.fromPayload<{ firstAttempts: Record<string, unknown> }>(
        markers[0]!.markerRecordedEventAttributes!.details!.result!.payloads![0]!,
      );
      expect(Object.keys(recorded.firstAttempts)).toEqual([steadyId]);
      // ...and the unlucky one got a local activity of its own, which sent again and recorded it.
      expect(defaultPayloadConverter.fromPayload(markers[1]!.userMetadata!.summary!)).toBe(`POST ${type} to ${unlucky.url}, attempt 1`);
      expect(steady.requests).toHaveLength(1);
      expect(unlucky.requests).toHaveLength(2);
      expect(deliveries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ subscriptionId: steadyId, status: 'succeeded', attemptCount: 1 }),
          expect.objectContaining({ subscriptionId: unluckyId, status: 'succeeded', attemptCount: 1 }),
        ]),
      );
      expect(count(history, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toBe(1);
      expect(await workflowExists(inline, deliveryWorkflowId(eventId, unluckyId))).toBe(false);
    } finally {
      await inline.pool.query(`DROP TRIGGER ${fault} ON attempts`);
      await inline.pool.query(`DROP FUNCTION ${fault}()`);
      await inline.pool.query(`DROP SEQUENCE ${fault}_seq`);
    }
  });

  it('leaves alone a delivery workflow that already runs under the same id (the child start is matched by its error class)', async () => {
    const type = `${uniqueName('duplicate')}.event`;
    const broken = await receiver(alwaysFail);
    const subscriptionId = await subscribe(inline, broken.url, type);
    const eventId = `evt_${uniqueName('dup').replace(/[^a-z0-9]/g, '')}`;
    // A workflow already running under the delivery workflow's id, on a queue no worker polls.
    const occupant = await inline.temporal.workflow.start('occupant', {
      taskQueue: uniqueName('nobody-polls'),
      workflowId: deliveryWorkflowId(eventId, subscriptionId),
    });
    try {
      const { status } = await inline.api('POST', '/v1/events', { id: eventId, type, payload: {} });
      expect(status).toBe(202);
      // The failed first attempt's child start is refused as a duplicate: the event workflow completes all the same.
      const result = await inline.temporal.workflow.getHandle(eventWorkflowId(eventId)).result();
      expect(result).toEqual({ deliveredInline: 0, deliveriesStarted: 1 });
      expect((await occupant.describe()).type).toBe('occupant');
    } finally {
      await occupant.terminate('test over');
    }
  });
});

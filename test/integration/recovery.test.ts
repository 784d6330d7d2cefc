// Dead-letter recovery as a background operation, on a real stack: the API
// validates the window and starts one recovery workflow per subscription and
// window, which pages through the dead letters in batches, continues as new,
// and reports its progress; each dead letter is re-driven once.
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecovery } from '../../src/services/recoveries.js';
import { recoveryProgressQuery, recoveryWorkflowId } from '../../workflows/definitions.js';
import { RECOVERY_BATCHES_PER_RUN } from '../../workflows/recovery-workflow.js';
import { alwaysFail, alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

const DAY = 86_400_000;
let stack: TestStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

/** A subscription whose receiver fails until it is fixed, with `count` dead letters. */
async function deadLetters(count: number) {
  const receiver = await startReceiver(alwaysFail);
  receivers.push(receiver);
  const type = `${uniqueName('recovery')}.event`;
  const { body: subscription } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] });
  for (let n = 0; n < count; n++) expect((await stack.api('POST', '/v1/events', { type, payload: { n } })).status).toBe(202);
  await waitFor(`${count} dead letters`, async () => {
    const { body } = await stack.api('GET', `/v1/deliveries?subscriptionId=${subscription.id}&limit=100`);
    return body.data.length === count && body.data.every((d: { status: string }) => d.status === 'dead') ? true : undefined;
  });
  return { receiver, subscriptionId: subscription.id as string };
}

/** Polls the recovery until it is done; every report on the way must be consistent. */
async function followToDone(location: string, total: number) {
  return waitFor('the recovery to finish', async () => {
    const { status, body } = await stack.api('GET', location);
    expect(status).toBe(200);
    expect(['running', 'done']).toContain(body.status);
    expect(body.found).toBeLessThanOrEqual(total);
    expect(body.redelivered + body.skipped).toBe(body.found);
    return body.status === 'done' ? body : undefined;
  });
}

/** Requests the receiver got, per event (payload n). */
function requestsPerEvent(receiver: Receiver, from: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of receiver.requests.slice(from)) {
    const n = JSON.parse(r.body).data.n as number;
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

describe('POST /v1/subscriptions/:id/recover', () => {
  it('re-drives every dead letter once in the background, reports progress at its Location, and a repeat does not re-drive twice', async () => {
    const { receiver, subscriptionId } = await deadLetters(5);
    const since = new Date(Date.now() - DAY).toISOString();
    const sent = receiver.requests.length;
    receiver.setBehaviour(alwaysOk);

    // Two identical requests at once: one recovery, both told where it is.
    const [first, second] = await Promise.all([1, 2].map(() => stack.api('POST', `/v1/subscriptions/${subscriptionId}/recover`, { since })));
    expect(first!.status).toBe(202);
    expect(second!.status).toBe(202);
    expect(first!.body).toEqual({ id: expect.stringMatching(/^rcv_/), subscriptionId, status: 'running' });
    expect(second!.body).toEqual(first!.body);
    const location = first!.headers.get('location')!;
    expect(location).toBe(`/v1/subscriptions/${subscriptionId}/recoveries/${first!.body.id}`);
    expect(second!.headers.get('location')).toBe(location);

    const report = await followToDone(location, 5);
    expect(report).toEqual({
      id: first!.body.id,
      subscriptionId,
      since,
      until: expect.any(String),
      status: 'done',
      found: 5,
      redelivered: 5,
      skipped: 0,
    });
    expect(Date.parse(report.until)).toBeGreaterThan(Date.parse(since));
    await waitFor('the five to be delivered', async () => (receiver.requests.length - sent === 5 ? true : undefined));
    expect([...requestsPerEvent(receiver, sent).entries()].sort()).toEqual([0, 1, 2, 3, 4].map((n) => [n, 1]));

    // The same request once it is done looks again, and finds nothing dead.
    const again = await stack.api('POST', `/v1/subscriptions/${subscriptionId}/recover`, { since });
    expect(again.body.id).toBe(first!.body.id);
    expect(await followToDone(location, 5)).toMatchObject({ found: 0, redelivered: 0, skipped: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests.length - sent).toBe(5);

    // The audit trail keeps the request and the recovery it started.
    const { body: trail } = await stack.api('GET', `/v1/audit-events?action=subscription.recover&limit=100`);
    const recorded = trail.data.filter((e: { resource: { id: string } }) => e.resource.id === subscriptionId);
    expect(recorded.map((e: { after: unknown }) => e.after)).toEqual(Array(3).fill({ since, recoveryId: first!.body.id }));
  });

  it('pages in batches and continues as new, counting across runs', async () => {
    const total = RECOVERY_BATCHES_PER_RUN + 2;
    const { receiver, subscriptionId } = await deadLetters(total);
    receiver.setBehaviour(alwaysOk);
    const sent = receiver.requests.length;
    const subscription = (await stack.api('GET', `/v1/subscriptions/${subscriptionId}`)).body;
    const started = await startRecovery(stack.apiDeps, subscription, { since: new Date(Date.now() - DAY).toISOString() }, { batchSize: 1 });

    const report = await followToDone(`/v1/subscriptions/${subscriptionId}/recoveries/${started.id}`, total);
    expect(report).toMatchObject({ found: total, redelivered: total, skipped: 0 });
    const handle = stack.temporal.workflow.getHandle(recoveryWorkflowId(subscriptionId, started.id));
    // The last run was continued from another, and its query answers the counts of both.
    const { events } = await handle.fetchHistory();
    const startedEvent = events![0]!;
    expect(startedEvent.eventType).toBe(proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    expect(startedEvent.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
    expect(await handle.query(recoveryProgressQuery)).toEqual({ found: total, redelivered: total, skipped: 0 });
    await waitFor('every dead letter to be delivered', async () => (receiver.requests.length - sent === total ? true : undefined));
    expect([...requestsPerEvent(receiver, sent).values()]).toEqual(Array(total).fill(1));
  });

  it('refuses a window longer than 31 days, or one that starts in the future, naming the field, and starts nothing', async () => {
    const { subscriptionId } = await deadLetters(0);
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    for (const [window, path] of [
      [{ since: iso(now - 32 * DAY) }, 'since'],
      [{ since: iso(now - 40 * DAY), until: iso(now - 8 * DAY) }, 'until'],
      [{ since: iso(now + DAY) }, 'since'],
    ] as const) {
      const answer = await stack.api('POST', `/v1/subscriptions/${subscriptionId}/recover`, window);
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(answer.body.errors).toEqual([{ path, message: expect.any(String) }]);
    }
    const exactly31 = await stack.api('POST', `/v1/subscriptions/${subscriptionId}/recover`, {
      since: iso(now - 40 * DAY),
      until: iso(now - 9 * DAY),
    });
    expect(exactly31.status).toBe(202);
    const { body: trail } = await stack.api('GET', `/v1/audit-events?action=subscription.recover&limit=100`);
    expect(trail.data.filter((e: { resource: { id: string } }) => e.resource.id === subscriptionId)).toHaveLength(1);
  });

  it("answers 404 for a recovery that does not exist, and for another subscription's", async () => {
    const { subscriptionId } = await deadLetters(0);
    const { subscriptionId: other } = await deadLetters(0);
    const started = await stack.api('POST', `/v1/subscriptions/${subscriptionId}/recover`, { since: new Date(Date.now() - DAY).toISOString() });
    expect((await stack.api('GET', `/v1/subscriptions/${subscriptionId}/recoveries/rcv_nothing`)).status).toBe(404);
    expect((await stack.api('GET', `/v1/subscriptions/${other}/recoveries/${started.body.id}`)).status).toBe(404);
    expect((await stack.api('GET', `/v1/subscriptions/sub_nothing/recoveries/${started.body.id}`)).status).toBe(404);
  });
});

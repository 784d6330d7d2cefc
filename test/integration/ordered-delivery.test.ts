// Ordered (fifo) delivery against real Temporal, PostgreSQL and loopback
// receivers: publish order under retries, and what a dead letter does in
// block and in skip mode. (Worker kills and Temporal restarts: the chaos run,
// `npm run test:chaos -- --fifo`.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderViolations } from '../../src/db/ordered-streams.js';
import { checkFifoOrder } from '../support/fifo-order.js';
import { startReceiver, type Behaviour, type Receiver, type ReceivedRequest } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  // Four attempts per round, 100 ms apart; a short hold-back.
  stack = await startTestStack({ retryScheduleSeconds: [0.1, 0.1, 0.1], fifoHoldBackMs: 200 });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

async function receiver(behaviour: Behaviour): Promise<Receiver> {
  const r = await startReceiver(behaviour);
  receivers.push(r);
  return r;
}

const positionOf = (request: ReceivedRequest): number => (JSON.parse(request.body) as { data: { position: number } }).data.position;

/** Attempts so far per publish position, for behaviours that answer by attempt. */
function attemptsPerPosition(): (request: ReceivedRequest) => number {
  const seen = new Map<number, number>();
  return (request) => {
    const n = (seen.get(positionOf(request)) ?? 0) + 1;
    seen.set(positionOf(request), n);
    return n;
  };
}

async function subscribeFifo(url: string, type: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: [type], ordering: 'fifo', ...extra });
  expect(status).toBe(201);
  expect(body.ordering).toBe('fifo');
  return body.id;
}

/** Publishes positions 0..count-1 one after the other: each accepted (202) before the next is sent. */
async function publishInOrder(type: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let position = 0; position < count; position += 1) {
    const { status, body } = await stack.api('POST', '/v1/events', { type, payload: { position } });
    expect(status).toBe(202);
    ids.push(body.id);
  }
  return ids;
}

async function deliveries(subscriptionId: string) {
  const { body } = await stack.api('GET', `/v1/deliveries?subscriptionId=${subscriptionId}&limit=100`);
  return body.data as Array<{ id: string; status: string; eventId: string; attemptCount: number }>;
}

async function settled(subscriptionId: string, expected: Record<string, number>) {
  return waitFor(
    `deliveries of ${subscriptionId} to settle as ${JSON.stringify(expected)}`,
    async () => {
      const all = await deliveries(subscriptionId);
      const counts = (statuses: string[]) => statuses.sort().join(',');
      const wanted = Object.entries(expected).flatMap(([status, n]) => Array<string>(n).fill(status));
      return counts(all.map((d) => d.status)) === counts(wanted) ? all : undefined;
    },
    60_000,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ordered delivery', () => {
  it('delivers in publish order while the receiver fails and retries', async () => {
    const type = uniqueName('fifo.retries').replace(/_/g, '.');
    const attemptOf = attemptsPerPosition();
    // Position p fails its first p % 3 attempts: the stream must wait for each before the next.
    const r = await receiver((_, request) => (attemptOf(request) <= positionOf(request) % 3 ? { status: 503 } : { status: 200 }));
    const subscriptionId = await subscribeFifo(r.url, type);
    const count = 30;
    await publishInOrder(type, count);
    await settled(subscriptionId, { succeeded: count });

    const receipts = r.requests.map(positionOf);
    expect(receipts.length).toBe(count + [...Array(count).keys()].reduce((sum, p) => sum + (p % 3), 0));
    const { sequence, outOfOrder } = checkFifoOrder(receipts);
    expect(outOfOrder).toEqual([]);
    expect(sequence).toEqual([...Array(count).keys()]);
    // One at a time: no request for position p+1 before p was answered 200.
    const okAt = new Map(r.requests.map((q, i) => [positionOf(q), i] as const));
    for (let p = 1; p < count; p += 1) {
      expect(r.requests.findIndex((q) => positionOf(q) === p)).toBeGreaterThan(okAt.get(p - 1)!);
    }
    expect(await orderViolations(stack.pool, subscriptionId)).toBe(0);
    // The event workflows handed these over: no delivery workflow was started for any.
    const listed = await stack.temporal.workflow.count(`HookflowSubscriptionId = "${subscriptionId}" AND WorkflowType = "deliveryWorkflow"`);
    expect(listed.count).toBe(0);
  }, 90_000);

  it('block: waits behind a dead letter until it is redelivered, then goes on in order', async () => {
    const type = uniqueName('fifo.block').replace(/_/g, '.');
    let broken = true;
    const r = await receiver((_, request) => (broken && positionOf(request) === 1 ? { status: 500 } : { status: 200 }));
    const subscriptionId = await subscribeFifo(r.url, type, { onDeadLetter: 'block' });
    const ids = await publishInOrder(type, 4);
    const all = await settled(subscriptionId, { dead: 1, pending: 2, succeeded: 1 });
    const dead = all.find((d) => d.status === 'dead')!;
    expect(dead.eventId).toBe(ids[1]);
    // Blocked: positions 2 and 3 stay unsent, however long we wait.
    await sleep(1_500);
    expect(new Set(r.requests.map(positionOf))).toEqual(new Set([0, 1]));
    const blocked = await stack.api('GET', `/v1/subscriptions/${subscriptionId}/stream`);
    expect(blocked.body).toEqual({ subscriptionId, blockedOn: dead.id, pending: 2, orderViolations: 0 });

    broken = false;
    expect((await stack.api('POST', `/v1/deliveries/${dead.id}/redeliver`)).status).toBe(202);
    await settled(subscriptionId, { succeeded: 4 });
    const { sequence, outOfOrder } = checkFifoOrder(r.requests.map(positionOf));
    expect(outOfOrder).toEqual([]);
    expect(sequence).toEqual([0, 1, 2, 3]);
    const flowing = await stack.api('GET', `/v1/subscriptions/${subscriptionId}/stream`);
    expect(flowing.body).toEqual({ subscriptionId, blockedOn: null, pending: 0, orderViolations: 0 });
  }, 90_000);

  it('block: an operator can skip the dead letter, which stays dead', async () => {
    const type = uniqueName('fifo.blockskip').replace(/_/g, '.');
    const r = await receiver((_, request) => (positionOf(request) === 0 ? { status: 500 } : { status: 200 }));
    const subscriptionId = await subscribeFifo(r.url, type);
    await publishInOrder(type, 3);
    const all = await settled(subscriptionId, { dead: 1, pending: 2 });
    const dead = all.find((d) => d.status === 'dead')!;

    expect((await stack.api('POST', `/v1/deliveries/${dead.id}/skip`)).status).toBe(202);
    await settled(subscriptionId, { dead: 1, succeeded: 2 });
    expect(checkFifoOrder(r.requests.map(positionOf)).sequence).toEqual([0, 1, 2]);
    expect((await stack.api('GET', `/v1/deliveries/${dead.id}`)).body.status).toBe('dead');
  }, 90_000);

  it('skip: moves on past a dead letter at once', async () => {
    const type = uniqueName('fifo.skip').replace(/_/g, '.');
    const r = await receiver((_, request) => (positionOf(request) === 1 ? { status: 500 } : { status: 200 }));
    const subscriptionId = await subscribeFifo(r.url, type, { onDeadLetter: 'skip' });
    const ids = await publishInOrder(type, 4);
    const all = await settled(subscriptionId, { dead: 1, succeeded: 3 });
    expect(all.find((d) => d.status === 'dead')!.eventId).toBe(ids[1]);
    const { sequence, outOfOrder } = checkFifoOrder(r.requests.map(positionOf));
    expect(outOfOrder).toEqual([]);
    expect(sequence).toEqual([0, 1, 2, 3]);
    // Position 1 was tried its four times, all before position 2 was sent.
    const receipts = r.requests.map(positionOf);
    expect(receipts.filter((p) => p === 1)).toHaveLength(4);
    expect(receipts.lastIndexOf(1)).toBeLessThan(receipts.indexOf(2));
  }, 90_000);

  it('refuses bad input, naming the field, and a skip of what is not in a stream', async () => {
    const url = 'http://127.0.0.1:9/x';
    const lifo = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: ['a.b'], ordering: 'lifo' });
    expect(lifo.status).toBe(422);
    expect(lifo.body.errors.map((e: { path: string }) => e.path)).toEqual(['ordering']);
    const unordered = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: ['a.b'], onDeadLetter: 'skip' });
    expect(unordered.status).toBe(422);
    expect(unordered.body.errors.map((e: { path: string }) => e.path)).toEqual(['onDeadLetter']);
    const patch = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: ['a.b'] });
    expect(patch.body).toMatchObject({ ordering: 'none', onDeadLetter: null });
    const change = await stack.api('PATCH', `/v1/subscriptions/${patch.body.id}`, { ordering: 'fifo' });
    expect(change.status).toBe(422);
    expect((await stack.api('POST', '/v1/deliveries/dlv_nope/skip')).status).toBe(404);
  });

  it('has no skip nor stream for an unordered subscription', async () => {
    const type = uniqueName('plain.dead').replace(/_/g, '.');
    const r = await receiver(() => ({ status: 500 }));
    const { body: sub } = await stack.api('POST', '/v1/subscriptions', { url: r.url, eventTypes: [type] });
    await publishInOrder(type, 1);
    const [dead] = await settled(sub.id, { dead: 1 });
    const skip = await stack.api('POST', `/v1/deliveries/${dead!.id}/skip`);
    expect(skip.status).toBe(409);
    expect(skip.headers.get('content-type')).toContain('application/problem+json');
    expect((await stack.api('GET', `/v1/subscriptions/${sub.id}/stream`)).status).toBe(409);
    expect((await stack.api('GET', '/v1/subscriptions/sub_nope/stream')).status).toBe(404);
  }, 60_000);
});

// What a delivery costs PostgreSQL, end to end in the worker: every statement
// the worker sends while an event is recorded and delivered at the first
// attempt (the on-failure mode), counted on the worker's own pool. Each
// statement is a round trip, and a round trip is most of the worker's CPU
// under load (a syscall each way): a change that adds one fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookflowWorker, type HookflowWorker } from '../../src/runtime/worker.js';
import { eventWorkflowId } from '../../workflows/definitions.js';
import { countingPool, type CountingPool } from '../support/counting-pool.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, type TestStack } from '../support/stack.js';

let stack: TestStack;
let receiver: Receiver;
let counting: CountingPool;
let worker: HookflowWorker;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.2], deliveryWorkflows: 'on-failure' });
  receiver = await startReceiver();
  // The stack's worker gives way to one on a pool of its own that counts: the
  // API (publishing, reading) keeps the stack's pool, and is not counted.
  await stack.worker.shutdown();
  counting = countingPool((stack.pool.options as { connectionString: string }).connectionString);
  const { workerOptions } = stack;
  worker = await startHookflowWorker({ ...workerOptions, activities: { ...workerOptions.activities, pool: counting.pool } });
});

afterAll(async () => {
  await worker?.shutdown();
  await counting?.pool.end();
  await receiver?.close();
  await stack?.close();
});

/** Publishes one event to `subscribers` new subscriptions and returns the statements the worker sent until its workflow closed. */
async function statementsOfOneEvent(subscribers: number): Promise<string[]> {
  const type = `${uniqueName('trips')}.event`;
  for (let i = 0; i < subscribers; i++) {
    expect((await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] })).status).toBe(201);
  }
  const before = receiver.requests.length;
  counting.take();
  const { status, body: event } = await stack.api('POST', '/v1/events', { type, payload: { n: 1 } });
  expect(status).toBe(202);
  const result = await stack.temporal.workflow.getHandle(eventWorkflowId(event.id as string)).result();
  const statements = counting.take();
  // Delivered at the first attempt, every one of them: the path being counted.
  expect(result).toEqual({ deliveredInline: subscribers, deliveriesStarted: 0 });
  expect(receiver.requests.length - before).toBe(subscribers);
  // Each got the event's payload, though the statement that read their targets carries it once.
  for (const request of receiver.requests.slice(before)) expect(JSON.parse(request.body)).toMatchObject({ type, data: { n: 1 } });
  return statements;
}

/** A statement's first words: enough to tell which one it is. */
const opening = (statement: string) => statement.split(' ').slice(0, 3).join(' ');

describe('PostgreSQL round trips of a delivered event, in the worker', () => {
  it('one subscriber: 5 statements (the recording: BEGIN + 2 + COMMIT, which also read the attempt target; the attempt: its record)', async () => {
    // A healthy endpoint: it has no breaker state (none is written until a
    // failure or a rate limit), so its success writes none.
    const statements = await statementsOfOneEvent(1);
    expect(statements.map(opening)).toEqual(['BEGIN', 'WITH inserted AS', 'WITH created AS', 'COMMIT', 'WITH delivery AS']);
  });

  it('ten subscribers: 4 statements to record the event and read every target, 1 per first attempt', async () => {
    const statements = await statementsOfOneEvent(10);
    expect(statements).toHaveLength(4 + 10);
    const count = (start: string) => statements.filter((s) => opening(s) === start).length;
    expect([count('BEGIN'), count('WITH inserted AS'), count('WITH created AS'), count('COMMIT')]).toEqual([1, 1, 1, 1]);
    expect(count('WITH delivery AS')).toBe(10);
  });
});

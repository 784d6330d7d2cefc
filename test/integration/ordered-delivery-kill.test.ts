// Ordered delivery through a worker's death: a worker process is SIGKILLed
// while events are being published and its stream is mid-delivery; another
// worker takes over. Real processes (src/main.ts), real Temporal and
// PostgreSQL, a loopback receiver.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { orderViolations } from '../../src/db/ordered-streams.js';
import { checkFifoOrder } from '../support/fifo-order.js';
import { spawnHookflowPart } from '../support/hookflow-process.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../support/receiver.js';
import { partEnv, startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

const HOLD_BACK_MS = 15_000;
let stack: TestStack;
let receiver: Receiver | undefined;
const spawned: ChildProcess[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [1] });
});

afterAll(async () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await receiver?.close();
  await stack?.close();
});

async function startWorker(taskQueue: string) {
  const env = await partEnv(stack, taskQueue, {
    HOOKFLOW_RETRY_SCHEDULE: '0.5,0.5,0.5,0.5',
    HOOKFLOW_FIFO_HOLD_BACK_MS: String(HOLD_BACK_MS),
  });
  const part = spawnHookflowPart('worker', env, { readyTimeoutMs: 90_000 });
  spawned.push(part.child);
  await part.ready;
  return part;
}

const positionOf = (request: ReceivedRequest): number => (JSON.parse(request.body) as { data: { position: number } }).data.position;

describe('ordered delivery through a worker kill', () => {
  it('keeps publish order when the worker holding the stream and event workflows is SIGKILLed', async () => {
    const taskQueue = uniqueName('fifo-kill');
    const first = await startWorker(taskQueue);
    // Slow enough that the kill lands mid-stream; every fifth position fails once.
    const failedOnce = new Set<number>();
    receiver = await startReceiver((_, request) => {
      const position = positionOf(request);
      if (position % 5 === 4 && !failedOnce.has(position)) {
        failedOnce.add(position);
        return { status: 503 };
      }
      return { status: 200, delayMs: 100 };
    });
    const type = `${uniqueName('fifo')}.kill`;
    const { body: subscription } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], ordering: 'fifo' });
    // Published onto the spawned workers' task queue: only they deliver.
    const app = createApp({ ...stack.apiDeps, taskQueue });
    const publish = async (position: number) => {
      const answer = await app.request('/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type, payload: { position } }),
      });
      expect(answer.status).toBe(202);
    };

    const count = 40;
    for (let position = 0; position < 15; position++) await publish(position);
    // Wait until the stream is sending (past the hold-back), publish a few
    // more (their event workflows likely on the worker about to die), and
    // kill it mid-stream.
    await waitFor('the stream to start sending', async () => (receiver!.requests.length >= 3 ? true : undefined), 60_000);
    for (let position = 15; position < 20; position++) await publish(position);
    first.child.kill('SIGKILL');
    await first.closed;
    await startWorker(taskQueue);
    for (let position = 20; position < count; position++) await publish(position);

    await waitFor(
      'every delivery to succeed',
      async () => {
        const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE subscription_id = $1 AND status = 'succeeded'`, [
          subscription.id,
        ]);
        return rows[0].n === count ? true : undefined;
      },
      180_000,
    );

    const { sequence, outOfOrder } = checkFifoOrder(receiver.requests.map(positionOf));
    expect(new Set(sequence)).toEqual(new Set([...Array(count).keys()]));
    // hookflow's own count is truthful: every out-of-order receipt is one it counted.
    const counted = await orderViolations(stack.pool, subscription.id);
    expect(outOfOrder.length).toBeLessThanOrEqual(counted);
    // And order holds whenever every event was recorded within the hold-back.
    const { rows } = await stack.pool.query<{ slowest_ms: number }>(
      `SELECT max(extract(epoch FROM recorded_at - created_at) * 1000)::float8 AS slowest_ms FROM events WHERE type = $1`,
      [type],
    );
    // (On a loaded machine the new worker may take longer than the hold-back to record the events the dead one held.)
    console.info(`slowest recording: ${Math.round(rows[0]!.slowest_ms)} ms after acceptance; hold-back ${HOLD_BACK_MS} ms; violations ${counted}`);
    if (rows[0]!.slowest_ms < HOLD_BACK_MS) expect(sequence).toEqual([...Array(count).keys()]);
  }, 300_000);
});

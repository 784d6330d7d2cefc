// SIGTERM to a worker process lets the delivery under way finish and exits
// cleanly; SIGTERM to an API process stops taking connections but answers the
// request it is in the middle of. Real processes (src/main.ts), real signals.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { freePort } from '../../src/dev/ports.js';
import { eventWorkflowId } from '../../workflows/definitions.js';
import { spawnHookflowPart } from '../support/hookflow-process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { partEnv, startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
const receivers: Receiver[] = [];
const spawned: ChildProcess[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [1] });
});

afterAll(async () => {
  // A test that failed half-way must not leave its processes behind.
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

/** A hookflow part as its own process, on a task queue of its own, against this file's database. */
async function startPart(command: 'api' | 'worker', taskQueue: string, extraEnv: Record<string, string> = {}) {
  const env = await partEnv(stack, taskQueue, extraEnv);
  const part = spawnHookflowPart(command, env, { readyTimeoutMs: 60_000 });
  spawned.push(part.child);
  await part.ready;
  return { child: part.child, exited: part.closed.then(({ code, exitedAt }) => ({ code, at: exitedAt })) };
}

describe('graceful shutdown', () => {
  it('a worker on SIGTERM finishes the delivery under way, then exits 0', async () => {
    const taskQueue = uniqueName('shutdown-worker');
    const worker = await startPart('worker', taskQueue);
    const answeredAt: number[] = [];
    const slow = await startReceiver(() => {
      setTimeout(() => answeredAt.push(Date.now()), 3_000);
      return { status: 200, delayMs: 3_000, body: 'slow but fine' };
    });
    receivers.push(slow);
    const type = `${uniqueName('slow')}.event`;
    await stack.api('POST', '/v1/subscriptions', { url: slow.url, eventTypes: [type] });
    // Published onto the spawned worker's task queue: only it can deliver.
    const app = createApp({ ...stack.apiDeps, taskQueue });
    const published = await app.request('/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type, payload: { slow: true } }),
    });
    expect(published.status).toBe(202);
    const { id } = (await published.json()) as { id: string };

    await waitFor('the delivery to be under way', async () => (slow.requests.length === 1 ? true : undefined));
    worker.child.kill('SIGTERM');
    const { code, at } = await worker.exited;
    expect(code).toBe(0);
    // It exited only after the receiver had answered, and that answer was recorded as the one attempt.
    expect(answeredAt).toHaveLength(1);
    expect(at).toBeGreaterThanOrEqual(answeredAt[0]!);
    const { body: event } = await stack.api('GET', `/v1/events/${id}`);
    const { body: delivery } = await stack.api('GET', `/v1/deliveries/${event.deliveries[0].id}`);
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 1 });
    expect(slow.requests).toHaveLength(1);
  }, 90_000);

  it('an API on SIGTERM refuses new connections but answers the request it has begun', async () => {
    const port = await freePort();
    const taskQueue = uniqueName('shutdown-api');
    const api = await startPart('api', taskQueue, { PORT: String(port), HOST: '127.0.0.1' });
    const type = `${uniqueName('begun')}.event`;
    const body = JSON.stringify({ type, payload: { half: 'sent before SIGTERM, half after' } });
    const half = Math.floor(body.length / 2);

    // A request whose headers and first half of the body are in before the signal.
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      `POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${stack.adminKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    api.child.kill('SIGTERM');
    await waitFor('the API to stop listening', async () => ((await canConnect(port)) ? undefined : true), 10_000);

    socket.write(body.slice(half));
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 202 /);
    const accepted = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { id: string };
    expect((await api.exited).code).toBe(0);
    // Accepted means durably in Temporal.
    const handle = stack.temporal.workflow.getHandle(eventWorkflowId(accepted.id));
    expect((await handle.describe()).type).toBe('eventWorkflow');
    await handle.terminate('test cleanup: no worker polls this task queue');
  }, 90_000);
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

// Eager workflow start, as the embedded `npm start` uses it: an API and a
// worker in one process on one NativeConnection. The server hands the event
// workflow's first task to that worker with the start itself.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSharedTemporal, type SharedTemporal } from '../../src/runtime/shared-connection.js';
import { startHookflowWorker, type HookflowWorker } from '../../src/runtime/worker.js';
import { publishEvent } from '../../src/services/events.js';
import { eventWorkflowId } from '../../workflows/definitions.js';
import { alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let shared: SharedTemporal;
let eagerWorker: HookflowWorker;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  shared = await connectSharedTemporal({ address: inject('temporalAddress') }, 'default', stack.workerOptions.activities.logger);
  eagerWorker = await startHookflowWorker({ ...stack.workerOptions, identity: 'eager-worker', connection: shared.connection });
  receiver = await startReceiver(alwaysOk);
});

afterAll(async () => {
  await receiver?.close();
  await eagerWorker?.shutdown();
  await shared?.connection.close();
  await stack?.close();
});

describe('eager workflow start', () => {
  it('runs the event workflow’s first task on the worker that shares the publishing connection', async () => {
    const type = `${uniqueName('eager')}.event`;
    await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] });

    const published = await publishEvent(
      { pool: stack.pool, temporal: shared.client, taskQueue: stack.taskQueue, eagerStart: true },
      { type, payload: { eager: true } },
      undefined,
    );
    // The server's own word: the start's answer carried the first workflow task, for this connection's worker.
    expect(published.eagerlyStarted).toBe(true);
    await waitFor('the delivery', async () => (receiver.requests.length === 1 ? true : undefined));
    expect(receiver.requests[0]!.headers['webhook-id']).toBe(published.event.id);

    // And that task was the only one: the first attempt ran in it.
    const handle = shared.client.workflow.getHandle(eventWorkflowId(published.event.id));
    await waitFor('the event workflow to complete', async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined));
    const started = ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowTaskStartedEventAttributes);
    expect(started).toHaveLength(1);
  });

  it('starts as usual, not eagerly, without the request', async () => {
    const published = await publishEvent(
      { pool: stack.pool, temporal: shared.client, taskQueue: stack.taskQueue },
      { type: `${uniqueName('plain')}.event`, payload: {} },
      undefined,
    );
    expect(published.eagerlyStarted).toBe(false);
  });
});

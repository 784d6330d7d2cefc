// A worker started with HOOKFLOW_WORKER_* settings: the SDK runs with them (its
// compiled options say so) and it delivers, a failed first attempt retried in
// a delivery workflow included, as the only worker on its task queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startHookflowWorker, type HookflowWorker } from '../../src/runtime/worker.js';
import { deliveryWorkflowId, eventWorkflowId } from '../../workflows/definitions.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

const TUNING_ENV = {
  HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: '4',
  HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS: '3',
  HOOKFLOW_WORKER_LOCAL_ACTIVITY_SLOTS: '2',
  HOOKFLOW_WORKER_ACTIVITY_SLOTS: '5',
  HOOKFLOW_WORKER_WORKFLOW_POLLERS: '2',
  HOOKFLOW_WORKER_ACTIVITY_POLLERS: '1',
  HOOKFLOW_WORKER_WORKFLOW_THREADS: '1',
  HOOKFLOW_WORKER_REUSE_V8_CONTEXT: 'false',
};
const IDENTITY = 'tuned-worker';

let stack: TestStack;
let tuned: HookflowWorker;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  // The only worker on the queue: whatever runs, runs with the tuning.
  await stack.worker.shutdown();
  tuned = await startHookflowWorker({ ...stack.workerOptions, identity: IDENTITY, tuning: loadConfig(TUNING_ENV).workerTuning });
  // The first attempt fails: the retry runs in a delivery workflow, as an activity.
  receiver = await startReceiver((n) => (n === 1 ? { status: 503, body: 'not yet' } : { status: 200, body: 'ok' }));
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await tuned?.shutdown();
  await stack?.close();
});

describe('worker tuning', () => {
  it('reaches the SDK: slots, pollers, cache, threads and V8 context reuse as set', () => {
    const options = tuned.worker.options;
    expect(options.maxCachedWorkflows).toBe(4);
    expect(options.workflowThreadPoolSize).toBe(1);
    expect(options.reuseV8Context).toBe(false);
    expect(options.workflowTaskPollerBehavior).toEqual({ type: 'simple-maximum', maximum: 2 });
    expect(options.activityTaskPollerBehavior).toEqual({ type: 'simple-maximum', maximum: 1 });
    expect(options.tuner.workflowTaskSlotSupplier).toMatchObject({ type: 'fixed-size', numSlots: 3 });
    expect(options.tuner.localActivityTaskSlotSupplier).toMatchObject({ type: 'fixed-size', numSlots: 2 });
    expect(options.tuner.activityTaskSlotSupplier).toMatchObject({ type: 'fixed-size', numSlots: 5 });
  });

  it('delivers, retrying a failed first attempt, on the tuned worker alone', async () => {
    const type = `${uniqueName('tuned')}.event`;
    const { body: subscription } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] });
    const { status, body: event } = await stack.api('POST', '/v1/events', { type, payload: { tuned: true } });
    expect(status).toBe(202);

    await waitFor('the retry to succeed', async () => (receiver.requests.length === 2 ? true : undefined));
    expect(receiver.requests.map((request) => request.headers['webhook-id'])).toEqual([event.id, event.id]);

    // Temporal's own record: every workflow task and activity ran on the tuned worker.
    for (const workflowId of [eventWorkflowId(event.id), deliveryWorkflowId(event.id, subscription.id)]) {
      const handle = stack.temporal.workflow.getHandle(workflowId);
      await waitFor(`${workflowId} to complete`, async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined));
      const events = (await handle.fetchHistory()).events ?? [];
      const identities = events.flatMap((e) => [e.workflowTaskStartedEventAttributes?.identity, e.activityTaskStartedEventAttributes?.identity]);
      const present = identities.filter((identity) => identity !== undefined && identity !== null);
      expect(present.length).toBeGreaterThan(0);
      expect(new Set(present)).toEqual(new Set([IDENTITY]));
    }
  });
});

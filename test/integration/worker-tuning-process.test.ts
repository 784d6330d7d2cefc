// HOOKFLOW_WORKER_* reach the Temporal SDK in a real worker process
// (src/main.ts → src/runtime/worker.ts): the SDK's own slot gauges, on the
// worker's /metrics, count from the slots the environment gave, not from the
// SDK's defaults (40 workflow tasks, 100 local activities).
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHookflowPart } from '../support/hookflow-process.js';
import { partEnv, startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [1] });
});

afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await stack?.close();
});

/** The value of `temporal_worker_task_slots_available` for one kind of slot on one task queue, if exported yet. */
function slotsAvailable(metrics: string, workerType: string, taskQueue: string): number | undefined {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith('temporal_worker_task_slots_available{') && l.includes(`worker_type="${workerType}"`) && l.includes(`task_queue="${taskQueue}"`),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('worker tuning in a worker process', () => {
  it('the SDK runs with the slots HOOKFLOW_WORKER_* set', async () => {
    const taskQueue = uniqueName('tuned');
    const env = await partEnv(stack, taskQueue, {
      HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS: '7',
      HOOKFLOW_WORKER_LOCAL_ACTIVITY_SLOTS: '9',
      HOOKFLOW_WORKER_WORKFLOW_POLLERS: '2',
    });
    let output = '';
    const part = spawnHookflowPart('worker', env, { readyTimeoutMs: 90_000, onOutput: (chunk) => (output += chunk.toString('utf8')) });
    worker = part.child;
    await part.ready;
    // What it says it runs with...
    expect(output).toContain('maxConcurrentWorkflowTaskExecutions=7');
    expect(output).toContain('maxConcurrentLocalActivityExecutions=9');
    // ...is what the SDK counts from. Idle, no local activity holds a slot; the
    // workflow pollers hold one slot each while they wait.
    const metricsUrl = `http://127.0.0.1:${env.HOOKFLOW_WORKER_METRICS_PORT}/metrics`;
    const slots = await waitFor('the SDK slot gauges', async () => {
      const metrics = await (await fetch(metricsUrl)).text();
      const workflow = slotsAvailable(metrics, 'WorkflowWorker', taskQueue);
      const local = slotsAvailable(metrics, 'LocalActivityWorker', taskQueue);
      return workflow === undefined || local === undefined ? undefined : { workflow, local };
    });
    expect(slots.local).toBe(9);
    expect(slots.workflow).toBeGreaterThanOrEqual(7 - 2);
    expect(slots.workflow).toBeLessThanOrEqual(7);
  });
});

// HOOKFLOW_WORKER_*: parsed into Worker.create's options, only those set, and
// the combinations the Temporal SDK refuses or silently changes refused at
// start-up with the variable named.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { describeWorkerTuning } from '../../src/runtime/worker-tuning.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message.split('\n').slice(1);
  }
  return [];
}

describe('worker tuning from the environment', () => {
  it('passes nothing when nothing is set: the SDK keeps every default', () => {
    expect(loadConfig({}).workerTuning).toEqual({});
    expect(Object.keys(loadConfig({}).workerTuning)).toHaveLength(0);
  });

  it('passes only what is set, under the SDK option that reaches the core', () => {
    const tuning = loadConfig({ HOOKFLOW_WORKER_WORKFLOW_POLLERS: '4', HOOKFLOW_WORKER_REUSE_V8_CONTEXT: '0' }).workerTuning;
    // Pollers as a poller behaviour: SDK 1.24 ignores maxConcurrentWorkflowTaskPolls.
    expect(tuning).toStrictEqual({ workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 4 }, reuseV8Context: false });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads HOOKFLOW_WORKER_REUSE_V8_CONTEXT=%s as %s', (value, expected) => {
    expect(loadConfig({ HOOKFLOW_WORKER_REUSE_V8_CONTEXT: value }).workerTuning.reuseV8Context).toBe(expected);
  });

  it("refuses to turn the cache off: the event workflow's local activities need it", () => {
    expect(() => loadConfig({ HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: '0' })).toThrow(/HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS/);
  });

  it('accepts slots equal to the cache and pollers equal to the slots', () => {
    expect(() =>
      loadConfig({
        HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: '8',
        HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS: '8',
        HOOKFLOW_WORKER_WORKFLOW_POLLERS: '8',
        HOOKFLOW_WORKER_ACTIVITY_SLOTS: '3',
        HOOKFLOW_WORKER_ACTIVITY_POLLERS: '3',
      }),
    ).not.toThrow();
  });

  it.each([
    ['HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS', ''],
    ['HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS', '-1'],
    ['HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS', '1'],
    ['HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS', '0'],
    ['HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS', '0'],
    ['HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS', '2.5'],
    ['HOOKFLOW_WORKER_LOCAL_ACTIVITY_SLOTS', '0'],
    ['HOOKFLOW_WORKER_ACTIVITY_SLOTS', 'many'],
    ['HOOKFLOW_WORKER_WORKFLOW_POLLERS', '0'],
    ['HOOKFLOW_WORKER_ACTIVITY_POLLERS', '0'],
    ['HOOKFLOW_WORKER_WORKFLOW_THREADS', '0'],
    ['HOOKFLOW_WORKER_WORKFLOW_THREADS', '65'],
    ['HOOKFLOW_WORKER_REUSE_V8_CONTEXT', 'yes'],
  ])('refuses %s=%j, naming it', (name, value) => {
    expect(problemsOf({ [name]: value })).toEqual([expect.stringMatching(new RegExp(`^  ${name}: `))]);
  });

  it.each<[string, Record<string, string>, string, RegExp]>([
    [
      'one workflow task slot with the cache on',
      { HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS: '1' },
      'HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS',
      /at least 2: the workflow cache is on/,
    ],
    [
      'more workflow task slots than cached workflows',
      { HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: '10', HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS: '20' },
      'HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS',
      /workflow task slots \(20\) exceed the cached workflows \(10\)/,
    ],
    [
      "a cache smaller than the SDK's default 40 slots",
      { HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: '10' },
      'HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS',
      /workflow task slots \(the SDK's default 40\) exceed the cached workflows \(10\)/,
    ],
    [
      'one workflow poller with the cache on',
      { HOOKFLOW_WORKER_WORKFLOW_POLLERS: '1' },
      'HOOKFLOW_WORKER_WORKFLOW_POLLERS',
      /at least 2: the workflow cache is on/,
    ],
    [
      'more workflow pollers than slots',
      { HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS: '4', HOOKFLOW_WORKER_WORKFLOW_POLLERS: '5' },
      'HOOKFLOW_WORKER_WORKFLOW_POLLERS',
      /no more than the workflow task slots \(4\)/,
    ],
    [
      "more workflow pollers than the SDK's default slots",
      { HOOKFLOW_WORKER_WORKFLOW_POLLERS: '41' },
      'HOOKFLOW_WORKER_WORKFLOW_POLLERS',
      /no more than the workflow task slots \(the SDK's default 40\)/,
    ],
    [
      'more activity pollers than activity slots',
      { HOOKFLOW_WORKER_ACTIVITY_SLOTS: '2', HOOKFLOW_WORKER_ACTIVITY_POLLERS: '3' },
      'HOOKFLOW_WORKER_ACTIVITY_POLLERS',
      /no more than the activity slots \(2\)/,
    ],
  ])('refuses %s, naming the variable', (_, env, variable, message) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^  ${variable}: `));
    expect(problems[0]).toMatch(message);
  });

  it('describes the options given for the start-up log', () => {
    expect(describeWorkerTuning({})).toBe("the SDK's defaults");
    expect(
      describeWorkerTuning(loadConfig({ HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: '100', HOOKFLOW_WORKER_WORKFLOW_POLLERS: '4' }).workerTuning),
    ).toBe('maxCachedWorkflows=100, workflowTaskPollerBehavior={"type":"simple-maximum","maximum":4}');
  });
});

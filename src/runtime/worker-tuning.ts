// The Temporal worker's capacity settings (issue #11 measures them): task
// slots, pollers, the workflow cache, workflow threads and V8 context reuse.
// A variable left unset passes nothing, so the SDK's own default applies.
// Combinations the SDK would refuse, or silently change, are refused here at
// start-up with the variable named, not met later as a warning in the logs.
import { z } from 'zod';
import type { WorkerOptions } from '@temporalio/worker';

/** The SDK's defaults the checks below compare against (node_modules/@temporalio/worker/lib/worker-options.js). */
export const SDK_DEFAULTS = { workflowTaskSlots: 40, activitySlots: 100 } as const;

const wholeNumber = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(min).max(max)).optional();

/** The environment variables, for config.ts's schema (the one reader of process.env). */
export const workerTuningVariables = {
  // Never off (0): the event workflow's local activity must find its workflow in the cache when it
  // finishes. Measured with 0: 1,950 of 2,000 event workflows' tasks failed and were retried (docs/benchmarks.md).
  HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: wholeNumber(2, 1_000_000),
  HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS: wholeNumber(1, 10_000),
  HOOKFLOW_WORKER_LOCAL_ACTIVITY_SLOTS: wholeNumber(1, 10_000),
  HOOKFLOW_WORKER_ACTIVITY_SLOTS: wholeNumber(1, 10_000),
  HOOKFLOW_WORKER_WORKFLOW_POLLERS: wholeNumber(1, 1_000),
  HOOKFLOW_WORKER_ACTIVITY_POLLERS: wholeNumber(1, 1_000),
  HOOKFLOW_WORKER_WORKFLOW_THREADS: wholeNumber(1, 64),
  HOOKFLOW_WORKER_REUSE_V8_CONTEXT: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
};

type WorkerTuningEnv = z.output<z.ZodObject<typeof workerTuningVariables>>;
type WorkerTuningVariable = keyof typeof workerTuningVariables;

/** What Worker.create receives: only the options that were set. */
export type WorkerTuning = Pick<
  WorkerOptions,
  | 'maxCachedWorkflows'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentLocalActivityExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'workflowTaskPollerBehavior'
  | 'activityTaskPollerBehavior'
  | 'workflowThreadPoolSize'
  | 'reuseV8Context'
>;

export function workerTuningOf(env: WorkerTuningEnv): WorkerTuning {
  const tuning: WorkerTuning = {
    maxCachedWorkflows: env.HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: env.HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS,
    maxConcurrentLocalActivityExecutions: env.HOOKFLOW_WORKER_LOCAL_ACTIVITY_SLOTS,
    maxConcurrentActivityTaskExecutions: env.HOOKFLOW_WORKER_ACTIVITY_SLOTS,
    // Not maxConcurrentWorkflowTaskPolls / maxConcurrentActivityTaskPolls: SDK
    // 1.24 still declares them but no longer reads them; the poller behaviours
    // are what reach the core.
    workflowTaskPollerBehavior: pollers(env.HOOKFLOW_WORKER_WORKFLOW_POLLERS),
    activityTaskPollerBehavior: pollers(env.HOOKFLOW_WORKER_ACTIVITY_POLLERS),
    workflowThreadPoolSize: env.HOOKFLOW_WORKER_WORKFLOW_THREADS,
    reuseV8Context: env.HOOKFLOW_WORKER_REUSE_V8_CONTEXT,
  };
  // Absent, not undefined: an explicit undefined could still override a default somewhere.
  return Object.fromEntries(Object.entries(tuning).filter(([, value]) => value !== undefined));
}

function pollers(maximum: number | undefined): WorkerOptions['workflowTaskPollerBehavior'] {
  return maximum === undefined ? undefined : { type: 'simple-maximum', maximum };
}

/** The combinations the SDK refuses or overrides, each blamed on a variable that was set. */
export function workerTuningProblems(env: WorkerTuningEnv): Array<{ variable: WorkerTuningVariable; message: string }> {
  const problems: Array<{ variable: WorkerTuningVariable; message: string }> = [];
  const cache = env.HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS;
  const slots = env.HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS;
  const effectiveSlots = slots ?? SDK_DEFAULTS.workflowTaskSlots;
  const slotsText = slots === undefined ? `the SDK's default ${effectiveSlots}` : String(slots);
  // The cache is always on (unset, the SDK sizes it from the heap, never below 10).
  if (slots !== undefined && slots < 2) {
    problems.push({
      variable: 'HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS',
      message: 'at least 2: the workflow cache is on',
    });
  }
  if (cache !== undefined && effectiveSlots > cache) {
    problems.push({
      variable: slots === undefined ? 'HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS' : 'HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS',
      message:
        `the workflow task slots (${slotsText}) exceed the cached workflows (${cache}): a workflow task needs its workflow in the cache; ` +
        'raise HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS or lower HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS',
    });
  }
  const workflowPollers = env.HOOKFLOW_WORKER_WORKFLOW_POLLERS;
  if (workflowPollers !== undefined && workflowPollers < 2) {
    problems.push({
      variable: 'HOOKFLOW_WORKER_WORKFLOW_POLLERS',
      message: "at least 2: the workflow cache is on (one for the worker's sticky queue, one for the shared one)",
    });
  }
  if (workflowPollers !== undefined && workflowPollers > effectiveSlots) {
    problems.push({ variable: 'HOOKFLOW_WORKER_WORKFLOW_POLLERS', message: `no more than the workflow task slots (${slotsText})` });
  }
  const activityPollers = env.HOOKFLOW_WORKER_ACTIVITY_POLLERS;
  const activitySlots = env.HOOKFLOW_WORKER_ACTIVITY_SLOTS;
  if (activityPollers !== undefined && activityPollers > (activitySlots ?? SDK_DEFAULTS.activitySlots)) {
    const activitySlotsText = activitySlots === undefined ? `the SDK's default ${SDK_DEFAULTS.activitySlots}` : String(activitySlots);
    problems.push({ variable: 'HOOKFLOW_WORKER_ACTIVITY_POLLERS', message: `no more than the activity slots (${activitySlotsText})` });
  }
  return problems;
}

/** For the start-up log: the options given to the SDK, or that it has its defaults. */
export function describeWorkerTuning(tuning: WorkerTuning): string {
  const given = Object.entries(tuning).map(([option, value]) => `${option}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  return given.length === 0 ? "the SDK's defaults" : given.join(', ');
}

// The Temporal worker: hookflow's workflows and activities on one task queue.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import { USER_AGENT } from '../version.js';
import { installSdkRuntimeOnce } from './sdk-runtime.js';
import type { TemporalTarget } from '../temporal/connection-options.js';
import { createGuardedAgent, type Resolver } from '../net/guarded-connect.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { WorkerTuning } from './worker-tuning.js';

/**
 * The workflow code the worker bundles: workflows/index.ts from source (tsx,
 * tests), the compiled workflows/index.js when this module runs from dist/.
 * Its extension is this module's own.
 */
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../../workflows/index${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** Longer than the longest delivery timeout (60 s). */
const SHUTDOWN_GRACE_TIME = '70 seconds';

export interface HookflowWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after shutdown()). */
  running: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startHookflowWorker(options: {
  /** Where Temporal is and how to reach it (unused when a shared connection is given). */
  temporal: TemporalTarget;
  namespace: string;
  taskQueue: string;
  /** Everything the activities need but the HTTP client, which the worker owns. */
  activities: Omit<ActivityDeps, 'http' | 'userAgent'>;
  /** How receiver host names are resolved (the system resolver by default). */
  resolve?: Resolver;
  /** The worker's name in Temporal histories (the SDK's pid@host by default). */
  identity?: string;
  /** A connection shared with a client in this process (for eager workflow start); its owner closes it. */
  connection?: NativeConnection;
  /** Traces workflows and activities into this process's tracing (none without). */
  tracing?: Tracing;
  /** Slots, pollers, cache, threads, V8 context reuse (HOOKFLOW_WORKER_*); the SDK's defaults for what is absent. */
  tuning?: WorkerTuning;
}): Promise<HookflowWorker> {
  await installSdkRuntimeOnce(options.activities.logger);
  const ownConnection = options.connection === undefined;
  const connection = options.connection ?? (await NativeConnection.connect(options.temporal));
  const http = createGuardedAgent(options.activities.addressPolicy, options.resolve);
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    // On SIGTERM an attempt under way finishes (the longest HTTP timeout a
    // subscription may set, plus its bookkeeping) instead of being cut off
    // mid-request and sent again by another worker.
    shutdownGraceTime: SHUTDOWN_GRACE_TIME,
    activities: createActivities({ ...options.activities, http, userAgent: USER_AGENT }),
    ...options.tuning,
    ...options.tracing?.temporal.worker,
  });
  const running = worker.run().finally(async () => {
    if (ownConnection) await connection.close();
    await http.close();
  });
  return {
    worker,
    running,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

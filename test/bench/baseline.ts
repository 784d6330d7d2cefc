// Same-run comparison: the bare Temporal shape behind each hookflow shape
// (baseline-workflows.ts), run by a worker inside the bench process on the
// same server, with no HTTP and no PostgreSQL. Its cost per "delivery" is read
// back from its histories exactly as hookflow's is.
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { printProgress as progress } from '../../src/dev/progress.js';
import { perDelivery, type CostPerDelivery } from './history-cost.js';
import { listStable, readCost, waitAllClosed } from './histories.js';
import { runConcurrently, waitUntil } from './publish.js';
import type { Shape } from './scenarios.js';

export interface BaselineResult {
  shape: Shape;
  workflow: string;
  parents: number;
  subscribers: number;
  deliveries: number;
  deliveriesPerSecond: number;
  cost: CostPerDelivery;
}

const WORKFLOW: Record<Shape, string> = { always: 'baselineParent', 'on-failure': 'baselineLocalParent' };

let bundle: WorkflowBundle | undefined;

export async function runBaseline(options: {
  address: string;
  temporal: Client;
  shape: Shape;
  parents: number;
  subscribers: number;
  concurrency: number;
}): Promise<BaselineResult> {
  const { shape, parents, subscribers } = options;
  const workflow = WORKFLOW[shape];
  const total = parents * subscribers;
  progress(`baseline [${shape}]: ${parents} × ${workflow} with ${subscribers} subscriber(s), one no-op activity each`);
  if (!bundle) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    bundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./baseline-workflows.ts', import.meta.url)),
      logger: new DefaultLogger('WARN'),
    });
  }
  const taskQueue = `bench-baseline-${shape}-${subscribers}-${Date.now()}`;
  let done = 0;
  let lastDoneAt = 0;
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: bundle,
    activities: {
      async noop() {
        done += 1;
        lastDoneAt = Date.now();
      },
    },
  });
  const running = worker.run();
  try {
    const firstAt = Date.now();
    await runConcurrently(parents, options.concurrency, (i) =>
      options.temporal.workflow.start(workflow, {
        taskQueue,
        workflowId: `baseline:${taskQueue}:${i}`,
        args: [{ id: `${taskQueue}:${i}`, children: subscribers }],
      }),
    );
    await waitUntil(
      `${total} baseline deliveries`,
      async () => done >= total,
      600_000,
      () => progress(`  baseline done ${done}/${total}`),
    );
    const query = `TaskQueue = '${taskQueue}'`;
    await waitAllClosed(options.temporal, query, 60_000);
    const cost = await readCost(options.temporal, await listStable(options.temporal, query, parents));
    return {
      shape,
      workflow,
      parents,
      subscribers,
      deliveries: total,
      deliveriesPerSecond: Math.round((total / ((lastDoneAt - firstAt) / 1000)) * 100) / 100,
      cost: perDelivery(cost, total),
    };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

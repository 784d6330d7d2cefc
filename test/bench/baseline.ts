// Same-run comparison: the bare Temporal shape behind each hookflow shape
// (baseline-workflows.ts), run by a worker inside the bench process on the
// same server, with no HTTP and no PostgreSQL. Its cost per "delivery" is read
// back from its histories exactly as hookflow's is.
//
// Starts come as hookflow's scenarios send events: from `concurrency`
// starters, or at a steady `rate`. With `eager`, the client shares the
// worker's connection and asks for eager workflow start, as `npm start` does:
// the ceiling, and the start latency, that layout could reach at best.
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { printProgress as progress } from '../../src/dev/progress.js';
import { perDelivery, type CostPerDelivery } from './history-cost.js';
import { listStable, readCost, waitAllClosed } from './histories.js';
import { runAtRate, runConcurrently, waitUntil } from './publish.js';
import type { Shape } from './scenarios.js';
import { summarise, type LatencySummary } from './stats.js';

export interface BaselineResult {
  shape: Shape;
  workflow: string;
  parents: number;
  subscribers: number;
  /** How the starts came: from this many concurrent starters... */
  concurrency?: number;
  /** ...or at this steady rate per second. */
  rate?: number;
  /** Asked for eager start: how many of the starts the server handed straight to the worker. */
  eagerlyStarted?: number;
  deliveries: number;
  deliveriesPerSecond: number;
  /** The start's round trip: what a producer of hookflow waits for when it publishes (hookflow's ingest, less hookflow). */
  startMs?: LatencySummary;
  /** Start sent → its no-op local activity ran (the `on-failure` shape only). */
  lagMs?: LatencySummary;
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
  /** Exactly one of `concurrency` and `rate`. */
  concurrency?: number;
  rate?: number;
  eager?: boolean;
}): Promise<BaselineResult> {
  const { shape, parents, subscribers, concurrency, rate, eager = false } = options;
  const workflow = WORKFLOW[shape];
  const total = parents * subscribers;
  const how = rate === undefined ? `${concurrency} concurrent starters` : `${rate} starts/s`;
  progress(
    `baseline [${shape}]: ${parents} × ${workflow} with ${subscribers} subscriber(s), one no-op activity each, ${how}${eager ? ', eager start' : ''}`,
  );
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
  const lags: number[] = [];
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: bundle,
    activities: {
      async noop(sentAt?: number) {
        done += 1;
        lastDoneAt = Date.now();
        if (sentAt !== undefined) lags.push(lastDoneAt - sentAt);
      },
    },
  });
  // Eager start needs the client on the worker's own connection.
  const starter = eager ? new Client({ connection }) : options.temporal;
  const running = worker.run();
  try {
    const startLatencies: number[] = [];
    let eagerlyStarted = 0;
    const startOne = async (i: number) => {
      const sentAt = Date.now();
      const handle = await starter.workflow.start(workflow, {
        taskQueue,
        workflowId: `baseline:${taskQueue}:${i}`,
        args: [{ id: `${taskQueue}:${i}`, children: subscribers, sentAt }],
        ...(eager ? { requestEagerStart: true } : {}),
      });
      startLatencies.push(Date.now() - sentAt);
      if (handle.eagerlyStarted) eagerlyStarted += 1;
    };
    const firstAt = Date.now();
    if (rate === undefined) await runConcurrently(parents, concurrency ?? 1, startOne);
    else await runAtRate(parents, rate, startOne);
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
      ...(rate === undefined ? { concurrency } : { rate }),
      ...(eager ? { eagerlyStarted } : {}),
      deliveries: total,
      deliveriesPerSecond: Math.round((total / ((lastDoneAt - firstAt) / 1000)) * 100) / 100,
      startMs: summarise(startLatencies),
      ...(lags.length ? { lagMs: summarise(lags) } : {}),
      cost: perDelivery(cost, total),
    };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

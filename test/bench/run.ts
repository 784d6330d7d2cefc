// `npm run bench`: what a successful delivery costs (issue #11). Runs each
// scenario (scenarios.ts) once per worker shape, `always` (a child delivery
// workflow per subscriber: before) and `on-failure` (first attempt in the
// event workflow: after), restarting the worker between shapes; reads the cost
// per delivery back from the histories; compares with bare Temporal shapes on
// the same server. API and worker are separate processes, as in production.
//
//   npm run bench                                   # everything, ~15 min on 2 cores
//   npm run bench -- --scale 0.1 --scenarios A,B    # a small run
//   npm run bench -- --charts docs/benchmarks       # also draw docs/benchmarks/<scenario>.svg
//   npm run bench -- --from bench-results/x.json --charts docs/benchmarks   # redraw, no run
//   npm run bench -- --cluster --scenarios A,B      # on npm run cluster's processes, with 1, 2 and 3 workers
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { freePort } from '../../src/dev/ports.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { startInfrastructure } from '../../src/runtime/infrastructure.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { registerSearchAttributes } from '../../src/temporal/search-attributes.js';
import { spawnHookflowPart, type HookflowProcessHandle } from '../support/hookflow-process.js';
import { runBaseline } from './baseline.js';
import { writeCharts } from './charts.js';
import { runClusterBench } from './cluster.js';
import { apiClient } from './publish.js';
import { benchHookflowEnv } from './hookflow-env.js';
import { formatReport, type BenchReport } from './report.js';
import { SHAPES, runScenario, scenarioDefs, type Shape } from './scenarios.js';
import { soak } from './soak.js';
import { cpuSeconds, definedOnly, peakRssMiB } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    shapes: { type: 'string', default: SHAPES.join(',') },
    scenarios: { type: 'string', default: 'A,B,C,C50' },
    scale: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '32' },
    fanout: { type: 'string', default: '2000' },
    'baseline-events': { type: 'string', default: '1000' },
    'soak-seconds': { type: 'string', default: '0' },
    'soak-rate': { type: 'string', default: '10' },
    'temporal-address': { type: 'string' },
    'database-url': { type: 'string' },
    'worker-env': { type: 'string', multiple: true, default: [] },
    // The embedded dev server's dynamic config on top of hookflow's (NAME=VALUE, repeatable), and its
    // fairness between tenants (on, as npm start runs it, or off), to measure what each costs.
    'temporal-config': { type: 'string', multiple: true, default: [] },
    'temporal-fairness': { type: 'string', default: 'on' },
    label: { type: 'string', default: 'default' },
    // separate: API and worker as two processes (production); one-process: `hookflow start` against the
    // same services, API and worker sharing a process and a Temporal connection (eager workflow start).
    layout: { type: 'string', default: 'separate' },
    charts: { type: 'string' },
    // The production shape of `npm run cluster` instead: Temporal server on PostgreSQL, APIs behind HAProxy, 1, 2, 3 workers.
    cluster: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1,2,3' },
    from: { type: 'string', multiple: true, default: [] },
  },
});

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const SCALE = Number(flags.scale);

/** `NAME=VALUE` flags, split at the first `=` only: a value may hold more (`NODE_OPTIONS=--require=/tmp/p.cjs`). */
function namedValues(flag: 'worker-env' | 'temporal-config'): Record<string, string> {
  return Object.fromEntries(
    flags[flag].map((kv) => {
      const at = kv.indexOf('=');
      if (at < 1) throw new Error(`--${flag}: NAME=VALUE, not ${kv}`);
      return [kv.slice(0, at), kv.slice(at + 1)];
    }),
  );
}
const workerEnv = () => namedValues('worker-env');
const CONCURRENCY = Number(flags.concurrency);

function parseOnOff(flag: string, value: string): boolean {
  if (value !== 'on' && value !== 'off') throw new Error(`${flag}: on or off, not ${value}`);
  return value === 'on';
}

function parseShapes(): Shape[] {
  const shapes = list(flags.shapes);
  const unknown = shapes.filter((s) => !(SHAPES as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`--shapes: unknown ${unknown.join(', ')} (known: ${SHAPES.join(', ')})`);
  return shapes as Shape[];
}

async function main(): Promise<void> {
  if (flags.from.length > 0) return redraw(flags.from);
  const shapes = parseShapes();
  if (!['separate', 'one-process'].includes(flags.layout)) throw new Error(`--layout: separate or one-process, not ${flags.layout}`);
  const oneProcess = flags.layout === 'one-process';
  const defs = scenarioDefs({ scale: SCALE, concurrency: CONCURRENCY, fanout: Number(flags.fanout) });
  const scenarios = list(flags.scenarios).map((name) => {
    const def = defs[name];
    if (!def) throw new Error(`--scenarios: unknown ${name} (known: ${Object.keys(defs).join(', ')})`);
    return def;
  });
  if (flags.cluster) {
    return runClusterBench({
      root: ROOT,
      label: flags.label,
      scenarios,
      workerCounts: list(flags.workers).map(Number),
      concurrency: CONCURRENCY,
      hookflowEnv: workerEnv(),
    });
  }
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookflow-bench-'));
  await chmod(dataDir, 0o755);
  progress(
    `bench "${flags.label}": shapes ${shapes.join(', ')}; scenarios ${scenarios.map((s) => s.name).join(', ')}; scale ${SCALE}; data in ${dataDir}`,
  );
  const infrastructure = await startInfrastructure({
    dataDir,
    toolsDir: path.join(ROOT, '.tools'),
    temporalAddress: flags['temporal-address'],
    temporalCli: process.env.TEMPORAL_CLI,
    temporalNamespace: 'default',
    temporalFairness: parseOnOff('--temporal-fairness', flags['temporal-fairness']),
    temporalDynamicConfig: namedValues('temporal-config'),
    temporalPort: await freePort(),
    temporalUiPort: undefined,
    databaseUrl: flags['database-url'],
    postgresPort: await freePort(),
    progress,
  });
  const parts = new Set<HookflowProcessHandle>();
  const stopPart = async (part: HookflowProcessHandle) => {
    part.child.kill('SIGTERM');
    await part.closed;
    parts.delete(part);
  };
  // Ctrl-C mid-run still takes down every process the bench started.
  const onSignal = () => {
    for (const part of parts) part.child.kill('SIGTERM');
    void infrastructure.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const pool = createPool(infrastructure.databaseUrl);
    await migrate(pool, progress);
    const { key: adminKey } = await createApiKey(pool, { name: 'bench', scopes: ['admin'] });
    await pool.end();
    const connection = await Connection.connect({ address: infrastructure.temporalAddress });
    await registerSearchAttributes(connection, 'default');
    const temporal = new Client({ connection });

    const apiPort = await freePort();
    const env = benchHookflowEnv(infrastructure, apiPort);
    const start = async (part: 'api' | 'worker' | 'start', partEnv: NodeJS.ProcessEnv) => {
      const handle = spawnHookflowPart(part, partEnv, { readyTimeoutMs: 180_000, onOutput: (chunk) => forwardErrors(part, chunk) });
      parts.add(handle);
      await handle.ready;
      return handle;
    };
    // One process: the API comes and goes with the worker, in each shape's `hookflow start`.
    const api = oneProcess ? undefined : await start('api', env);
    const { call, close: closeHttp } = apiClient(`http://127.0.0.1:${apiPort}`, adminKey, CONCURRENCY);

    const fixedPids = { temporal: infrastructure.pids.temporal, postgres: infrastructure.pids.postgres };
    const report: BenchReport = {
      label: flags.label,
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      settings: {
        shapes,
        layout: flags.layout,
        scenarios: scenarios.map((s) => ({ ...s })),
        scale: SCALE,
        concurrency: CONCURRENCY,
        workerEnv: flags['worker-env'],
        temporalConfig: flags['temporal-config'],
        temporalFairness: flags['temporal-fairness'],
      },
      scenarios: [],
      baselines: [],
      processes: {},
      wallSeconds: 0,
    };
    await mkdir(path.join(ROOT, 'bench-results'), { recursive: true });
    const file = path.join(ROOT, 'bench-results', `${report.date.replace(/[:.]/g, '-')}-${flags.label}.json`);
    const save = async () => {
      report.wallSeconds = Math.round((Date.now() - started) / 1000);
      await writeFile(file, JSON.stringify(report, null, 2));
    };
    const processCosts = (pid: number) => ({ cpuSeconds: Math.round(cpuSeconds(pid) * 100) / 100, peakRssMiB: peakRssMiB(pid) });

    for (const [index, shape] of shapes.entries()) {
      progress(
        `worker shape ${shape}: starting the ${oneProcess ? 'API and worker in one process' : 'worker'} with HOOKFLOW_DELIVERY_WORKFLOWS=${shape}`,
      );
      const worker = await start(oneProcess ? 'start' : 'worker', {
        ...env,
        ...workerEnv(),
        HOOKFLOW_DELIVERY_WORKFLOWS: shape,
        HOOKFLOW_WORKER_METRICS_PORT: String(await freePort()),
        // `start` keeps its generated admin key here; the bench uses its own.
        HOOKFLOW_DATA_DIR: path.join(dataDir, 'hookflow'),
      });
      // One process: its CPU counts as the API's (the worker's work included).
      const pids = () => definedOnly({ api: (api ?? worker).child.pid, ...(api ? { worker: worker.child.pid } : {}), ...fixedPids });
      for (const def of scenarios) {
        const result = await runScenario({ call, temporal, pids, concurrency: CONCURRENCY }, def, shape);
        progress(
          `  ${def.name} [${shape}]: ${result.deliveriesPerSecond} deliveries/s, ${result.cost.perDelivery.historyEventsPerDelivery} history events per delivery`,
        );
        report.scenarios.push(result);
        await save();
      }
      if (index === shapes.length - 1 && Number(flags['soak-seconds']) > 0) {
        report.soak = await soak(
          call,
          { api: (api ?? worker).child.pid!, worker: worker.child.pid! },
          Number(flags['soak-seconds']),
          Number(flags['soak-rate']),
          `bench.soak.${shape}`,
        );
      }
      report.processes[`worker (${shape})`] = processCosts(worker.child.pid!);
      await stopPart(worker);
    }

    // Bare Temporal, with no hookflow worker running.
    const baselineEvents = Number(flags['baseline-events']) * SCALE;
    if (baselineEvents > 0) {
      for (const shape of shapes) {
        for (const subscribers of [1, 10]) {
          const parents = Math.max(1, Math.round(baselineEvents / subscribers));
          report.baselines.push(
            await runBaseline({ address: infrastructure.temporalAddress, temporal, shape, parents, subscribers, concurrency: CONCURRENCY }),
          );
          await save();
        }
      }
      if (shapes.includes('on-failure')) {
        // The ceilings of the two targets that depend most on the server
        // (issue #11): one subscriber from 32 starters with eager start, as
        // `npm start` publishes (only there: separate processes cannot start
        // eagerly); and each steady scenario's rate, started as this layout
        // starts them, for the start latency a producer would wait.
        const bare = { address: infrastructure.temporalAddress, temporal, shape: 'on-failure' as const, subscribers: 1 };
        if (oneProcess) {
          report.baselines.push(await runBaseline({ ...bare, parents: baselineEvents, concurrency: CONCURRENCY, eager: true }));
          await save();
        }
        for (const def of scenarios.filter((d) => d.rate !== undefined)) {
          report.baselines.push(await runBaseline({ ...bare, parents: def.events, rate: def.rate, eager: oneProcess }));
          await save();
        }
      }
    }

    for (const [name, pid] of Object.entries(definedOnly({ api: api?.child.pid, ...fixedPids }))) report.processes[name] = processCosts(pid);
    await save();
    process.stdout.write(`\n${formatReport(report)}\n`);
    progress(`results written to ${path.relative(ROOT, file)} (${report.wallSeconds} s)`);
    if (flags.charts)
      for (const chart of await writeCharts(report.scenarios, path.resolve(flags.charts))) progress(`chart ${path.relative(ROOT, chart)}`);
    await closeHttp();
    await connection.close();
  } finally {
    await Promise.all([...parts].map(stopPart));
    await infrastructure.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Prints the tables and draws the charts of saved results (several files: their scenarios merged), without running anything. */
async function redraw(files: string[]): Promise<void> {
  const reports = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as BenchReport));
  const merged = {
    scenarios: reports.flatMap((r) => r.scenarios ?? []),
    baselines: reports.flatMap((r) => r.baselines ?? []),
    processes: Object.assign({}, ...reports.map((r) => r.processes ?? {})) as BenchReport['processes'],
  };
  if (merged.scenarios.length === 0) throw new Error(`no scenarios in ${files.join(', ')} (results from before issue #11 cannot be drawn)`);
  process.stdout.write(`${formatReport(merged)}\n`);
  const dir = path.resolve(flags.charts ?? path.join(ROOT, 'docs', 'benchmarks'));
  for (const chart of await writeCharts(merged.scenarios, dir)) progress(`chart ${path.relative(process.cwd(), chart)}`);
}

function forwardErrors(part: string, chunk: Buffer): void {
  const text = chunk.toString('utf8');
  if (/error|Error/.test(text)) process.stderr.write(`[${part}] ${text}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

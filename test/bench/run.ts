// `npm run bench`: hookflow's ingest and end-to-end delivery figures, next to
// a baseline of the same workflow shape measured on the same Temporal server
// in the same run. API and worker run as separate processes, as in production,
// so their CPU and memory can be told apart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Pool as HttpPool } from 'undici';
import { generateEncryptionKey } from '../../src/crypto/secret-box.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { freePort } from '../../src/dev/ports.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { startInfrastructure } from '../../src/runtime/infrastructure.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { registerSearchAttributes } from '../../src/temporal/search-attributes.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { cpuSeconds, peakRssMiB, rssMiB, summarise, table, type LatencySummary } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '32' },
    rate: { type: 'string', default: '100' },
    'rate-seconds': { type: 'string', default: '10' },
    fanout: { type: 'string', default: '2000' },
    'soak-seconds': { type: 'string', default: '0' },
    'soak-rate': { type: 'string', default: '10' },
    'temporal-address': { type: 'string' },
    'database-url': { type: 'string' },
    'worker-env': { type: 'string', multiple: true, default: [] },
    label: { type: 'string', default: 'default' },
  },
});
const EVENTS = Number(flags.events);
const CONCURRENCY = Number(flags.concurrency);

interface ProcessCosts {
  cpuSeconds: number;
  peakRssMiB: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookflow-bench-'));
  await chmod(dataDir, 0o755);
  progress(`bench "${flags.label}": events=${EVENTS} concurrency=${CONCURRENCY} fan-out=${flags.fanout}; data in ${dataDir}`);
  const infrastructure = await startInfrastructure({
    dataDir,
    toolsDir: path.join(ROOT, '.tools'),
    temporalAddress: flags['temporal-address'],
    temporalCli: process.env.TEMPORAL_CLI,
    temporalNamespace: 'default',
    temporalPort: await freePort(),
    temporalUiPort: undefined,
    databaseUrl: flags['database-url'],
    postgresPort: await freePort(),
    progress,
  });
  const children: ChildProcess[] = [];
  const receivers: Receiver[] = [];
  // Ctrl-C mid-run still takes down every process the bench started.
  const onSignal = () => {
    for (const child of children) child.kill('SIGTERM');
    void infrastructure.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const pool = createPool(infrastructure.databaseUrl);
    await migrate(pool, progress);
    const { key: adminKey } = await createApiKey(pool, { name: 'bench', scopes: ['admin'] });
    const connection = await Connection.connect({ address: infrastructure.temporalAddress });
    await registerSearchAttributes(connection, 'default');
    const temporal = new Client({ connection });

    const apiPort = await freePort();
    const env = {
      ...process.env,
      DATABASE_URL: infrastructure.databaseUrl,
      TEMPORAL_ADDRESS: infrastructure.temporalAddress,
      HOOKFLOW_ENCRYPTION_KEY: generateEncryptionKey(),
      HOOKFLOW_ALLOWED_CIDRS: '127.0.0.0/8',
      HOOKFLOW_API_RATE_LIMIT_PER_SECOND: '1000000',
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const workerEnv = { ...env, ...Object.fromEntries(flags['worker-env'].map((kv) => kv.split('=', 2) as [string, string])) };
    const api = spawnPart('api', env, children);
    const worker = spawnPart('worker', workerEnv, children);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitUntil('the API to be ready', async () => (await fetch(`${apiUrl}/readyz`)).ok);
    await waitUntil('the worker to poll', async () => workerReady);
    const http = new HttpPool(apiUrl, { connections: CONCURRENCY, pipelining: 1 });
    const call = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
      const response = await http.request({
        method,
        path: route,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.body.text();
      if (response.statusCode >= 300) throw new Error(`${method} ${route}: ${response.statusCode} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    };
    const subscribe = async (url: string, eventTypes: string[]) => call('POST', '/v1/subscriptions', { url, eventTypes });

    const pids = { api: api.pid!, worker: worker.pid!, temporal: infrastructure.pids.temporal, postgres: infrastructure.pids.postgres };
    const costs = () =>
      Object.fromEntries(Object.entries(pids).filter(([, pid]) => pid !== undefined).map(([name, pid]) => [name, cpuSeconds(pid!)]));
    const results: Record<string, unknown> = {};

    // Ingest at a fixed concurrency: accepted per second and accept latency.
    progress(`ingest: ${EVENTS} events at concurrency ${CONCURRENCY}`);
    const ingest = await publishMany(call, 'bench.ingest', EVENTS, CONCURRENCY);
    results.ingest = { ...ingest, eventsPerSecond: round(EVENTS / (ingest.wallMs / 1000)) };
    await drainEvents(pool, EVENTS);

    // Ingest at a fixed rate: the latency a steady producer sees.
    const rate = Number(flags.rate);
    const rateSeconds = Number(flags['rate-seconds']);
    progress(`ingest: ${rate} events/s for ${rateSeconds} s`);
    results.ingestAtRate = { rate, ...(await publishAtRate(call, 'bench.rate', rate, rateSeconds)) };
    await drainEvents(pool, EVENTS + rate * rateSeconds);

    // End to end, 1 and 10 subscribers per event.
    for (const fanout of [1, 10]) {
      const events = Math.max(1, Math.round(EVENTS / fanout));
      const receiver = await startReceiver();
      receivers.push(receiver);
      const type = `bench.e2e${fanout}`;
      for (let i = 0; i < fanout; i++) await subscribe(`${receiver.url}/${i}`, [type]);
      progress(`end to end: ${events} events × ${fanout} subscriber(s) = ${events * fanout} deliveries`);
      const cpuBefore = costs();
      const publishedAt = new Map<string, number>();
      const run = await publishMany(call, type, events, CONCURRENCY, (id, at) => publishedAt.set(id, at));
      await waitUntil(`${events * fanout} deliveries`, async () => receiver.requests.length >= events * fanout, 600_000, () =>
        progress(`  received ${receiver.requests.length}/${events * fanout}`),
      );
      const first = run.firstAt;
      const last = Math.max(...receiver.requests.map((r) => r.receivedAt));
      const latencies = receiver.requests.map((r) => r.receivedAt - publishedAt.get(String(r.headers['webhook-id']))!);
      results[`endToEnd${fanout}`] = {
        events,
        deliveries: receiver.requests.length,
        deliveriesPerSecond: round(receiver.requests.length / ((last - first) / 1000)),
        latencyMs: summarise(latencies),
        cpuSeconds: diff(costs(), cpuBefore),
      };
    }

    // Fan-out: one event to many subscribers.
    const fanoutCount = Number(flags.fanout);
    if (fanoutCount > 0) {
      const receiver = await startReceiver();
      receivers.push(receiver);
      progress(`fan-out: creating ${fanoutCount} subscriptions`);
      await runConcurrently(fanoutCount, CONCURRENCY, (i) => subscribe(`${receiver.url}/${i}`, ['bench.fanout']));
      const t0 = Date.now();
      const { id } = (await call('POST', '/v1/events', { type: 'bench.fanout', payload: { big: true } })) as { id: string };
      await waitUntil(`${fanoutCount} fan-out deliveries`, async () => receiver.requests.length >= fanoutCount, 600_000, () =>
        progress(`  received ${receiver.requests.length}/${fanoutCount}`),
      );
      const runs: Array<{ historyLength: number }> = [];
      for await (const wf of temporal.workflow.list({ query: `WorkflowId = 'event:${id}'` })) runs.push({ historyLength: wf.historyLength });
      results.fanout = {
        subscribers: fanoutCount,
        secondsToDeliverAll: round((Math.max(...receiver.requests.map((r) => r.receivedAt)) - t0) / 1000),
        eventWorkflowRuns: runs.length,
        largestRunHistoryEvents: Math.max(...runs.map((r) => r.historyLength)),
      };
    }

    // Baseline: the same shape with no HTTP and no Postgres, on the same server.
    results.baseline1 = await baseline(infrastructure.temporalAddress, temporal, EVENTS, 1);
    results.baseline10 = await baseline(infrastructure.temporalAddress, temporal, Math.max(1, Math.round(EVENTS / 10)), 10);

    if (Number(flags['soak-seconds']) > 0) {
      results.soak = await soak(call, subscribe, pids, Number(flags['soak-seconds']), Number(flags['soak-rate']), receivers);
    }

    results.processes = Object.fromEntries(
      Object.entries(pids)
        .filter(([, pid]) => pid !== undefined)
        .map(([name, pid]) => [name, { cpuSeconds: round(cpuSeconds(pid!)), peakRssMiB: peakRssMiB(pid!) } satisfies ProcessCosts]),
    );
    const e1 = results.endToEnd1 as { deliveriesPerSecond: number };
    const e10 = results.endToEnd10 as { deliveriesPerSecond: number };
    const b1 = results.baseline1 as { childrenPerSecond: number };
    const b10 = results.baseline10 as { childrenPerSecond: number };
    results.ratioToBaseline = { oneSubscriber: round(e1.deliveriesPerSecond / b1.childrenPerSecond), tenSubscribers: round(e10.deliveriesPerSecond / b10.childrenPerSecond) };
    const report = {
      label: flags.label,
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
      settings: { events: EVENTS, concurrency: CONCURRENCY, rate, rateSeconds, fanout: fanoutCount, workerEnv: flags['worker-env'] },
      results,
      wallSeconds: round((Date.now() - started) / 1000),
    };
    await mkdir(path.join(ROOT, 'bench-results'), { recursive: true });
    const file = path.join(ROOT, 'bench-results', `${report.date.replace(/[:.]/g, '-')}-${flags.label}.json`);
    await writeFile(file, JSON.stringify(report, null, 2));
    printReport(report.results);
    progress(`results written to ${path.relative(ROOT, file)} (${report.wallSeconds} s)`);
    await http.close();
    await connection.close();
    await pool.end();
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
    await Promise.all(receivers.map((r) => r.close()));
    await infrastructure.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

let workerReady = false;
let runtimeInstalled = false;

function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

function spawnPart(part: 'api' | 'worker', env: NodeJS.ProcessEnv, children: ChildProcess[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', part], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (part === 'worker' && text.includes('worker polling')) workerReady = true;
    if (/error|Error/.test(text)) process.stderr.write(`[${part}] ${text}`);
  });
  children.push(child);
  return child;
}

type Call = (method: 'GET' | 'POST', route: string, body?: unknown) => Promise<Record<string, unknown>>;

async function publishMany(
  call: Call,
  type: string,
  count: number,
  concurrency: number,
  onAccepted: (id: string, publishedAt: number) => void = () => {},
): Promise<{ wallMs: number; firstAt: number; acceptMs: LatencySummary }> {
  const latencies: number[] = [];
  const firstAt = Date.now();
  await runConcurrently(count, concurrency, async (i) => {
    const t0 = Date.now();
    const { id } = (await call('POST', '/v1/events', { type, payload: { i, at: t0 } })) as { id: string };
    latencies.push(Date.now() - t0);
    onAccepted(id, t0);
  });
  return { wallMs: Date.now() - firstAt, firstAt, acceptMs: summarise(latencies) };
}

async function publishAtRate(call: Call, type: string, rate: number, seconds: number): Promise<{ sent: number; acceptMs: LatencySummary }> {
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  const start = Date.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      (async () => {
        const t0 = Date.now();
        await call('POST', '/v1/events', { type, payload: { i } });
        latencies.push(Date.now() - t0);
      })(),
    );
  }
  await Promise.all(inFlight);
  return { sent: latencies.length, acceptMs: summarise(latencies) };
}

async function runConcurrently(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Waits until the worker has recorded and fanned out `total` events, so phases do not overlap. */
async function drainEvents(pool: ReturnType<typeof createPool>, total: number): Promise<void> {
  await waitUntil(`${total} events fanned out`, async () => {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE fanned_out_at IS NOT NULL');
    return rows[0]!.n >= total;
  }, 600_000);
}

async function baseline(address: string, temporal: Client, parents: number, children: number) {
  progress(`baseline: ${parents} parents × ${children} child(ren), one no-op activity each`);
  const taskQueue = `bench-baseline-${children}-${Date.now()}`;
  let done = 0;
  let lastDoneAt = 0;
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./baseline-workflows.ts', import.meta.url)),
    activities: {
      async noop() {
        done += 1;
        lastDoneAt = Date.now();
      },
    },
  });
  const running = worker.run();
  const firstAt = Date.now();
  await runConcurrently(parents, CONCURRENCY, (i) =>
    temporal.workflow.start('baselineParent', { taskQueue, workflowId: `baseline-parent:${taskQueue}:${i}`, args: [{ id: `${taskQueue}:${i}`, children }] }),
  );
  await waitUntil(`${parents * children} baseline children`, async () => done >= parents * children, 600_000, () =>
    progress(`  baseline done ${done}/${parents * children}`),
  );
  const cpu = process.cpuUsage();
  worker.shutdown();
  await running;
  await connection.close();
  return {
    parents,
    children: parents * children,
    childrenPerSecond: round((parents * children) / ((lastDoneAt - firstAt) / 1000)),
    benchProcessCpuSeconds: round((cpu.user + cpu.system) / 1e6),
  };
}

/** Steady load for a while, sampling the resident memory of API and worker. */
async function soak(
  call: Call,
  subscribe: (url: string, types: string[]) => Promise<unknown>,
  pids: { api: number; worker: number },
  seconds: number,
  rate: number,
  receivers: Receiver[],
) {
  const receiver = await startReceiver();
  receivers.push(receiver);
  await subscribe(receiver.url, ['bench.soak']);
  progress(`soak: ${rate} events/s for ${seconds} s, sampling memory every 10 s`);
  const samples: Array<{ at: number; apiRssMiB: number; workerRssMiB: number; delivered: number }> = [];
  let delivered = 0;
  const sampler = setInterval(() => {
    delivered += receiver.requests.length;
    samples.push({ at: (samples.length + 1) * 10, apiRssMiB: rssMiB(pids.api), workerRssMiB: rssMiB(pids.worker), delivered });
    const sample = samples.at(-1)!;
    progress(`  soak t=${sample.at}s api ${sample.apiRssMiB} MiB, worker ${sample.workerRssMiB} MiB, delivered ${sample.delivered}`);
    receiver.requests.length = 0; // keep the bench's own memory flat
  }, 10_000);
  await publishAtRate(call, 'bench.soak', rate, seconds);
  clearInterval(sampler);
  return { seconds, rate, samples };
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 120_000, onTick?: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastTick = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (onTick && Date.now() - lastTick > 5_000) {
      onTick();
      lastTick = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, round(v - (before[k] ?? 0))]));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function printReport(results: Record<string, any>): void {
  const rows: Array<Record<string, string | number>> = [];
  const ingest = results.ingest;
  rows.push({ measure: `ingest (concurrency ${CONCURRENCY})`, rate: `${ingest.eventsPerSecond} events/s`, p50: ingest.acceptMs.p50, p95: ingest.acceptMs.p95, p99: ingest.acceptMs.p99 });
  const atRate = results.ingestAtRate;
  rows.push({ measure: `ingest at ${atRate.rate}/s`, rate: `${atRate.sent} sent`, p50: atRate.acceptMs.p50, p95: atRate.acceptMs.p95, p99: atRate.acceptMs.p99 });
  for (const n of [1, 10]) {
    const e = results[`endToEnd${n}`];
    const b = results[`baseline${n}`];
    rows.push({ measure: `end to end, ${n} subscriber(s)`, rate: `${e.deliveriesPerSecond} deliveries/s`, p50: e.latencyMs.p50, p95: e.latencyMs.p95, p99: e.latencyMs.p99 });
    rows.push({ measure: `  baseline (${n} child per parent)`, rate: `${b.childrenPerSecond} children/s`, p50: '-', p95: '-', p99: '-' });
  }
  if (results.fanout) {
    const f = results.fanout;
    rows.push({ measure: `fan-out to ${f.subscribers}`, rate: `${f.secondsToDeliverAll} s for all`, p50: '-', p95: '-', p99: `${f.eventWorkflowRuns} runs, ≤${f.largestRunHistoryEvents} events` });
  }
  process.stdout.write(`\n${table(rows)}\n(latencies in ms)\n\n`);
  process.stdout.write(`hookflow / baseline: 1 subscriber ${results.ratioToBaseline.oneSubscriber}, 10 subscribers ${results.ratioToBaseline.tenSubscribers}\n`);
  const procs = Object.entries(results.processes as Record<string, ProcessCosts>).map(([name, p]) => ({ process: name, 'cpu s': p.cpuSeconds, 'peak RSS MiB': p.peakRssMiB }));
  process.stdout.write(`\n${table(procs)}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

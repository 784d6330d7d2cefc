// `npm run bench:fairness`: fairness between tenants (issue #13, item 3).
// Tenant A floods (100 events/s), tenant B trickles (1 event/s), each tenant
// with one subscription to a loopback receiver of its own; A's receiver is
// slow (answers after 1 s). Measures each tenant's publish-to-receipt latency.
//
// Why a slow receiver: fairness only acts on a backlog, and a backlog forms
// only when the worker cannot keep up. A delivery's first attempt runs inside
// the event workflow's workflow task, so every first attempt to A's slow
// receiver holds one of the worker's workflow task slots (the SDK's default,
// 40) for a second, and the worker's outgoing HTTP pool allows 32 connections
// per receiver: the worker takes ~32 of A's events a second while A publishes
// 100. The rest wait in the task queue, and so does every event of B's
// published meanwhile, unless matching dispatches fairly.
//
// Two modes in one run, each on a fresh stack (Temporal dev server, embedded
// PostgreSQL, an API and a worker process, as in production), the same code
// and the same load, tenants and fairness keys included:
//   off  the dev server with matching.enableFairness=false (the server's own
//        default): the task queue is first-in first-out, fairness keys ignored;
//   on   hookflow's dev server settings (matching.enableFairness=true).
//
//   npm run bench:fairness                                    # ~4 min on 2 cores
//   npm run bench:fairness -- --seconds 10 --modes on         # a short look
//   npm run bench:fairness -- --out docs/benchmarks/fairness.json
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { freePort } from '../../src/dev/ports.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { startInfrastructure, type Infrastructure } from '../../src/runtime/infrastructure.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { registerSearchAttributes } from '../../src/temporal/search-attributes.js';
import { spawnHookflowPart, type HookflowProcessHandle } from '../support/hookflow-process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { benchHookflowEnv } from './hookflow-env.js';
import { apiClient, publishAtRate, waitUntil, type Call, type Published } from './publish.js';
import { perSecond, summarise, table, type LatencySummary, type SecondSample } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODES = ['off', 'on'] as const;
type Mode = (typeof MODES)[number];

const { values: flags } = parseArgs({
  options: {
    modes: { type: 'string', default: MODES.join(',') },
    seconds: { type: 'string', default: '30' },
    'flood-rate': { type: 'string', default: '100' },
    'trickle-rate': { type: 'string', default: '1' },
    'slow-ms': { type: 'string', default: '1000' },
    out: { type: 'string' },
  },
});

const SETTINGS = {
  seconds: Number(flags.seconds),
  floodRate: Number(flags['flood-rate']),
  trickleRate: Number(flags['trickle-rate']),
  slowReceiverMs: Number(flags['slow-ms']),
};
const EVENT_TYPE = 'bench.fairness';
const TENANTS = { flood: 'tenant-a', trickle: 'tenant-b' } as const;

interface TenantResult {
  tenantId: string;
  rate: number;
  published: number;
  publishErrors: number;
  firstPublishError?: string;
  delivered: number;
  /** Publish (the POST sent) to the receiver's first receipt of that event. */
  latencyMs: LatencySummary;
  series: SecondSample[];
}

interface ModeResult {
  mode: Mode;
  enableFairness: boolean;
  /** Load average (1, 5, 15 min) as the mode started: the machine is shared. */
  loadAverage: number[];
  flood: TenantResult;
  trickle: TenantResult;
  /** From A's last publish to A's last receipt: how long A's backlog took to drain. */
  floodDrainSeconds: number;
  /** Most of A's events published but not yet received at once (backlog plus in progress), sampled every 100 ms. */
  floodMaxInFlight: number;
  /** Receipts of an event the other tenant published (must be none: fan-out is per tenant). */
  foreignReceipts: number;
}

async function main(): Promise<void> {
  const modes = flags.modes.split(',').map((m) => m.trim()) as Mode[];
  const unknown = modes.filter((m) => !MODES.includes(m));
  if (unknown.length) throw new Error(`--modes: unknown ${unknown.join(', ')} (known: ${MODES.join(', ')})`);
  const started = new Date();
  const results: ModeResult[] = [];
  for (const mode of modes) results.push(await runMode(mode));
  const report = {
    date: started.toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    settings: { ...SETTINGS, eventType: EVENT_TYPE, tenants: TENANTS, workflowTaskSlots: 'SDK default (40)', outgoingConnectionsPerReceiver: 32 },
    modes: results,
    wallSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  };
  process.stdout.write(`\n${formatFairness(results)}\n`);
  const file = flags.out
    ? path.resolve(flags.out)
    : path.join(ROOT, 'bench-results', `${report.date.replace(/[:.]/g, '-')}-fairness.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  progress(`results written to ${path.relative(process.cwd(), file)} (${report.wallSeconds} s)`);
}

async function runMode(mode: Mode): Promise<ModeResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `hookflow-fairness-${mode}-`));
  await chmod(dataDir, 0o755);
  progress(`fairness ${mode}: a fresh stack with matching.enableFairness=${mode === 'on'} (data in ${dataDir})`);
  const infrastructure = await startInfrastructure({
    dataDir,
    toolsDir: path.join(ROOT, '.tools'),
    temporalAddress: undefined,
    temporalCli: process.env.TEMPORAL_CLI,
    temporalNamespace: 'default',
    temporalPort: await freePort(),
    temporalUiPort: undefined,
    databaseUrl: undefined,
    postgresPort: await freePort(),
    progress,
    temporalFairness: mode === 'on',
  });
  const parts: HookflowProcessHandle[] = [];
  const receivers: Receiver[] = [];
  try {
    const { apiUrl, adminKey } = await startHookflow(infrastructure, dataDir, parts);
    const { call, close } = apiClient(apiUrl, adminKey, 64);
    try {
      const flood = await startReceiver(() => ({ status: 200, body: 'ok', delayMs: SETTINGS.slowReceiverMs }));
      const trickle = await startReceiver();
      receivers.push(flood, trickle);
      for (const [tenantId, receiver] of [[TENANTS.flood, flood], [TENANTS.trickle, trickle]] as const) {
        await call('POST', '/v1/tenants', { id: tenantId, name: tenantId });
        await call('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [EVENT_TYPE], tenantId });
      }
      return await measure(mode, call, flood, trickle);
    } finally {
      await close();
    }
  } finally {
    await Promise.all(receivers.map((r) => r.close()));
    for (const part of parts.reverse()) {
      part.child.kill('SIGTERM');
      await part.closed;
    }
    await infrastructure.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A migrated database with an admin key, then an API and a worker, each its own process. */
async function startHookflow(infrastructure: Infrastructure, dataDir: string, parts: HookflowProcessHandle[]) {
  const pool = createPool(infrastructure.databaseUrl);
  await migrate(pool, progress);
  const { key: adminKey } = await createApiKey(pool, { name: 'bench-fairness', scopes: ['admin'] });
  await pool.end();
  const connection = await Connection.connect({ address: infrastructure.temporalAddress });
  await registerSearchAttributes(connection, 'default');
  await connection.close();
  const apiPort = await freePort();
  const env = {
    ...benchHookflowEnv(infrastructure, apiPort),
    HOOKFLOW_WORKER_METRICS_PORT: String(await freePort()),
    HOOKFLOW_DATA_DIR: path.join(dataDir, 'hookflow'),
  };
  for (const part of ['api', 'worker'] as const) {
    const handle = spawnHookflowPart(part, env, {
      readyTimeoutMs: 180_000,
      onOutput: (chunk) => {
        const text = chunk.toString('utf8');
        if (/error/i.test(text)) process.stderr.write(`[${part}] ${text}`);
      },
    });
    parts.push(handle);
    await handle.ready;
  }
  return { apiUrl: `http://127.0.0.1:${apiPort}`, adminKey };
}

async function measure(mode: Mode, call: Call, floodReceiver: Receiver, trickleReceiver: Receiver): Promise<ModeResult> {
  const loadAverage = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const floodCount = Math.round(SETTINGS.floodRate * SETTINGS.seconds);
  const trickleCount = Math.max(1, Math.round(SETTINGS.trickleRate * SETTINGS.seconds));
  progress(`  ${TENANTS.flood}: ${floodCount} events at ${SETTINGS.floodRate}/s to a receiver answering after ${SETTINGS.slowReceiverMs} ms; ${TENANTS.trickle}: ${trickleCount} at ${SETTINGS.trickleRate}/s`);
  let maxInFlight = 0;
  // A's events sent so far minus A's received: sampled while publishing and draining.
  const floodSent = { count: 0 };
  const sampler = setInterval(() => {
    maxInFlight = Math.max(maxInFlight, floodSent.count - distinctReceipts(floodReceiver).size);
  }, 100);
  try {
    const countingCall: Call = async (method, route, body) => {
      const answer = await call(method, route, body);
      if ((body as { tenantId?: string }).tenantId === TENANTS.flood) floodSent.count += 1;
      return answer;
    };
    const [flood, trickle] = await Promise.all([
      publishAtRate(countingCall, EVENT_TYPE, floodCount, SETTINGS.floodRate, { tenantId: TENANTS.flood }),
      publishAtRate(call, EVENT_TYPE, trickleCount, SETTINGS.trickleRate, { tenantId: TENANTS.trickle }),
    ]);
    for (const [name, published] of [['flood', flood], ['trickle', trickle]] as const) {
      if (published.errors) progress(`  ${name}: ${published.errors} publish(es) failed, first: ${published.firstError}`);
    }
    const expected = flood.sentAt.size + trickle.sentAt.size;
    const received = () => countOwn(floodReceiver, flood) + countOwn(trickleReceiver, trickle);
    await waitUntil(`${expected} deliveries`, async () => received() >= expected, 600_000, () =>
      progress(`  received ${received()}/${expected}`),
    ).catch((error: Error) => progress(`  ${error.message}: got ${received()}; going on`));
    const floodResult = tenantResult(TENANTS.flood, SETTINGS.floodRate, flood, floodReceiver);
    const trickleResult = tenantResult(TENANTS.trickle, SETTINGS.trickleRate, trickle, trickleReceiver);
    const lastFloodPublish = Math.max(...flood.sentAt.values());
    const lastFloodReceipt = Math.max(...[...distinctReceipts(floodReceiver).values()]);
    const result: ModeResult = {
      mode,
      enableFairness: mode === 'on',
      loadAverage,
      flood: floodResult,
      trickle: trickleResult,
      floodDrainSeconds: Math.round((lastFloodReceipt - lastFloodPublish) / 100) / 10,
      floodMaxInFlight: maxInFlight,
      foreignReceipts: foreign(floodReceiver, flood) + foreign(trickleReceiver, trickle),
    };
    progress(`  fairness ${mode}: ${TENANTS.trickle} p99 ${trickleResult.latencyMs.p99} ms, ${TENANTS.flood} p99 ${floodResult.latencyMs.p99} ms`);
    return result;
  } finally {
    clearInterval(sampler);
  }
}

/** Event id → when the receiver first got it (at-least-once: later copies do not count). */
function distinctReceipts(receiver: Receiver): Map<string, number> {
  const first = new Map<string, number>();
  for (const r of receiver.requests) {
    const id = String(r.headers['webhook-id']);
    if (!first.has(id)) first.set(id, r.receivedAt);
  }
  return first;
}

const countOwn = (receiver: Receiver, published: Published) =>
  [...distinctReceipts(receiver).keys()].filter((id) => published.sentAt.has(id)).length;
const foreign = (receiver: Receiver, published: Published) =>
  [...distinctReceipts(receiver).keys()].filter((id) => !published.sentAt.has(id)).length;

function tenantResult(tenantId: string, rate: number, published: Published, receiver: Receiver): TenantResult {
  const receipts = [...distinctReceipts(receiver)]
    .filter(([id]) => published.sentAt.has(id))
    .map(([id, at]) => ({ at, lagMs: at - published.sentAt.get(id)! }));
  return {
    tenantId,
    rate,
    published: published.sentAt.size,
    publishErrors: published.errors,
    ...(published.firstError ? { firstPublishError: published.firstError } : {}),
    delivered: receipts.length,
    latencyMs: summarise(receipts.map((r) => r.lagMs)),
    series: perSecond(published.firstAt, [...published.sentAt.values()], receipts),
  };
}

function formatFairness(results: ModeResult[]): string {
  const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
  const rows = results.flatMap((r) =>
    [r.trickle, r.flood].map((t) => ({
      fairness: r.mode,
      tenant: `${t.tenantId} (${t.rate}/s)`,
      delivered: `${t.delivered}/${t.published}`,
      p50: ms(t.latencyMs.p50),
      p95: ms(t.latencyMs.p95),
      p99: ms(t.latencyMs.p99),
      max: ms(t.latencyMs.max),
      'A in flight (max)': r.floodMaxInFlight,
      'A drain': `${r.floodDrainSeconds} s`,
      load: r.loadAverage[0]!,
    })),
  );
  return `Fairness: publish-to-receipt latency per tenant\n${table(rows)}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:fairness failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

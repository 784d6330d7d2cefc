// `npm run bench:fairness`: fairness between tenants (issue #13, item 3).
// Tenant A floods; five quiet tenants B1..B5 each publish 100 times less
// (20 events/s against 0.2/s each by default). Every tenant has one
// subscription; A's receiver is slow (answers after 3 s), the quiet tenants'
// answer at once. Measures publish-to-receipt latency per tenant group.
//
// Why a slow receiver and these rates: fairness acts on a backlog in the task
// queue, and a backlog forms there only when the worker, not the machine, is
// what cannot keep up. A delivery's first attempt runs inside the event
// workflow's workflow task, so each first attempt to A's slow receiver holds
// one of the worker's workflow task slots (the SDK's default, 40) for 3 s or
// more, and the worker's HTTP pool allows 32 connections per receiver: the
// worker takes ~10 of A's events a second while A publishes 20. The other 10
// wait in the task queue, and so does every quiet tenant's event published
// meanwhile, unless matching dispatches fairly. A higher rate (100/s) would
// saturate the CPU of a two-core machine first (docs/benchmarks.md: ~42
// deliveries/s at most), and then events wait in the API and in Temporal's
// history service, upstream of the task queue, where no fairness key acts.
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
    seconds: { type: 'string', default: '40' },
    'flood-rate': { type: 'string', default: '20' },
    'quiet-tenants': { type: 'string', default: '5' },
    'quiet-rate': { type: 'string', default: '0.2' },
    'slow-ms': { type: 'string', default: '3000' },
    out: { type: 'string' },
  },
});

const SETTINGS = {
  seconds: Number(flags.seconds),
  floodRate: Number(flags['flood-rate']),
  quietTenants: Number(flags['quiet-tenants']),
  quietRate: Number(flags['quiet-rate']),
  slowReceiverMs: Number(flags['slow-ms']),
};
const EVENT_TYPE = 'bench.fairness';
const FLOOD_TENANT = 'tenant-a';
const QUIET_TENANTS = Array.from({ length: SETTINGS.quietTenants }, (_, i) => `tenant-b${i + 1}`);

interface GroupResult {
  tenants: string[];
  /** Events per second, each tenant. */
  rate: number;
  published: number;
  publishErrors: number;
  firstPublishError?: string;
  /** How long the API took to accept a publish. */
  acceptMs: LatencySummary;
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
  flood: GroupResult;
  quiet: GroupResult;
  /** From A's last publish to A's last receipt: how long A's backlog took to drain. */
  floodDrainSeconds: number;
  /** Most of A's events accepted but not yet received at once (backlog plus in progress), sampled every 100 ms. */
  floodMaxInFlight: number;
  /** Receipts of an event of another tenant (must be none: fan-out is per tenant). */
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
    settings: {
      ...SETTINGS,
      eventType: EVENT_TYPE,
      floodTenant: FLOOD_TENANT,
      quietTenantIds: QUIET_TENANTS,
      workflowTaskSlots: 'SDK default (40)',
      outgoingConnectionsPerReceiver: 32,
    },
    modes: results,
    wallSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  };
  process.stdout.write(`\n${formatFairness(results)}\n`);
  const file = flags.out ? path.resolve(flags.out) : path.join(ROOT, 'bench-results', `${report.date.replace(/[:.]/g, '-')}-fairness.json`);
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
      const slow = await startReceiver(() => ({ status: 200, body: 'ok', delayMs: SETTINGS.slowReceiverMs }));
      const quick = await startReceiver();
      receivers.push(slow, quick);
      for (const tenantId of [FLOOD_TENANT, ...QUIET_TENANTS]) {
        const url = tenantId === FLOOD_TENANT ? slow.url : `${quick.url}/${tenantId}`;
        await call('POST', '/v1/tenants', { id: tenantId, name: tenantId });
        // A long timeout: A's attempts also wait for one of the worker's 32 connections to the slow receiver.
        await call('POST', '/v1/subscriptions', { url, eventTypes: [EVENT_TYPE], tenantId, timeoutMs: 30_000 });
      }
      await warmUp(call, [slow, quick]);
      return await measure(mode, call, slow, quick);
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

/**
 * One event from every tenant, received, before the measurement: the first
 * workflow tasks of a fresh worker are slow (seconds on a loaded machine),
 * which is not what this measures. The receivers then forget them.
 */
async function warmUp(call: Call, receivers: Receiver[]): Promise<void> {
  for (const tenantId of [FLOOD_TENANT, ...QUIET_TENANTS])
    await call('POST', '/v1/events', { type: EVENT_TYPE, payload: { warmUp: true }, tenantId });
  const tenants = 1 + QUIET_TENANTS.length;
  await waitUntil('the warm-up events', async () => receivers.reduce((n, r) => n + distinctReceipts(r).size, 0) >= tenants, 120_000);
  for (const receiver of receivers) receiver.requests.length = 0;
}

async function measure(mode: Mode, call: Call, slow: Receiver, quick: Receiver): Promise<ModeResult> {
  const loadAverage = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const floodCount = Math.round(SETTINGS.floodRate * SETTINGS.seconds);
  const quietCount = Math.max(1, Math.round(SETTINGS.quietRate * SETTINGS.seconds));
  progress(
    `  ${FLOOD_TENANT}: ${floodCount} events at ${SETTINGS.floodRate}/s to a receiver answering after ${SETTINGS.slowReceiverMs} ms; ` +
      `${QUIET_TENANTS.join(', ')}: ${quietCount} each at ${SETTINGS.quietRate}/s`,
  );
  let floodAccepted = 0;
  let maxInFlight = 0;
  const sampler = setInterval(() => (maxInFlight = Math.max(maxInFlight, floodAccepted - distinctReceipts(slow).size)), 100);
  try {
    const countingCall: Call = async (method, route, body) => {
      const answer = await call(method, route, body);
      floodAccepted += 1;
      return answer;
    };
    // The quiet tenants take turns: one publisher at their summed rate.
    const [flood, quietAll] = await Promise.all([
      publishAtRate(countingCall, EVENT_TYPE, floodCount, SETTINGS.floodRate, () => ({ tenantId: FLOOD_TENANT })),
      publishAtRate(call, EVENT_TYPE, quietCount * QUIET_TENANTS.length, SETTINGS.quietRate * QUIET_TENANTS.length, (i) => ({
        tenantId: QUIET_TENANTS[i % QUIET_TENANTS.length],
      })),
    ]);
    for (const [name, published] of [
      ['flood', flood],
      ['quiet', quietAll],
    ] as const) {
      if (published.errors) progress(`  ${name}: ${published.errors} publish(es) failed, first: ${published.firstError}`);
    }
    const expected = flood.sentAt.size + quietAll.sentAt.size;
    const received = () => countOwn(slow, flood) + countOwn(quick, quietAll);
    await waitUntil(
      `${expected} deliveries`,
      async () => received() >= expected,
      600_000,
      () => progress(`  received ${received()}/${expected}`),
    ).catch((error: Error) => progress(`  ${error.message}: got ${received()}; going on`));
    const floodResult = groupResult([FLOOD_TENANT], SETTINGS.floodRate, flood, slow);
    const quietResult = groupResult(QUIET_TENANTS, SETTINGS.quietRate, quietAll, quick);
    const lastFloodPublish = Math.max(...flood.sentAt.values());
    const lastFloodReceipt = Math.max(...distinctReceipts(slow).values());
    progress(`  fairness ${mode}: quiet tenants p99 ${quietResult.latencyMs.p99} ms, ${FLOOD_TENANT} p99 ${floodResult.latencyMs.p99} ms`);
    return {
      mode,
      enableFairness: mode === 'on',
      loadAverage,
      flood: floodResult,
      quiet: quietResult,
      floodDrainSeconds: Math.round((lastFloodReceipt - lastFloodPublish) / 100) / 10,
      floodMaxInFlight: maxInFlight,
      foreignReceipts: foreign(slow, flood) + foreign(quick, quietAll),
    };
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

const countOwn = (receiver: Receiver, published: Published) => [...distinctReceipts(receiver).keys()].filter((id) => published.sentAt.has(id)).length;
const foreign = (receiver: Receiver, published: Published) => [...distinctReceipts(receiver).keys()].filter((id) => !published.sentAt.has(id)).length;

function groupResult(tenants: string[], rate: number, published: Published, receiver: Receiver): GroupResult {
  const receipts = [...distinctReceipts(receiver)]
    .filter(([id]) => published.sentAt.has(id))
    .map(([id, at]) => ({ at, lagMs: at - published.sentAt.get(id)! }));
  return {
    tenants,
    rate,
    published: published.sentAt.size,
    publishErrors: published.errors,
    ...(published.firstError ? { firstPublishError: published.firstError } : {}),
    acceptMs: published.acceptMs,
    delivered: receipts.length,
    latencyMs: summarise(receipts.map((r) => r.lagMs)),
    series: perSecond(published.firstAt, [...published.sentAt.values()], receipts),
  };
}

function formatFairness(results: ModeResult[]): string {
  const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
  const rows = results.flatMap((r) =>
    (['quiet', 'flood'] as const).map((group) => {
      const g = r[group];
      return {
        fairness: r.mode,
        tenants: group === 'flood' ? `${g.tenants[0]} (${g.rate}/s)` : `${g.tenants.length} quiet (${g.rate}/s each)`,
        delivered: `${g.delivered}/${g.published}`,
        'accept p99': ms(g.acceptMs.p99),
        p50: ms(g.latencyMs.p50),
        p95: ms(g.latencyMs.p95),
        p99: ms(g.latencyMs.p99),
        max: ms(g.latencyMs.max),
        'A in flight (max)': r.floodMaxInFlight,
        'A drain': `${r.floodDrainSeconds} s`,
        load: r.loadAverage[0]!,
      };
    }),
  );
  return `Fairness: publish-to-receipt latency per tenant group\n${table(rows)}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:fairness failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

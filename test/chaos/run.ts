// `npm run test:chaos`: hookflow under load while its parts are broken on
// purpose, then a count of what arrived. Every part is its own process: the
// Temporal dev server (persistent SQLite file), PostgreSQL, the API and two
// workers; with --cluster, the production shape instead (a Temporal server on
// PostgreSQL, two APIs behind HAProxy, three workers; see parts.ts).
// Producers publish a numbered stream of events to three flapping
// loopback receivers while the run kills workers, the API and Temporal with
// SIGKILL and stops PostgreSQL. When the faults are over it waits for every
// delivery to settle and reports accepted, expected, delivered, dead, lost
// (must be 0) and duplicates. Exit code 1 when anything was lost or
// dead-lettered, a duplicate carried another webhook-id or a bad signature,
// a process died on its own, the drain timed out, or a producer got an
// answer it should never get.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPool, type Pool } from '../../src/db/pool.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { table } from '../bench/stats.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { makeFlapping, type FlappingReceiver } from './flapping.js';
import { startClusterStack, startDevServerStack, type ChaosStack } from './parts.js';
import { produce } from './producers.js';
import { isDrained, tally, type RecordedDelivery } from './report.js';
import { tallyOrder } from './order.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EVENT_TYPE = 'chaos.tick';
/** Short enough that the run ends in minutes, long enough to outlast every fault. */
const RETRY_SCHEDULE = '1,2,4,8,15,30,30,30,30,30,30,30,30,30,30';
const DELIVERY_TIMEOUT_MS = 2_000;

const { values: flags } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    // Every subscriber ordered (fifo, blocking on dead letters): adds the order check.
    fifo: { type: 'boolean', default: false },
    events: { type: 'string' },
    rate: { type: 'string' },
    subscribers: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    seed: { type: 'string', default: '20261125' },
    'drain-timeout-seconds': { type: 'string', default: '900' },
    out: { type: 'string', default: 'chaos-report.json' },
  },
});
const EVENTS = Number(flags.events ?? (flags.short ? 300 : 2000));
// The short run publishes as long as the faults last (about 100 s), so that
// every fault strikes while producers publish.
const RATE = Number(flags.rate ?? (flags.short ? 3 : 20));
/** The longest an attempt may take (the delivery workflow's ATTEMPT_TIMEOUT): a late duplicate comes within it. */
const LATE_DUPLICATE_WINDOW_MS = 90_000;
const SUBSCRIBERS = Number(flags.subscribers);

interface FaultRecord {
  fault: string;
  atSeconds: number;
  outageSeconds: number;
}

async function main(): Promise<void> {
  const runStarted = Date.now();
  // Read before the run: the tree may change while it runs.
  const commit = gitCommit();
  const clock = () => Date.now() - runStarted;
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'hookflow-chaos-'));
  await chmod(runDir, 0o755);
  progress(
    `chaos: ${EVENTS} events at ${RATE}/s × ${SUBSCRIBERS} ${flags.fifo ? 'fifo ' : ''}subscribers${flags.cluster ? ' on the cluster' : ''}; processes' logs in ${runDir}`,
  );

  let stack: ChaosStack | undefined;
  const receivers: Receiver[] = [];
  let pool: Pool | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      await pool?.end();
      await stack?.stop();
      await Promise.all(receivers.map((receiver) => receiver.close()));
    })());
  // Interrupted (Ctrl-C, or CI's time limit): take down every process started here.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`chaos: ${signal}: stopping everything; logs kept in ${runDir}`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  let keepLogs = false;

  try {
    const hookflowEnv = {
      HOOKFLOW_ALLOWED_CIDRS: '127.0.0.0/8',
      HOOKFLOW_API_RATE_LIMIT_PER_SECOND: '100000',
      HOOKFLOW_RETRY_SCHEDULE: RETRY_SCHEDULE,
      HOOKFLOW_DELIVERY_TIMEOUT_MS: String(DELIVERY_TIMEOUT_MS),
      // A flapping receiver trips the breaker; short cool-downs keep the run to minutes.
      HOOKFLOW_BREAKER_COOLDOWN_SECONDS: '2',
      HOOKFLOW_BREAKER_MAX_COOLDOWN_SECONDS: '20',
      LOG_LEVEL: 'warn',
    };
    stack = await (flags.cluster ? startClusterStack : startDevServerStack)(runDir, hookflowEnv);
    const apiUrl = stack.url;
    pool = createPool(stack.databaseUrl, 4);
    const { key: adminKey } = await createApiKey(pool, { name: 'chaos operator', scopes: ['admin'] });
    const { key: producerKey } = await createApiKey(pool, { name: 'chaos producer', scopes: ['publish'] });

    const flapping: FlappingReceiver[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const receiver = await startReceiver();
      receivers.push(receiver);
      const response = await fetch(`${apiUrl}/v1/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          url: receiver.url,
          eventTypes: [EVENT_TYPE],
          description: `chaos receiver ${i + 1}`,
          ...(flags.fifo ? { ordering: 'fifo' } : {}),
        }),
      });
      if (response.status !== 201) throw new Error(`creating a subscription: ${response.status} ${await response.text()}`);
      const subscription = (await response.json()) as { id: string; secret: string };
      flapping.push(
        makeFlapping({
          name: subscription.id,
          receiver,
          secret: subscription.secret,
          deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
          seed: Number(flags.seed) + i,
        }),
      );
    }

    // The faults, each when a share of the events has been accepted, one after another.
    let acceptedSoFar = 0;
    let publishingDone = false;
    const faults: FaultRecord[] = [];
    const atShare = async (share: number) => {
      // Should producers give up on events, the share is never reached: go on regardless.
      while (acceptedSoFar < share * EVENTS && !publishingDone) await sleep(100);
    };
    const flapped = { fromSeconds: 0, toSeconds: 0 };
    const { faults: planned } = stack;
    const scenario = async () => {
      await atShare(0.05);
      progress('chaos: receivers start flapping');
      for (const receiver of flapping) receiver.startFlapping();
      flapped.fromSeconds = seconds(clock());
      for (const { share, name, down, pauseMs, up } of planned) {
        await atShare(share);
        const at = clock();
        progress(`chaos: ${name} (${acceptedSoFar}/${EVENTS} accepted)`);
        await down();
        await sleep(pauseMs);
        await up();
        faults.push({ fault: name, atSeconds: seconds(at), outageSeconds: seconds(clock() - at) });
      }
    };

    const publishing = produce({
      apiUrl: () => apiUrl,
      key: producerKey,
      runId: `chaos-${runStarted}`,
      type: EVENT_TYPE,
      count: EVENTS,
      ratePerSecond: RATE,
      concurrency: Number(flags.concurrency),
      onAccepted: (n) => (acceptedSoFar = n),
    }).finally(() => (publishingDone = true));
    const [producers] = await Promise.all([publishing, scenario()]);
    for (const receiver of flapping) receiver.calm();
    const faultsOverAt = clock();
    flapped.toSeconds = seconds(faultsOverAt);
    progress(`chaos: faults over after ${seconds(faultsOverAt)} s; ${producers.accepted.length} events accepted; waiting for deliveries to settle`);

    const receiverNames = flapping.map((f) => f.name);
    const accepted = producers.accepted;
    const drainDeadline = Date.now() + Number(flags['drain-timeout-seconds']) * 1000;
    let recorded: RecordedDelivery[] = [];
    let lastReport = 0;
    let drained = false;
    for (;;) {
      recorded = await readDeliveries(pool).catch(() => recorded);
      drained = isDrained({ accepted, receivers: receiverNames, recorded });
      if (drained || Date.now() > drainDeadline) break;
      if (Date.now() - lastReport > 10_000) {
        const settled = recorded.filter((d) => d.status !== 'pending').length;
        progress(`chaos: settled ${settled}/${accepted.length * receiverNames.length}`);
        lastReport = Date.now();
      }
      await sleep(1_000);
    }
    const drainSeconds = seconds(clock() - faultsOverAt);
    if (!drained) progress('chaos: deliveries still unsettled at the drain timeout');
    // A late duplicate (an attempt whose result died with a worker) comes
    // within one attempt's time limit: wait until receivers have been quiet for
    // a few seconds, or that limit has passed since the drain.
    const receiptCount = () => flapping.reduce((sum, f) => sum + f.receipts.length, 0);
    const quietUntil = Date.now() + LATE_DUPLICATE_WINDOW_MS;
    for (let last = -1; last !== receiptCount() && Date.now() < quietUntil;) {
      last = receiptCount();
      await sleep(DELIVERY_TIMEOUT_MS + 3_000);
    }
    recorded = await readDeliveries(pool);

    const result = tally({ accepted, receivers: receiverNames, receipts: flapping.flatMap((f) => f.receipts), recorded });
    const order = flags.fifo
      ? await readOrder(
          pool,
          flapping.flatMap((f) => f.receipts),
        )
      : undefined;
    const failures = [
      !drained && `not every delivery settled within ${flags['drain-timeout-seconds']} s of the last fault`,
      result.lost > 0 && `${result.lost} deliveries lost`,
      // The shortened schedule outlasts the flapping many times over: a dead letter here means a fault was taken for the receiver's failure.
      result.deadLettered > 0 && `${result.deadLettered} deliveries dead-lettered: ${JSON.stringify(result.deadReasons)}`,
      stack.unplannedExits.length > 0 && `${stack.unplannedExits.length} processes exited on their own: ${JSON.stringify(stack.unplannedExits)}`,
      result.webhookIdMismatches > 0 && `${result.webhookIdMismatches} receipts with a webhook-id other than the event's`,
      result.invalidSignatures > 0 && `${result.invalidSignatures} receipts with an invalid signature`,
      result.unexpectedReceipts > 0 && `${result.unexpectedReceipts} receipts of events never accepted`,
      Object.keys(producers.defects).length > 0 && `producers got answers they must never get: ${JSON.stringify(producers.defects)}`,
      producers.gaveUp.length > 0 && `${producers.gaveUp.length} events could not be published within 5 minutes`,
      // An event recorded later than the hold-back after acceptance may be sent late; hookflow counts those itself.
      order &&
        order.observed > order.counted &&
        `${order.observed} receipts out of acceptance order, but hookflow counted only ${order.counted}: ${order.examples.join('; ')}`,
    ].filter((failure): failure is string => typeof failure === 'string');
    const report = {
      date: new Date().toISOString(),
      commit,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        os: `${os.type()} ${os.release()}`,
        node: process.version,
      },
      topology: stack.topology,
      settings: {
        events: EVENTS,
        ratePerSecond: RATE,
        subscribers: SUBSCRIBERS,
        retrySchedule: RETRY_SCHEDULE,
        deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
        seed: Number(flags.seed),
      },
      faults,
      receiversFlapped: flapped,
      unplannedExits: stack.unplannedExits,
      receiverMoodChanges: flapping.reduce((sum, f) => sum + f.moodChanges, 0),
      producers: {
        accepted: accepted.length,
        replayed: producers.replayed,
        retryable: producers.retryable,
        defects: producers.defects,
        gaveUp: producers.gaveUp.length,
      },
      deliveries: result,
      ...(order ? { order } : {}),
      drainSecondsAfterLastFault: drainSeconds,
      totalSeconds: seconds(clock()),
      pass: failures.length === 0,
      failures,
    };
    await writeFile(flags.out, `${JSON.stringify(report, null, 2)}\n`);
    printReport(report);
    process.stdout.write(`report written to ${flags.out}\n`);
    if (!report.pass) {
      process.stdout.write(`\nCHAOS RUN FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
      process.exitCode = 1;
      keepLogs = true;
    }
  } catch (error) {
    keepLogs = true;
    throw error;
  } finally {
    progress('chaos: stopping everything');
    await stopAll();
    if (keepLogs) progress(`chaos: logs kept in ${stack?.logDir ?? runDir}`);
    else await rm(runDir, { recursive: true, force: true });
  }
}

/** The commit the run measured, with a mark when the tree had changes on top. */
function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function readDeliveries(pool: Pool): Promise<RecordedDelivery[]> {
  const { rows } = await pool.query<{ event_id: string; subscription_id: string; status: RecordedDelivery['status']; last_error: string | null }>(
    `SELECT d.event_id, d.subscription_id, d.status, d.last_error
       FROM deliveries d JOIN events e ON e.id = d.event_id
      WHERE e.type = $1`,
    [EVENT_TYPE],
  );
  return rows.map((row) => ({ eventId: row.event_id, receiver: row.subscription_id, status: row.status, lastError: row.last_error }));
}

/** The fifo order check: what receivers saw against acceptance order, and the violations hookflow itself counted. */
async function readOrder(pool: Pool, receipts: Parameters<typeof tallyOrder>[0]) {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM events WHERE type = $1 ORDER BY created_at, id', [EVENT_TYPE]);
  const { rows: counted } = await pool.query<{ violations: number }>(
    'SELECT coalesce(sum(order_violations), 0)::int AS violations FROM ordered_streams',
  );
  const { outOfOrder, examples } = tallyOrder(
    receipts,
    rows.map((row) => row.id),
  );
  const observed = Object.values(outOfOrder).reduce((a, b) => a + b, 0);
  return { observed, counted: counted[0]!.violations, outOfOrderByReceiver: outOfOrder, examples };
}

function printReport(report: any): void {
  const d = report.deliveries;
  const rows = [
    { measure: 'events accepted', value: report.producers.accepted },
    { measure: '  of which answered as repeats', value: report.producers.replayed },
    { measure: 'deliveries expected', value: d.deliveriesExpected },
    { measure: 'delivered', value: d.delivered },
    { measure: 'dead-lettered', value: d.deadLettered },
    { measure: 'lost (must be 0)', value: d.lost },
    { measure: 'duplicate receipts', value: `${d.duplicateReceipts} (${(d.duplicateRate * 100).toFixed(2)} %)` },
    { measure: 'webhook-id mismatches', value: d.webhookIdMismatches },
    { measure: 'invalid signatures', value: d.invalidSignatures },
    { measure: 'drain after last fault', value: `${report.drainSecondsAfterLastFault} s` },
    ...(report.order
      ? [
          { measure: 'fifo: receipts out of order', value: report.order.observed },
          { measure: 'fifo: violations hookflow counted', value: report.order.counted },
        ]
      : []),
    { measure: 'unplanned process exits', value: report.unplannedExits.length },
    { measure: 'producer retryable answers', value: Object.values(report.producers.retryable as Record<string, number>).reduce((a, b) => a + b, 0) },
    { measure: 'producer defects (must be 0)', value: Object.values(report.producers.defects as Record<string, number>).reduce((a, b) => a + b, 0) },
  ];
  process.stdout.write(`\n${table(report.faults)}\n\n${table(rows)}\n\n`);
  if (Object.keys(d.deadReasons).length > 0) process.stdout.write(`dead-letter reasons: ${JSON.stringify(d.deadReasons)}\n`);
  process.stdout.write(`producer retryable answers: ${JSON.stringify(report.producers.retryable)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

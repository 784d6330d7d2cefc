// What PostgreSQL round trips and CPU a delivery costs the worker: records
// events (1 subscriber, and 10) and makes each subscriber's first attempt
// against a receiver in another process (so its CPU is not counted), one at
// a time, straight against an embedded PostgreSQL, with the worker's own
// code (recordEvent, the attemptFirst activity). Counts the statements each
// sends (deterministic), this process's CPU per operation (process.cpuUsage,
// user + system), and PostgreSQL's (its postmaster and backends, from /proc)
// per event. Run before and after a change:
//   node --import tsx scripts/round-trips.ts [events=1000]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createDeliverActivities } from '../activities/deliver.js';
import { createSecretBox, generateEncryptionKey } from '../src/crypto/secret-box.js';
import { recordEvent } from '../src/db/events.js';
import { createAddressPolicy } from '../src/delivery/url-guard.js';
import { newId } from '../src/ids.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics/metrics.js';
import { createGuardedAgent } from '../src/net/guarded-connect.js';
import { createSubscription } from '../src/services/secrets.js';
import { INLINE_FANOUT_BATCH_SIZE } from '../workflows/definitions.js';
import { countingPool } from '../test/support/counting-pool.js';
import { startScratchStack } from '../test/support/hookflow-parts.js';
import { cpuSeconds } from '../test/bench/stats.js';

const total = Number(process.argv[2] ?? 1000);
const WARM_UP = 100;

/** A plain HTTP receiver answering 200 at once, in a process of its own; its URL. */
async function startReceiverProcess() {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "require('http').createServer((q,s)=>{q.resume();q.on('end',()=>s.end('ok'))}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [port] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${port.toString().trim()}/hook`, stop: () => child.kill() };
}

const stack = await startScratchStack('round-trips');
const receiver = await startReceiverProcess();
const counting = countingPool(stack.infrastructure.databaseUrl);
try {
  const secretBox = createSecretBox(generateEncryptionKey());
  const addressPolicy = createAddressPolicy({ allowedCidrs: '127.0.0.0/8' });
  for (const [type, subscribers] of [
    ['rt.one', 1],
    ['rt.ten', 10],
  ] as const) {
    for (let i = 0; i < subscribers; i++) {
      await createSubscription({ pool: stack.pool, secretBox }, { url: receiver.url, eventTypes: [type], tenantId: 'default' });
    }
  }
  const { attemptFirst } = createDeliverActivities({
    pool: counting.pool,
    http: createGuardedAgent(addressPolicy),
    logger: createLogger('silent'),
    userAgent: 'hookflow-round-trips',
    secretBox,
    addressPolicy,
    retryScheduleSeconds: [1],
    deliveryTimeoutMs: 5_000,
    breaker: { failureThreshold: 5, baseCooldownMs: 1_000, maxCooldownMs: 60_000 },
    autoDisableAfterMs: 86_400_000,
    metrics: createMetrics({ defaultMetrics: false }),
    announce: async () => {},
  });

  /** One event of the type, recorded as the event workflow's recordEvent does, then each first attempt. */
  async function deliverOne(type: string) {
    const event = { id: newId('evt'), type, payload: { n: 1 }, idempotencyKey: null, createdAt: new Date().toISOString(), tenantId: 'default' };
    counting.take();
    let cpu = process.cpuUsage();
    const { batch } = await recordEvent(counting.pool, event, INLINE_FANOUT_BATCH_SIZE, 'run');
    const recordCpu = process.cpuUsage(cpu);
    const recordStatements = counting.take().length;
    cpu = process.cpuUsage();
    for (const target of batch) {
      const outcome = await attemptFirst({ deliveryId: target.deliveryId });
      if (outcome.kind !== 'succeeded') throw new Error(`attempt failed: ${JSON.stringify(outcome)}`);
    }
    const attemptsCpu = process.cpuUsage(cpu);
    const attemptStatements = counting.take().length;
    const us = (c: NodeJS.CpuUsage) => c.user + c.system;
    return { recordUs: us(recordCpu), attemptsUs: us(attemptsCpu), recordStatements, attemptStatements, subscribers: batch.length };
  }

  const report: Record<string, unknown> = { events: total };
  for (const type of ['rt.one', 'rt.ten']) {
    const runs: Array<Awaited<ReturnType<typeof deliverOne>>> = [];
    let postgresCpu = 0;
    for (let i = 0; i < WARM_UP + total; i++) {
      if (i === WARM_UP) postgresCpu = cpuSeconds(stack.infrastructure.pids.postgres!);
      const run = await deliverOne(type);
      if (i >= WARM_UP) runs.push(run);
    }
    postgresCpu = cpuSeconds(stack.infrastructure.pids.postgres!) - postgresCpu;
    const mean = (f: (r: (typeof runs)[number]) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
    const subscribers = runs[0]!.subscribers;
    report[type] = {
      subscribers,
      statementsPerEvent: { recordEvent: mean((r) => r.recordStatements), attempts: mean((r) => r.attemptStatements) },
      statementsPerAttempt: mean((r) => r.attemptStatements) / subscribers,
      cpuUsPerEvent: { recordEvent: Math.round(mean((r) => r.recordUs)), attempts: Math.round(mean((r) => r.attemptsUs)) },
      cpuUsPerAttempt: Math.round(mean((r) => r.attemptsUs) / subscribers),
      postgresCpuUsPerEvent: Math.round((postgresCpu * 1e6) / total),
    };
  }
  console.log(JSON.stringify(report, null, 2));
} finally {
  await counting.pool.end();
  receiver.stop();
  await stack.stop();
}

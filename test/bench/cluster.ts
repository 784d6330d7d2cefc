// `npm run bench -- --cluster`: the scenarios on the production shape of
// `npm run cluster` (a Temporal server on PostgreSQL, 2 APIs behind HAProxy,
// worker processes), once with 1, 2 and 3 workers on one cluster. Besides
// what every scenario measures (throughput, lag, history events and tasks per
// delivery), it reads PostgreSQL's own counters around each run: the rows
// Temporal writes and the transactions it commits per delivery, the cost that
// sizes a production database (docs/scaling.md).
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { startCluster, type Cluster } from '../../src/cluster/cluster.js';
import { freeClusterPorts } from '../../src/cluster/ports.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { apiClient } from './publish.js';
import { runScenario, type ScenarioDef, type ScenarioResult } from './scenarios.js';
import { definedOnly, table } from './stats.js';

const DATABASES = ['temporal', 'temporal_visibility', 'hookflow'] as const;
type Database = (typeof DATABASES)[number];

interface WriteCounters {
  commits: number;
  rowsWritten: number;
  /** pg_database_size: what retention has to hold. */
  bytes: number;
}

export interface ClusterScenarioResult extends ScenarioResult {
  workers: number;
  /** Per successful delivery, by database: transactions committed (reads included), rows inserted, updated or deleted, and growth in bytes. */
  postgresPerDelivery: Record<Database, WriteCounters>;
}

export interface ClusterBenchReport {
  label: string;
  date: string;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  results: ClusterScenarioResult[];
  wallSeconds: number;
}

export async function runClusterBench(options: {
  root: string;
  label: string;
  scenarios: ScenarioDef[];
  workerCounts: number[];
  concurrency: number;
  hookflowEnv: Record<string, string>;
}): Promise<void> {
  const started = Date.now();
  const maxWorkers = Math.max(...options.workerCounts);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookflow-bench-cluster-'));
  await chmod(dataDir, 0o755);
  progress(
    `bench "${options.label}" on the cluster: ${options.workerCounts.join(', ')} workers; scenarios ${options.scenarios.map((s) => s.name).join(', ')}`,
  );
  let cluster: Cluster | undefined;
  const onSignal = () => void (cluster?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    cluster = await startCluster({
      dataDir,
      toolsDir: path.join(options.root, '.tools'),
      workers: maxWorkers,
      ports: await freeClusterPorts(2, maxWorkers),
      ui: false,
      tls: false,
      hookflowEnv: {
        HOOKFLOW_ALLOWED_CIDRS: '127.0.0.0/8',
        HOOKFLOW_API_RATE_LIMIT_PER_SECOND: '1000000',
        LOG_LEVEL: 'warn',
        ...options.hookflowEnv,
      },
      progress,
    });
    const connection = await Connection.connect(cluster.temporal);
    const temporal = new Client({ connection, namespace: cluster.namespace });
    const { call, close } = apiClient(cluster.url, cluster.adminKey, options.concurrency);
    const report: ClusterBenchReport = {
      label: options.label,
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      settings: {
        layout: 'cluster',
        workerCounts: options.workerCounts,
        scenarios: options.scenarios,
        concurrency: options.concurrency,
        hookflowEnv: options.hookflowEnv,
      },
      results: [],
      wallSeconds: 0,
    };
    await mkdir(path.join(options.root, 'bench-results'), { recursive: true });
    const file = path.join(options.root, 'bench-results', `${report.date.replace(/[:.]/g, '-')}-${options.label}-cluster.json`);
    const running = new Set(cluster.parts.workers);
    for (const workers of options.workerCounts) {
      // Exactly `workers` worker processes poll; the others are stopped, without a trace in the figures.
      for (const [i, worker] of cluster.parts.workers.entries()) {
        if (i < workers && !running.has(worker)) await worker.start().then(() => running.add(worker));
        if (i >= workers && running.has(worker)) await worker.kill('SIGTERM').then(() => running.delete(worker));
      }
      progress(`${workers} worker process(es) polling`);
      const { parts } = cluster;
      const pids = () =>
        definedOnly({
          // runScenario charges publishing to `api`: the first API; the second and the balancer are listed too.
          api: parts.apis[0]!.pid,
          'api-2': parts.apis[1]!.pid,
          balancer: parts.balancer.pid,
          ...Object.fromEntries(parts.workers.slice(0, workers).map((worker, i) => [`worker-${i + 1}`, worker.pid])),
          temporal: parts.temporal.pid,
          postgres: parts.postgres.pid,
        });
      for (const def of options.scenarios) {
        const before = await readWriteCounters(cluster.databaseUrl);
        const result = await runScenario(
          { call, temporal, pids, concurrency: options.concurrency, eventTypeSuffix: `.w${workers}` },
          def,
          'on-failure',
        );
        // PostgreSQL publishes its counters with a delay of up to a second.
        await sleep(1_500);
        const after = await readWriteCounters(cluster.databaseUrl);
        const postgresPerDelivery = Object.fromEntries(
          DATABASES.map((db) => [
            db,
            {
              commits: round((after[db].commits - before[db].commits) / result.deliveries),
              rowsWritten: round((after[db].rowsWritten - before[db].rowsWritten) / result.deliveries),
              bytes: Math.round((after[db].bytes - before[db].bytes) / result.deliveries),
            },
          ]),
        ) as ClusterScenarioResult['postgresPerDelivery'];
        report.results.push({ ...result, workers, postgresPerDelivery });
        progress(`  ${def.name} with ${workers} worker(s): ${result.deliveriesPerSecond} deliveries/s`);
        report.wallSeconds = Math.round((Date.now() - started) / 1000);
        await writeFile(file, JSON.stringify(report, null, 2));
      }
    }
    process.stdout.write(`\n${formatClusterReport(report)}\n`);
    progress(`results written to ${path.relative(options.root, file)} (${report.wallSeconds} s)`);
    await close();
    await connection.close();
  } finally {
    await cluster?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Transactions committed and rows written since PostgreSQL started (pg_stat_database), and each database's size. */
async function readWriteCounters(databaseUrl: string): Promise<Record<Database, WriteCounters>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: Database; commits: string; rows_written: string; bytes: string }>(
      `SELECT datname, xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS rows_written, pg_database_size(datname) AS bytes
         FROM pg_stat_database WHERE datname = ANY($1)`,
      [DATABASES],
    );
    return Object.fromEntries(
      rows.map((row) => [row.datname, { commits: Number(row.commits), rowsWritten: Number(row.rows_written), bytes: Number(row.bytes) }]),
    ) as Record<Database, WriteCounters>;
  } finally {
    await client.end();
  }
}

export function formatClusterReport(report: Pick<ClusterBenchReport, 'results'>): string {
  const out: string[] = [];
  for (const name of [...new Set(report.results.map((r) => r.scenario))]) {
    const runs = report.results.filter((r) => r.scenario === name);
    out.push(runs[0]!.title);
    out.push(
      table(
        runs.map((r) => {
          const cpu = r.cpuSecondsPer1000Deliveries;
          const workers = Object.entries(cpu)
            .filter(([p]) => p.startsWith('worker-'))
            .reduce((sum, [, s]) => sum + s, 0);
          const apis = (cpu.api ?? 0) + (cpu['api-2'] ?? 0);
          const per = r.cost.perDelivery;
          return {
            workers: r.workers,
            'del/s': r.deliveriesPerSecond,
            'ingest ms p50/p99': `${r.ingestMs.p50}/${r.ingestMs.p99}`,
            'lag ms p50/p99': `${r.lagMs.p50}/${r.lagMs.p99}`,
            'events/del': per.historyEventsPerDelivery,
            'WF tasks/del': per.workflowTasksPerDelivery,
            'CPU-s/1k del temporal/pg/workers/apis/haproxy (all)': `${cpu.temporal}/${cpu.postgres}/${round(workers)}/${round(apis)}/${cpu.balancer} (${cpu.all})`,
            'temporal tx/del': r.postgresPerDelivery.temporal.commits,
            'temporal rows/del': r.postgresPerDelivery.temporal.rowsWritten,
            'visibility rows/del': r.postgresPerDelivery.temporal_visibility.rowsWritten,
            'hookflow rows/del': r.postgresPerDelivery.hookflow.rowsWritten,
            'bytes/del temporal/vis/hookflow': DATABASES.map((db) => r.postgresPerDelivery[db].bytes).join('/'),
            ...(r.missing ? { missing: r.missing } : {}),
          };
        }),
      ),
    );
    out.push('');
  }
  out.push(
    '(del = successful delivery; CPU-s/1k = CPU seconds per 1,000 deliveries, children included; tx = transactions committed, reads included; rows = inserted + updated + deleted)',
  );
  return `${out.join('\n')}\n`;
}

const round = (x: number) => Math.round(x * 100) / 100;

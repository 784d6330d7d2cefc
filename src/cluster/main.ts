// `npm run cluster`: hookflow's production shape on this machine (see
// cluster.ts), until Ctrl-C. Data stays in the data directory, so the next
// run carries on where this one stopped.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printProgress } from '../dev/progress.js';
import { startCluster } from './cluster.js';
import { ensureTemporalTools } from './temporal-tools.js';

const USAGE = `npm run cluster -- [--workers N] [--tls] [--no-ui] [--data-dir DIR] [--tools-only]

  --workers N     worker processes (default 3)
  --tls           mTLS on the Temporal frontend, with certificates made in the data directory
  --no-ui         no Temporal Web UI server
  --data-dir DIR  where PostgreSQL, logs, keys and certificates live (default .data/cluster)
  --tools-only    build the Temporal server, SQL tool and Web UI server into .tools/, then exit
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '3' },
      tls: { type: 'boolean', default: false },
      'no-ui': { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: path.join('.data', 'cluster') },
      'tools-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return void process.stdout.write(USAGE);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 32)
    throw new Error(`--workers must be a whole number from 1 to 32, not ${values.workers}`);
  if (values['tools-only']) {
    const tools = await ensureTemporalTools('.tools', printProgress);
    return void printProgress(`Temporal tools ready: ${Object.values(tools).join(', ')}`);
  }

  const cluster = await startCluster({
    dataDir: values['data-dir'],
    toolsDir: '.tools',
    workers,
    ui: !values['no-ui'],
    tls: values.tls,
    progress: printProgress,
  });
  const { parts } = cluster;
  const pid = (part: { pid: number | undefined }) => `pid ${part.pid ?? '?'}`;
  process.stderr.write(
    [
      '',
      'hookflow cluster is running',
      `  API (balancer)   ${cluster.url}   (HAProxy, ${pid(parts.balancer)}; try: curl ${cluster.url}/readyz)`,
      ...parts.apis.map((api, i) => `  api-${i + 1}            http://127.0.0.1:${api.spec.env.PORT}   (${pid(api)})`),
      ...parts.workers.map(
        (worker, i) =>
          `  worker-${i + 1}         metrics http://127.0.0.1:${worker.spec.env.HOOKFLOW_WORKER_METRICS_PORT}/metrics   (${pid(worker)})`,
      ),
      `  Temporal gRPC    ${cluster.temporal.address}${cluster.temporal.tls ? ' (mTLS)' : ''}   (${pid(parts.temporal)})`,
      `  Temporal Web UI  ${cluster.temporalUiUrl ?? '(off: --no-ui)'}`,
      `  PostgreSQL       databases temporal, temporal_visibility, hookflow   (${pid(parts.postgres)})`,
      `  admin API key    ${cluster.adminKey}   (kept in ${path.join(cluster.dataDir, 'admin-api-key')})`,
      `  logs             ${path.join(cluster.dataDir, 'logs')}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  printProgress('stopping: balancer, APIs, workers (in-flight attempts finish), Web UI, Temporal, PostgreSQL');
  await cluster.stop();
  printProgress('stopped');
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`[hookflow] ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof TypeError && 'code' in error) process.stderr.write(`\n${USAGE}`);
  process.exit(1);
});

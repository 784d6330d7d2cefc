// Entry point: `dev` runs the whole embedded stack in one command; `api`,
// `worker` and `migrate` run one part each against external services, for
// production where they scale independently.
import { loadConfig, type Config } from './config.js';
import { migrate } from './db/migrate.js';
import { createPool, type Pool } from './db/pool.js';
import { printProgress } from './dev/progress.js';
import { createLogger, type Logger } from './logger.js';
import { startApiServer } from './runtime/api-server.js';
import { startInfrastructure } from './runtime/infrastructure.js';
import { startHookflowWorker } from './runtime/worker.js';
import { DEFAULT_TEMPORAL_ADDRESS, connectTemporalClient } from './temporal/client.js';
import { registerSearchAttributes } from './temporal/search-attributes.js';

const USAGE = `usage: node --import tsx src/main.ts <command>

  dev       the whole stack: Temporal dev server + Web UI, PostgreSQL, worker and API (npm start)
  api       the HTTP API only          (needs DATABASE_URL; TEMPORAL_ADDRESS defaults to ${DEFAULT_TEMPORAL_ADDRESS})
  worker    the Temporal worker only   (same)
  migrate   apply database migrations and exit (needs DATABASE_URL)
`;

type Stop = () => Promise<void>;

async function main(command: string | undefined): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (command) {
    case 'dev':
      return runUntilSignal(await startDev(config, logger));
    case 'api':
      return runUntilSignal(await startParts({ ...config, host: config.host ?? '0.0.0.0' }, logger, { api: true, worker: false }));
    case 'worker':
      return runUntilSignal(await startParts(config, logger, { api: false, worker: true }));
    case 'migrate': {
      const pool = createPool(requireDatabaseUrl(config));
      try {
        await migrate(pool, printProgress);
      } finally {
        await pool.end();
      }
      return;
    }
    default:
      process.stderr.write(USAGE);
      process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

async function startDev(config: Config, logger: Logger): Promise<Stop> {
  printProgress(`data directory: ${config.dataDir}`);
  const infrastructure = await startInfrastructure({
    dataDir: config.dataDir,
    toolsDir: '.tools',
    temporalAddress: config.temporalAddress,
    temporalCli: config.temporalCli,
    temporalNamespace: config.temporalNamespace,
    temporalPort: config.temporalPort,
    temporalUiPort: config.temporalUiPort,
    databaseUrl: config.databaseUrl,
    postgresPort: config.postgresPort,
    progress: printProgress,
  });
  try {
    const stopParts = await startParts(
      {
        ...config,
        // The API has no authentication yet: in dev mode it answers this machine only.
        host: config.host ?? '127.0.0.1',
        temporalAddress: infrastructure.temporalAddress,
        databaseUrl: infrastructure.databaseUrl,
      },
      logger,
      { api: true, worker: true, migrate: true },
    );
    const lines = [
      '',
      'hookflow is running',
      `  API              http://localhost:${config.port}   (try: curl http://localhost:${config.port}/readyz)`,
      `  Temporal Web UI  ${infrastructure.temporalUiUrl ?? `(external Temporal at ${infrastructure.temporalAddress})`}`,
      `  Temporal gRPC    ${infrastructure.temporalAddress}`,
      `  data             ${config.dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ];
    process.stderr.write(lines.join('\n'));
    return async () => {
      await stopParts();
      printProgress('stopping PostgreSQL and Temporal');
      await infrastructure.stop();
    };
  } catch (error) {
    await infrastructure.stop();
    throw error;
  }
}

async function startParts(
  config: Config,
  logger: Logger,
  parts: { api: boolean; worker: boolean; migrate?: boolean },
): Promise<Stop> {
  const temporalAddress = config.temporalAddress ?? DEFAULT_TEMPORAL_ADDRESS;
  const pool = createPool(requireDatabaseUrl(config));
  const stops: Stop[] = [() => pool.end()];
  const stopAll: Stop = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
  };
  try {
    if (parts.migrate) await migrate(pool, printProgress);
    const { client: temporal, connection } = await connectTemporalClient(temporalAddress, config.temporalNamespace);
    stops.push(() => connection.close());
    const added = await registerSearchAttributes(connection, config.temporalNamespace);
    if (added.length > 0) printProgress(`registered search attributes: ${added.join(', ')}`);

    if (parts.worker) {
      printProgress('starting worker (bundling workflow code)');
      const worker = await startHookflowWorker({
        temporalAddress,
        namespace: config.temporalNamespace,
        taskQueue: config.taskQueue,
        pool,
        logger,
        retryScheduleSeconds: config.retryScheduleSeconds,
        deliveryTimeoutMs: config.deliveryTimeoutMs,
      });
      stops.push(worker.shutdown);
      printProgress(`worker polling task queue "${config.taskQueue}"`);
    }
    if (parts.api) {
      const api = await startApiServer({ pool, temporal, taskQueue: config.taskQueue, logger }, config.port, config.host);
      stops.push(api.close);
      printProgress(`API listening on ${api.url}`);
    }
    return stopAll;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function requireDatabaseUrl(config: Config): string {
  if (config.databaseUrl === undefined) throw new Error('DATABASE_URL is required for this command (or use `npm start` for the embedded stack)');
  return config.databaseUrl;
}

/** Runs until SIGINT/SIGTERM, then stops everything it started, once. */
async function runUntilSignal(stop: Stop): Promise<void> {
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      printProgress(`${signal} received: shutting down (press Ctrl-C again to force)`);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      // npm forwards the terminal's Ctrl-C too, so one keypress can arrive
      // twice: only a second one a moment later means "force".
      const firstAt = Date.now();
      process.on('SIGINT', () => {
        if (Date.now() - firstAt > 1_000) process.exit(130);
      });
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await stop();
  printProgress('stopped');
  // Everything hookflow started is down; native SDK threads must not keep the process alive.
  process.exit(process.exitCode ?? 0);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`[hookflow] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

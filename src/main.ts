// Entry point: `dev` runs the whole embedded stack in one command; `api`,
// `worker` and `migrate` run one part each against external services, for
// production where they scale independently.
import path from 'node:path';
import { parseWith } from './api/validate.js';
import { loadConfig, type Config } from './config.js';
import { createSecretBox, generateEncryptionKey } from './crypto/secret-box.js';
import { portalTokenKeys } from './auth/portal-tokens.js';
import { createTenantDirectory } from './services/tenant-directory.js';
import { createEventQuota } from './services/event-quota.js';
import { DEV_ADMIN_KEY_FILE, ensureDevAdminKey } from './dev/dev-admin-key.js';
import { readOrCreateSecretFile } from './dev/dev-secrets.js';
import { createApiKeySchema } from './schemas/api-key.js';
import { createApiKey } from './services/api-keys.js';
import { createAnnouncer } from './services/events.js';
import { wakeStream } from './services/ordered-streams.js';
import { redeliver } from './services/deliveries.js';
import { createEventCatalog } from './catalog/event-catalog.js';
import { createAddressPolicy } from './delivery/url-guard.js';
import { displayTarget } from './delivery/target.js';
import { createGuardedAgent, systemResolver } from './net/guarded-connect.js';
import { createMetrics } from './metrics/metrics.js';
import { startMetricsServer } from './metrics/server.js';
import { commandUsage, readCommandLine, type ParsedCommand } from './cli/command-line.js';
import { deliveriesCommand, publishCommand, redeliverCommand, skipCommand } from './cli/operator-commands.js';
import { UsageError } from './cli/usage-error.js';
import { resealCommand } from './cli/reseal-command.js';
import { requireKeyring } from './crypto/keyring-source.js';
import { migrate } from './db/migrate.js';
import { createPool, type Pool } from './db/pool.js';
import { printProgress } from './dev/progress.js';
import { createLogger, type Logger } from './logger.js';
import { startApiServer } from './runtime/api-server.js';
import { startInfrastructure } from './runtime/infrastructure.js';
import { sdkMetricsUrl } from './runtime/sdk-runtime.js';
import { startHookflowWorker } from './runtime/worker.js';
import { describeWorkerTuning } from './runtime/worker-tuning.js';
import { ensureRetentionSchedule, retentionScheduleId } from './retention/schedule.js';
import { connectSharedTemporal } from './runtime/shared-connection.js';
import { DEFAULT_TEMPORAL_ADDRESS, connectTemporalClient } from './temporal/client.js';
import { describeTemporalTarget, resolveTemporalTarget } from './temporal/connection-options.js';
import { registerSearchAttributes } from './temporal/search-attributes.js';
import type { Tracing } from './telemetry/tracing.js';

const LOOPBACK_CIDRS = '127.0.0.0/8,::1/128';

type Stop = () => Promise<void>;

async function main(argv: string[]): Promise<void> {
  // Help and usage errors come first: they need no valid environment.
  const commandLine = readCommandLine(argv);
  if ('help' in commandLine) {
    process.stdout.write(commandLine.help);
    return;
  }
  const args = commandLine.run;
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (args.command) {
    case 'start':
      return runUntilSignal(await startDev(config, logger));
    case 'publish':
      return publishCommand(config, args);
    case 'redeliver':
      return redeliverCommand(config, args);
    case 'skip':
      return skipCommand(config, args);
    case 'deliveries list':
      return deliveriesCommand(config, args);
    case 'api':
      return runUntilSignal(await startParts({ ...config, host: config.host ?? '0.0.0.0' }, logger, { api: true, worker: false }));
    case 'worker':
      return runUntilSignal(await startParts(config, logger, { api: false, worker: true }));
    case 'migrate':
      return withPool(config, (pool) => migrate(pool, printProgress).then(() => {}));
    case 'keys create':
      return withPool(config, (pool) => keysCommand(pool, args));
    case 'keys reseal':
      return resealCommand(config, args);
    default: {
      // Every command of src/cli/program.ts has a case above: the compiler checks.
      const unhandled: never = args.command;
      throw new Error(`hookflow ${String(unhandled)} has no handler in main.ts`);
    }
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
    const adminKey = await withPool({ databaseUrl: infrastructure.databaseUrl }, async (pool) => {
      await migrate(pool, printProgress);
      return config.adminKey ?? ensureDevAdminKey(pool, config.dataDir);
    });
    // A keyring configured wins; otherwise the embedded mode keeps a generated key in the data directory.
    const keyringGiven = [config.encryptionKey, config.encryptionKeys, config.encryptionKeysFile].some((v) => v !== undefined);
    const encryptionKey = keyringGiven
      ? config.encryptionKey
      : (await readOrCreateSecretFile(config.dataDir, 'encryption-key', generateEncryptionKey)).value;
    const stopParts = await startParts(
      {
        ...config,
        // The embedded mode answers this machine only, and delivers to it too
        // (local receivers are what one tries hookflow with).
        host: config.host ?? '127.0.0.1',
        allowedCidrs: [LOOPBACK_CIDRS, config.allowedCidrs].filter(Boolean).join(','),
        encryptionKey,
        temporalAddress: infrastructure.temporalAddress,
        databaseUrl: infrastructure.databaseUrl,
        // The console links each delivery to its workflow in the embedded Web UI.
        ui: { ...config.ui, temporalUiUrl: config.ui.temporalUiUrl ?? infrastructure.temporalUiUrl },
      },
      logger,
      { api: true, worker: true },
    );
    const lines = [
      '',
      'hookflow is running',
      `  API              http://localhost:${config.port}   (try: curl http://localhost:${config.port}/readyz)`,
      `  console          http://localhost:${config.port}/console   (sign in with the admin API key below)`,
      `  Temporal Web UI  ${infrastructure.temporalUiUrl ?? `(external Temporal at ${infrastructure.temporalAddress})`}`,
      `  Temporal gRPC    ${infrastructure.temporalAddress}`,
      `  data             ${config.dataDir}`,
      config.adminKey
        ? '  admin API key    HOOKFLOW_ADMIN_KEY from the environment'
        : `  admin API key    ${adminKey}   (kept in ${path.join(config.dataDir, DEV_ADMIN_KEY_FILE)})`,
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

async function startParts(config: Config, logger: Logger, parts: { api: boolean; worker: boolean }): Promise<Stop> {
  const temporalTarget = resolveTemporalTarget({
    address: config.temporalAddress ?? DEFAULT_TEMPORAL_ADDRESS,
    tls: config.temporalTls,
    apiKey: config.temporalApiKey,
  });
  const keyring = await requireKeyring(config);
  const secretBox = createSecretBox(keyring);
  const addressPolicy = createAddressPolicy({ allowedCidrs: config.allowedCidrs, httpsOnly: config.httpsOnly });
  // The worker runs up to a hundred activities at once, each needing a connection now and then.
  const pool = createPool(requireDatabaseUrl(config), parts.worker ? 30 : 10);
  const stops: Stop[] = [() => pool.end()];
  const stopAll: Stop = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
  };
  try {
    // Before any client: spans end and are flushed last, after API and worker have stopped.
    const tracing = await startTracingIfConfigured(config, parts);
    if (tracing) stops.push(() => tracing.shutdown());
    const interceptors = tracing?.temporal.client;
    // One registry per process: in the embedded mode API and worker share it,
    // and the API's /metrics carries the worker's SDK metrics too.
    const metrics = createMetrics({ pool, sdkMetricsUrl });
    // One copy of the event catalog per process, for the API's publishing and the worker's announcements alike.
    const catalog = createEventCatalog({ pool, logger, requireEventTypes: config.requireEventTypes });
    // API and worker in one process share one connection: events start eagerly.
    const shared =
      parts.api && parts.worker ? await connectSharedTemporal(temporalTarget, config.temporalNamespace, logger, interceptors) : undefined;
    const { client: temporal, connection } = shared ?? (await connectTemporalClient(temporalTarget, config.temporalNamespace, interceptors));
    stops.push(() => connection.close());
    printProgress(`connected to Temporal at ${describeTemporalTarget(temporalTarget)}`);
    const added = await registerSearchAttributes(connection, config.temporalNamespace);
    if (added.length > 0) printProgress(`registered search attributes: ${added.join(', ')}`);

    if (parts.worker) {
      printProgress(`starting worker (bundling workflow code; tuning: ${describeWorkerTuning(config.workerTuning)})`);
      const worker = await startHookflowWorker({
        temporal: temporalTarget,
        ...(shared ? { connection: shared.connection } : {}),
        ...(tracing ? { tracing } : {}),
        namespace: config.temporalNamespace,
        taskQueue: config.taskQueue,
        tuning: config.workerTuning,
        activities: {
          pool,
          logger,
          secretBox,
          addressPolicy,
          retryScheduleSeconds: config.retryScheduleSeconds,
          deliveryTimeoutMs: config.deliveryTimeoutMs,
          deliveryWorkflows: config.deliveryWorkflows,
          breaker: config.breaker,
          autoDisableAfterMs: config.autoDisableAfterMs,
          announce: createAnnouncer({ pool, temporal, taskQueue: config.taskQueue, catalog }),
          orderedStreams: {
            wake: (subscriptionId, tenantId) => wakeStream({ temporal, taskQueue: config.taskQueue }, subscriptionId, tenantId),
            holdBackMs: config.fifoHoldBackMs,
          },
          redeliver: (deliveryId) => redeliver({ pool, temporal, taskQueue: config.taskQueue }, deliveryId),
          metrics,
        },
      });
      stops.push(() => worker.shutdown());
      await ensureRetentionSchedule(temporal, { taskQueue: config.taskQueue, ...config.retention, auditRetentionDays: config.auditRetentionDays });
      printProgress(`retention: Schedule "${retentionScheduleId(config.taskQueue)}" every ${config.retention.intervalSeconds} s`);
      if (!parts.api) {
        const metricsServer = await startMetricsServer(metrics, config.workerMetricsPort);
        stops.push(() => metricsServer.close());
        printProgress(`worker metrics on ${metricsServer.url}`);
      }
      printProgress(`worker polling task queue "${config.taskQueue}"`);
    }
    if (parts.api) {
      const tenants = createTenantDirectory(pool, logger);
      stops.push(async () => tenants.stop());
      const eventQuota = createEventQuota(pool, logger);
      stops.push(async () => eventQuota.stop());
      // Test sends go out through the SSRF guard with the worker's policy.
      const webhookHttp = createGuardedAgent(addressPolicy, systemResolver);
      stops.push(() => webhookHttp.close());
      const api = await startApiServer(
        {
          pool,
          temporal,
          taskQueue: config.taskQueue,
          logger,
          secretBox,
          portalTokenKey: portalTokenKeys(keyring)[0]!,
          portalTokenVerifyKeys: portalTokenKeys(keyring),
          tenants,
          eventQuota,
          secretRotationOverlapSeconds: config.secretRotationOverlapSeconds,
          adminKey: config.adminKey,
          rateLimit: { ratePerSecond: config.apiRateLimitPerSecond, capacity: 2 * config.apiRateLimitPerSecond },
          keyTrustDuringOutageMs: config.keyTrustDuringOutageMs,
          addressPolicy,
          resolve: systemResolver,
          metrics,
          catalog,
          webhookHttp,
          deliveryTimeoutMs: config.deliveryTimeoutMs,
          exampleFor: (eventType) => catalog.firstExample(eventType),
          eagerStart: shared !== undefined,
          ui: config.ui,
          ...(tracing ? { tracer: tracing.tracer } : {}),
        },
        config.port,
        config.host,
      );
      stops.push(() => api.close());
      printProgress(`API listening on ${api.url}`);
    }
    return stopAll;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set. The SDK is
 * imported only then: without it, nothing of it is loaded.
 */
async function startTracingIfConfigured(config: Config, parts: { api: boolean; worker: boolean }): Promise<Tracing | undefined> {
  if (config.otlpEndpoint === undefined) return undefined;
  const { startTracing } = await import('./telemetry/tracing.js');
  const part = parts.api && parts.worker ? 'hookflow' : parts.api ? 'hookflow-api' : 'hookflow-worker';
  const tracing = startTracing({ endpoint: config.otlpEndpoint, serviceName: config.otelServiceName ?? part });
  printProgress(`tracing to ${displayTarget(config.otlpEndpoint)} as ${config.otelServiceName ?? part}`);
  return tracing;
}

async function withPool<T>(config: Pick<Config, 'databaseUrl'>, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool(requireDatabaseUrl(config));
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** `keys create --name <name> [--scope admin|publish]...`: prints the new key, once. */
async function keysCommand(pool: Pool, args: ParsedCommand): Promise<void> {
  const input = parseWith(createApiKeySchema, {
    name: args.string('name'),
    scopes: args.strings('scope') ?? ['admin'],
    ...(args.string('tenant') === undefined ? {} : { tenantId: args.string('tenant') }),
  });
  const created = await createApiKey(pool, input);
  process.stderr.write(`created API key ${created.id} "${created.name}" with scopes ${created.scopes.join(', ')}; it is shown this once:\n`);
  process.stdout.write(`${created.key}\n`);
}

function requireDatabaseUrl(config: Pick<Config, 'databaseUrl'>): string {
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

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`[hookflow] ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof UsageError) process.stderr.write(`\n${commandUsage(error.command)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});

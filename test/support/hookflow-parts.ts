// hookflow's parts wired for tests and scripts: a worker and the API's
// dependencies on a given PostgreSQL and Temporal, with short waits and
// loopback receivers allowed. One place, so tests and scripts agree.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { ApiDeps } from '../../src/api/deps.js';
import { createSecretBox, generateEncryptionKey } from '../../src/crypto/secret-box.js';
import { portalTokenKey } from '../../src/auth/portal-tokens.js';
import { createTenantDirectory } from '../../src/services/tenant-directory.js';
import { createEventQuota } from '../../src/services/event-quota.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { createAddressPolicy } from '../../src/delivery/url-guard.js';
import { freePort } from '../../src/dev/ports.js';
import { printProgress } from '../../src/dev/progress.js';
import type { Logger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { createGuardedAgent, systemResolver, type Resolver } from '../../src/net/guarded-connect.js';
import type { JsonValue } from '../../src/json.js';
import { startInfrastructure, type Infrastructure } from '../../src/runtime/infrastructure.js';
import { sdkMetricsUrl } from '../../src/runtime/sdk-runtime.js';
import { startHookflowWorker, type HookflowWorker } from '../../src/runtime/worker.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { createAnnouncer } from '../../src/services/events.js';
import { wakeStream } from '../../src/services/ordered-streams.js';
import { redeliver } from '../../src/services/deliveries.js';
import { createEventCatalog } from '../../src/catalog/event-catalog.js';
import { connectTemporalClient } from '../../src/temporal/client.js';
import { registerSearchAttributes } from '../../src/temporal/search-attributes.js';
import { REPO_ROOT } from './hookflow-process.js';
import type { DeliveryWorkflowsMode } from '../../src/schemas/delivery.js';
import type { Tracing } from '../../src/telemetry/tracing.js';

export interface PartsOptions {
  pool: Pool;
  temporal: Client;
  temporalAddress: string;
  taskQueue: string;
  logger: Logger;
  retryScheduleSeconds: number[];
  deliveryTimeoutMs?: number;
  /** The worker's HOOKFLOW_DELIVERY_WORKFLOWS; the default mode unless a test asks for the other. */
  deliveryWorkflows?: DeliveryWorkflowsMode;
  /** How long fifo streams hold an event back (short for tests). */
  fifoHoldBackMs?: number;
  breaker?: { failureThreshold: number; baseCooldownMs: number; maxCooldownMs: number };
  autoDisableAfterMs?: number;
  /** CIDRs the SSRF guard lets through; loopback by default, for the receivers. */
  allowedCidrs?: string;
  resolve?: Resolver;
  apiRateLimitPerSecond?: number;
  secretRotationOverlapSeconds?: number;
  /** Test sends' example payloads (by default the event catalog's first example of the type). */
  exampleFor?: (eventType: string) => Promise<JsonValue | undefined>;
  /** Traces the worker and the API (the Temporal client's interceptors are the caller's to add). */
  tracing?: Tracing;
  /** HOOKFLOW_REQUIRE_EVENT_TYPES for the API and the worker's announcements. */
  requireEventTypes?: boolean;
}

export interface Parts {
  apiDeps: ApiDeps;
  worker: HookflowWorker;
  workerOptions: Parameters<typeof startHookflowWorker>[0];
  /** An admin API key stored in the database. */
  adminKey: string;
  /** The key that seals signing secrets. */
  encryptionKey: string;
}

export async function startHookflowParts(options: PartsOptions): Promise<Parts> {
  const { pool, temporal, taskQueue, logger } = options;
  const encryptionKey = generateEncryptionKey();
  const secretBox = createSecretBox(encryptionKey);
  const metrics = createMetrics({ pool, defaultMetrics: false, sdkMetricsUrl });
  const addressPolicy = createAddressPolicy({ allowedCidrs: options.allowedCidrs ?? '127.0.0.0/8,::1/128' });
  const resolve = options.resolve ?? systemResolver;
  const catalog = createEventCatalog({ pool, logger, requireEventTypes: options.requireEventTypes ?? false });
  const workerOptions: Parameters<typeof startHookflowWorker>[0] = {
    temporal: { address: options.temporalAddress },
    namespace: 'default',
    taskQueue,
    resolve,
    ...(options.tracing === undefined ? {} : { tracing: options.tracing }),
    activities: {
      pool,
      logger,
      secretBox,
      addressPolicy,
      retryScheduleSeconds: options.retryScheduleSeconds,
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? 2_000,
      deliveryWorkflows: options.deliveryWorkflows ?? 'on-failure',
      pausedRecheckMs: 300,
      // No breaker in the way unless a test asks for one.
      breaker: options.breaker ?? { failureThreshold: 1000, baseCooldownMs: 1000, maxCooldownMs: 1000 },
      autoDisableAfterMs: options.autoDisableAfterMs ?? 5 * 86_400_000,
      announce: createAnnouncer({ pool, temporal, taskQueue, catalog }),
      orderedStreams: {
        wake: (subscriptionId, tenantId) => wakeStream({ temporal, taskQueue }, subscriptionId, tenantId),
        holdBackMs: options.fifoHoldBackMs ?? 200,
      },
      redeliver: (deliveryId) => redeliver({ pool, temporal, taskQueue }, deliveryId),
      metrics,
    },
  };
  const worker = await startHookflowWorker(workerOptions);
  const { key: adminKey } = await createApiKey(pool, { name: 'test admin', scopes: ['admin'] });
  const rate = options.apiRateLimitPerSecond ?? 10_000;
  const apiDeps: ApiDeps = {
    pool,
    temporal,
    taskQueue,
    logger,
    secretBox,
    portalTokenKey: portalTokenKey(encryptionKey),
    tenants: createTenantDirectory(pool, logger),
    eventQuota: createEventQuota(pool, logger),
    secretRotationOverlapSeconds: options.secretRotationOverlapSeconds ?? 24 * 3600,
    adminKey: undefined,
    rateLimit: { ratePerSecond: rate, capacity: 2 * rate },
    addressPolicy,
    resolve,
    metrics,
    catalog,
    webhookHttp: createGuardedAgent(addressPolicy, resolve),
    deliveryTimeoutMs: workerOptions.activities.deliveryTimeoutMs,
    exampleFor: options.exampleFor ?? ((eventType) => catalog.firstExample(eventType)),
    ...(options.tracing === undefined ? {} : { tracer: options.tracing.tracer }),
  };
  return { apiDeps, worker, workerOptions, adminKey, encryptionKey };
}

export { REPO_ROOT };

export interface ScratchStack {
  infrastructure: Infrastructure;
  pool: Pool;
  temporal: Client;
  connection: Connection;
  stop(): Promise<void>;
}

/** For scripts: an embedded Temporal and PostgreSQL in a throw-away directory, migrated and ready. */
export async function startScratchStack(
  prefix: string,
  options: { temporalUiPort?: number; temporalDynamicConfig?: Record<string, string | number | boolean> } = {},
): Promise<ScratchStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  await chmod(dataDir, 0o755); // embedded Postgres runs as the `postgres` user when we are root
  const infrastructure = await startInfrastructure({
    dataDir,
    toolsDir: path.join(REPO_ROOT, '.tools'),
    temporalAddress: undefined,
    temporalCli: process.env.TEMPORAL_CLI,
    temporalNamespace: 'default',
    temporalPort: await freePort(),
    temporalUiPort: options.temporalUiPort,
    databaseUrl: undefined,
    postgresPort: await freePort(),
    progress: printProgress,
    ...(options.temporalDynamicConfig === undefined ? {} : { temporalDynamicConfig: options.temporalDynamicConfig }),
  });
  const pool = createPool(infrastructure.databaseUrl, 30);
  const { client: temporal, connection } = await connectTemporalClient({ address: infrastructure.temporalAddress }, 'default');
  await migrate(pool, printProgress);
  await registerSearchAttributes(connection, 'default');
  return {
    infrastructure,
    pool,
    temporal,
    connection,
    async stop() {
      await connection.close();
      await pool.end();
      await infrastructure.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

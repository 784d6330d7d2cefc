// One test file's hookflow: its own database on the shared PostgreSQL, its own
// task queue on the shared Temporal server, a real worker, and the real Hono
// app called through app.request().
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Hono } from 'hono';
import { createApp } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/deps.js';
import type { AppEnv } from '../../src/api/env.js';
import { systemResolver, type Resolver } from '../../src/net/guarded-connect.js';
import { startHookflowParts } from './hookflow-parts.js';
import { freePort } from '../../src/dev/ports.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { createLogger } from '../../src/logger.js';
import { startHookflowWorker, type HookflowWorker } from '../../src/runtime/worker.js';
import { connectTemporalClient } from '../../src/temporal/client.js';
import { registerSearchAttributes } from '../../src/temporal/search-attributes.js';
import type { DeliveryWorkflowsMode } from '../../src/schemas/delivery.js';
import type { Tracing } from '../../src/telemetry/tracing.js';

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestStack {
  app: Hono<AppEnv>;
  /** What the app was built from: for tests that build a variant of it. */
  apiDeps: ApiDeps;
  /** An admin API key, sent by api() unless the headers give an Authorization of their own. */
  adminKey: string;
  /** The key that seals signing secrets in this stack's database. */
  encryptionKey: string;
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  worker: HookflowWorker;
  /** What the worker was started with: for tests that call an activity themselves. */
  workerOptions: Parameters<typeof startHookflowWorker>[0];
  /** Starts another worker on the same task queue (workers share breaker and rate-limit state). */
  startAnotherWorker(identity: string): Promise<HookflowWorker>;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer<T>>;
  close(): Promise<void>;
}

/** The environment of a hookflow part run as its own process (src/main.ts) against this stack's database and Temporal. */
export async function partEnv(stack: TestStack, taskQueue: string, extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    DATABASE_URL: (stack.pool.options as { connectionString: string }).connectionString,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    HOOKFLOW_TASK_QUEUE: taskQueue,
    HOOKFLOW_ENCRYPTION_KEY: stack.encryptionKey,
    HOOKFLOW_ALLOWED_CIDRS: '127.0.0.0/8',
    HOOKFLOW_WORKER_METRICS_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function startTestStack(options: {
  retryScheduleSeconds: number[];
  apiRateLimitPerSecond?: number;
  secretRotationOverlapSeconds?: number;
  /** Receives every log line (JSON) at trace level and up, instead of stdout. */
  logSink?: (line: string) => void;
  /** CIDRs the SSRF guard lets through; loopback by default, for the receivers. */
  allowedCidrs?: string;
  /** Extra host names, resolved before the system resolver (a hosts file for tests). */
  hosts?: Record<string, string[]>;
  breaker?: { failureThreshold: number; baseCooldownMs: number; maxCooldownMs: number };
  autoDisableAfterMs?: number;
  deliveryWorkflows?: DeliveryWorkflowsMode;
  fifoHoldBackMs?: number;
  /** Traces the API, the Temporal client and the worker into this (started) tracing. */
  tracing?: Tracing;
  /** Test sends' example payloads (none by default, as without an event catalog). */
  exampleFor?: ApiDeps['exampleFor'];
}): Promise<TestStack> {
  const databaseUrl = await createDatabase(inject('databaseUrl'), uniqueName('hookflow_test'));
  const pool = createPool(databaseUrl);
  await migrate(pool);
  const { client: temporal, connection } = await connectTemporalClient(
    { address: inject('temporalAddress') },
    'default',
    options.tracing?.temporal.client,
  );
  await registerSearchAttributes(connection, 'default');
  const taskQueue = uniqueName('hookflow-test');
  const logSink = options.logSink;
  const logger = logSink ? createLogger('trace', { write: (line: string) => logSink(line) }) : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const hosts = options.hosts ?? {};
  const resolve: Resolver = async (hostname) =>
    hosts[hostname]?.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })) ?? systemResolver(hostname);
  const { apiDeps, worker, workerOptions, adminKey, encryptionKey } = await startHookflowParts({
    pool,
    temporal,
    temporalAddress: inject('temporalAddress'),
    taskQueue,
    logger,
    retryScheduleSeconds: options.retryScheduleSeconds,
    resolve,
    ...(options.allowedCidrs === undefined ? {} : { allowedCidrs: options.allowedCidrs }),
    ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
    ...(options.autoDisableAfterMs === undefined ? {} : { autoDisableAfterMs: options.autoDisableAfterMs }),
    ...(options.deliveryWorkflows === undefined ? {} : { deliveryWorkflows: options.deliveryWorkflows }),
    ...(options.fifoHoldBackMs === undefined ? {} : { fifoHoldBackMs: options.fifoHoldBackMs }),
    ...(options.apiRateLimitPerSecond === undefined ? {} : { apiRateLimitPerSecond: options.apiRateLimitPerSecond }),
    ...(options.secretRotationOverlapSeconds === undefined ? {} : { secretRotationOverlapSeconds: options.secretRotationOverlapSeconds }),
    ...(options.tracing === undefined ? {} : { tracing: options.tracing }),
    ...(options.exampleFor === undefined ? {} : { exampleFor: options.exampleFor }),
  });
  const app = createApp(apiDeps);
  const extraWorkers: HookflowWorker[] = [];

  return {
    app,
    apiDeps,
    adminKey,
    encryptionKey,
    pool,
    temporal,
    taskQueue,
    worker,
    workerOptions,
    async startAnotherWorker(identity) {
      const another = await startHookflowWorker({ ...workerOptions, identity });
      extraWorkers.push(another);
      return another;
    },
    async api(method, path, body, headers = {}) {
      const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
      const init: RequestInit = { method, headers: hasAuthorization ? { ...headers } : { authorization: `Bearer ${adminKey}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const response = await app.request(path, init);
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      apiDeps.tenants.stop();
      await Promise.all(extraWorkers.map((w) => w.shutdown()));
      await worker.shutdown();
      await apiDeps.webhookHttp.close();
      await connection.close();
      await pool.end();
    },
  };
}

/** A new, empty database on the shared PostgreSQL server; its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error : new Error(String(error));
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

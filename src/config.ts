// The only reader of process.env: every setting is parsed and validated here,
// so a typo in the environment fails at start-up with a clear message.
import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from './delivery/retry-schedule.js';
import type { TemporalTlsSettings } from './temporal/connection-options.js';
import { deliveryWorkflowsModeSchema, type DeliveryWorkflowsMode } from './schemas/delivery.js';
import { KeyringError, parseKeyring } from './crypto/keyring.js';
import { DEFAULT_UI_OPTIONS, type UiOptions } from './ui/options.js';
import { workerTuningOf, workerTuningProblems, workerTuningVariables, type WorkerTuning } from './runtime/worker-tuning.js';

const retryScheduleFromEnv = z.string().transform((value, ctx) => {
  const parts = value.split(',').map((part) => part.trim());
  // Number('') is 0: an empty entry must be an error, not an immediate retry.
  const valid = parts.every((part) => /^\d+(\.\d+)?$/.test(part));
  if (!valid) {
    ctx.addIssue({ code: 'custom', message: 'expected comma-separated non-negative seconds, e.g. "5,300,1800"' });
    return z.NEVER;
  }
  return parts.map(Number);
});

/** A whole-number variable. An empty value is an error, not 0 (which is how z.coerce reads ''). */
function integerFromEnv(min: number, max: number, fallback: number) {
  return z.string().regex(/^\d+$/, 'expected a whole number').default(String(fallback)).transform(Number).pipe(z.number().int().min(min).max(max));
}

const configSchema = z
  .object({
    PORT: integerFromEnv(0, 65535, 3000),
    HOST: z.string().min(1).optional(),
    DATABASE_URL: z.string().url().optional(),
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    // mTLS (a self-hosted cluster) and API keys (Temporal Cloud): PEM text or a file path each.
    TEMPORAL_TLS: z
      .enum(['true', 'false', '1', '0'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
    TEMPORAL_TLS_CERT: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY: z.string().min(1).optional(),
    TEMPORAL_TLS_CA: z.string().min(1).optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    HOOKFLOW_TASK_QUEUE: z.string().min(1).default('hookflow'),
    HOOKFLOW_DATA_DIR: z.string().min(1).default('.data'),
    HOOKFLOW_RETRY_SCHEDULE: retryScheduleFromEnv.optional(),
    HOOKFLOW_DELIVERY_TIMEOUT_MS: integerFromEnv(100, 60_000, 15_000),
    HOOKFLOW_DELIVERY_WORKFLOWS: deliveryWorkflowsModeSchema.default('on-failure'),
    HOOKFLOW_FIFO_HOLD_BACK_MS: integerFromEnv(0, 3_600_000, 15_000),
    TEMPORAL_PORT: integerFromEnv(1, 65535, 7233),
    TEMPORAL_UI_PORT: integerFromEnv(1, 65535, 8233),
    HOOKFLOW_POSTGRES_PORT: integerFromEnv(1, 65535, 54329),
    TEMPORAL_CLI: z.string().min(1).optional(),
    HOOKFLOW_ENCRYPTION_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected 32 random bytes, base64-encoded (openssl rand -base64 32)')
      .optional(),
    // Several keys, `id:<base64>` each, primary first (see src/crypto/keyring.ts); or the same in a file.
    HOOKFLOW_ENCRYPTION_KEYS: z.string().superRefine(refineKeyring).optional(),
    HOOKFLOW_ENCRYPTION_KEYS_FILE: z.string().min(1).optional(),
    HOOKFLOW_ADMIN_KEY: z
      .string()
      .min(32, 'use at least 32 characters')
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces')
      .optional(),
    HOOKFLOW_SECRET_ROTATION_OVERLAP_SECONDS: integerFromEnv(0, 7 * 24 * 3600, 24 * 3600),
    HOOKFLOW_AUDIT_RETENTION_DAYS: integerFromEnv(1, 100 * 366, 365),
    HOOKFLOW_API_RATE_LIMIT_PER_SECOND: integerFromEnv(1, 1_000_000, 100),
    HOOKFLOW_KEY_TRUST_DURING_OUTAGE_SECONDS: integerFromEnv(0, 24 * 3600, 600),
    HOOKFLOW_ALLOWED_CIDRS: z.string().default(''),
    HOOKFLOW_BREAKER_FAILURE_THRESHOLD: integerFromEnv(1, 1000, 5),
    HOOKFLOW_BREAKER_COOLDOWN_SECONDS: integerFromEnv(1, 86_400, 30),
    HOOKFLOW_BREAKER_MAX_COOLDOWN_SECONDS: integerFromEnv(1, 7 * 86_400, 600),
    HOOKFLOW_AUTO_DISABLE_AFTER_SECONDS: integerFromEnv(60, 365 * 86_400, 5 * 86_400),
    HOOKFLOW_WORKER_METRICS_PORT: integerFromEnv(0, 65535, 9465),
    ...workerTuningVariables,
    HOOKFLOW_RETENTION_DAYS: integerFromEnv(1, 3650, 30),
    HOOKFLOW_RETENTION_INTERVAL_SECONDS: integerFromEnv(60, 7 * 86_400, 3600),
    HOOKFLOW_RETENTION_BATCH_SIZE: integerFromEnv(1, 100_000, 1000),
    HOOKFLOW_URL: z.url().optional(),
    // The console (/console) and the portal (/portal).
    HOOKFLOW_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    HOOKFLOW_TEMPORAL_UI_URL: z.url({ protocol: /^https?$/ }).optional(),
    HOOKFLOW_UI_SESSION_IDLE_MINUTES: integerFromEnv(1, 24 * 60, 30),
    HOOKFLOW_PORTAL_NAME: z.string().min(1).max(80).default('Webhooks'),
    HOOKFLOW_PORTAL_LOGO_URL: z.url({ protocol: /^https$/, error: 'expected an https:// URL of an image' }).optional(),
    HOOKFLOW_PORTAL_ACCENT_COLOR: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'expected a hex colour, e.g. #0b57d0')
      .default('#0b57d0'),
    HOOKFLOW_PORTAL_FRAME_ANCESTORS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/i, 'expected https origins, comma-separated, e.g. https://app.example.com'))),
    HOOKFLOW_API_KEY: z.string().min(1).optional(),
    HOOKFLOW_HTTPS_ONLY: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    HOOKFLOW_REQUIRE_EVENT_TYPES: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // OpenTelemetry's own names, so a deployment's usual OTel settings apply.
    // OTLP over HTTP (the exporter's only transport here): a bare host:port would parse as a URL of scheme "host".
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL, e.g. http://localhost:4318' }).optional(),
    OTEL_SERVICE_NAME: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    // One of a pair alone is a half-configured mTLS that would fail at the handshake, far from its cause.
    if ((env.TEMPORAL_TLS_CERT === undefined) !== (env.TEMPORAL_TLS_KEY === undefined)) {
      const missing = env.TEMPORAL_TLS_CERT === undefined ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY together (client certificate and its key)',
      });
    }
    if (env.TEMPORAL_TLS === false && (env.TEMPORAL_TLS_CERT ?? env.TEMPORAL_TLS_CA ?? env.TEMPORAL_TLS_SERVER_NAME) !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS'], message: 'TEMPORAL_TLS=false contradicts the TEMPORAL_TLS_* settings that are set' });
    }
  })
  .superRefine(
    (env, ctx) => {
      for (const { variable, message } of workerTuningProblems(env)) ctx.addIssue({ code: 'custom', path: [variable], message });
    },
    // Comparing values that are themselves invalid would only repeat their problem in other words.
    { when: (payload) => !payload.issues.some((issue) => String(issue.path?.[0]) in workerTuningVariables) },
  );

/** The names of every variable hookflow reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(configSchema.shape);

/** The commands of `hookflow` (src/cli/program.ts defines them; a test keeps the two equal). */
export const COMMAND_NAMES = [
  'start',
  'api',
  'worker',
  'migrate',
  'keys create',
  'keys reseal',
  'publish',
  'redeliver',
  'skip',
  'deliveries list',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

// Who reads what, by role: the CLI's help lists, for each command, exactly the
// variables whose `readBy` names it.
const SERVING = ['start', 'api'] as const;
const DELIVERING = ['start', 'worker'] as const;
/** Both the API (validating subscription URLs, publishing) and the worker (connecting, announcing) apply these. */
const SERVING_AND_DELIVERING = ['start', 'api', 'worker'] as const;
/** Everything that connects to Temporal and opens sealed secrets. */
const CONNECTING = ['start', 'api', 'worker', 'keys reseal'] as const;
const API_CLIENTS = ['publish', 'redeliver', 'skip', 'deliveries list'] as const;

export interface EnvironmentVariable {
  /** What it means to someone at the command line, default included. */
  help: string;
  readBy: readonly CommandName[];
}

/**
 * Every variable configSchema reads (the type makes it every one, and no
 * other), what it means, and which commands read it: the one source of the
 * environment sections of `hookflow <command> --help`.
 */
export const ENVIRONMENT = {
  PORT: { help: 'API port (default 3000)', readBy: [...SERVING, ...API_CLIENTS] },
  HOST: { help: 'interface the API binds (default 127.0.0.1 for start, 0.0.0.0 for api)', readBy: SERVING },
  DATABASE_URL: { help: 'PostgreSQL to use (start: instead of the embedded one)', readBy: [...CONNECTING, 'migrate', 'keys create'] },
  TEMPORAL_ADDRESS: {
    help: 'Temporal to use (start: instead of the embedded dev server; api and worker: default localhost:7233)',
    readBy: CONNECTING,
  },
  TEMPORAL_NAMESPACE: { help: 'Temporal namespace (default "default")', readBy: CONNECTING },
  TEMPORAL_TLS: {
    help: 'true: connect to Temporal over TLS (on by default when a TEMPORAL_TLS_* setting or TEMPORAL_API_KEY is set)',
    readBy: CONNECTING,
  },
  TEMPORAL_TLS_CERT: { help: 'client certificate for mTLS to Temporal: PEM text or a file path (with TEMPORAL_TLS_KEY)', readBy: CONNECTING },
  TEMPORAL_TLS_KEY: { help: "the client certificate's private key: PEM text or a file path", readBy: CONNECTING },
  TEMPORAL_TLS_CA: {
    help: "CA that signed the Temporal server's certificate: PEM text or a file path (default: the system's CAs)",
    readBy: CONNECTING,
  },
  TEMPORAL_TLS_SERVER_NAME: {
    help: "name to expect in the Temporal server's certificate (default: the host of TEMPORAL_ADDRESS)",
    readBy: CONNECTING,
  },
  TEMPORAL_API_KEY: { help: 'API key for Temporal (Temporal Cloud); turns TLS on', readBy: CONNECTING },
  HOOKFLOW_TASK_QUEUE: { help: 'task queue of the workflows and activities (default "hookflow")', readBy: CONNECTING },
  HOOKFLOW_DATA_DIR: { help: 'where the embedded services and generated keys live (default .data)', readBy: ['start', ...API_CLIENTS] },
  TEMPORAL_CLI: { help: 'Temporal CLI for the embedded dev server (default: temporal on PATH, else .tools/bin/temporal)', readBy: ['start'] },
  TEMPORAL_PORT: { help: 'embedded Temporal dev server gRPC port (default 7233)', readBy: ['start'] },
  TEMPORAL_UI_PORT: { help: 'embedded Temporal Web UI port (default 8233)', readBy: ['start'] },
  HOOKFLOW_POSTGRES_PORT: { help: 'embedded PostgreSQL port (default 54329)', readBy: ['start'] },
  HOOKFLOW_ENCRYPTION_KEY: {
    help: 'seals signing secrets: 32 random bytes, base64 (start generates one into the data directory)',
    readBy: CONNECTING,
  },
  HOOKFLOW_ENCRYPTION_KEYS: {
    help: 'a keyring instead, for rotation: id:<base64>,id:<base64>, the first seals (see README, Rotating the encryption key)',
    readBy: CONNECTING,
  },
  HOOKFLOW_ENCRYPTION_KEYS_FILE: { help: 'the keyring in a file, one id:<base64> a line', readBy: CONNECTING },
  HOOKFLOW_ADMIN_KEY: { help: 'an admin API key accepted as given (at least 32 characters)', readBy: SERVING },
  HOOKFLOW_RETRY_SCHEDULE: { help: 'default retry waits in seconds, comma-separated (default: the Standard Webhooks schedule)', readBy: DELIVERING },
  HOOKFLOW_DELIVERY_TIMEOUT_MS: { help: 'default timeout of one delivery attempt (default 15000)', readBy: DELIVERING },
  HOOKFLOW_FIFO_HOLD_BACK_MS: {
    help: 'a fifo subscription gets an event only once it was accepted this long ago, so an earlier one still being recorded is not overtaken (default 15000)',
    readBy: DELIVERING,
  },
  HOOKFLOW_DELIVERY_WORKFLOWS: {
    help: 'on-failure (default: first attempts inside the event workflow, a delivery workflow only to retry) or always (a delivery workflow per subscriber)',
    readBy: DELIVERING,
  },
  HOOKFLOW_SECRET_ROTATION_OVERLAP_SECONDS: { help: 'how long a rotated-out secret keeps signing (default 86400)', readBy: SERVING },
  HOOKFLOW_AUDIT_RETENTION_DAYS: { help: 'how many days the audit trail keeps its events (default 365)', readBy: DELIVERING },
  HOOKFLOW_API_RATE_LIMIT_PER_SECOND: {
    help: 'requests per second per API key across all API processes, burst twice that (default 100)',
    readBy: SERVING,
  },
  HOOKFLOW_KEY_TRUST_DURING_OUTAGE_SECONDS: {
    help: 'while PostgreSQL is down, a key verified this recently may still publish; 0: never (default 600)',
    readBy: SERVING,
  },
  HOOKFLOW_ALLOWED_CIDRS: {
    help: 'delivery targets allowed despite the SSRF guard, comma-separated CIDRs (start adds loopback)',
    readBy: SERVING_AND_DELIVERING,
  },
  HOOKFLOW_HTTPS_ONLY: { help: 'true: refuse http:// subscription URLs (default false)', readBy: SERVING_AND_DELIVERING },
  HOOKFLOW_REQUIRE_EVENT_TYPES: {
    help: 'true: refuse events whose type is not in the event catalog (default false: only types with a schema are checked)',
    readBy: SERVING_AND_DELIVERING,
  },
  HOOKFLOW_BREAKER_FAILURE_THRESHOLD: { help: "consecutive failed attempts that open a subscription's circuit (default 5)", readBy: DELIVERING },
  HOOKFLOW_BREAKER_COOLDOWN_SECONDS: { help: 'first circuit cool-down (default 30)', readBy: DELIVERING },
  HOOKFLOW_BREAKER_MAX_COOLDOWN_SECONDS: { help: 'longest circuit cool-down (default 600)', readBy: DELIVERING },
  HOOKFLOW_AUTO_DISABLE_AFTER_SECONDS: { help: 'failing without a success this long disables a subscription (default 432000)', readBy: DELIVERING },
  HOOKFLOW_WORKER_METRICS_PORT: { help: "port of the worker's Prometheus /metrics (default 9465)", readBy: ['worker'] },
  // Worker tuning (src/runtime/worker-tuning.ts): unset, each is the Temporal SDK's default.
  HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: {
    help: "workflows kept in the worker's cache, at least 2 (default: the SDK's, sized from the heap)",
    readBy: DELIVERING,
  },
  HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS: {
    help: "workflow tasks run at once (default: the SDK's 40; at least 2 with the cache on, at most the cached workflows)",
    readBy: DELIVERING,
  },
  HOOKFLOW_WORKER_LOCAL_ACTIVITY_SLOTS: {
    help: "local activities (first attempts, recording and fanning out events, bookkeeping) run at once (default: the SDK's 100)",
    readBy: DELIVERING,
  },
  HOOKFLOW_WORKER_ACTIVITY_SLOTS: {
    help: "activities (retries, retention, recovery, re-sealing) run at once (default: the SDK's 100)",
    readBy: DELIVERING,
  },
  HOOKFLOW_WORKER_WORKFLOW_POLLERS: {
    help: "concurrent workflow task polls (default: the SDK's, up to 10; at least 2 with the cache on, at most the workflow task slots)",
    readBy: DELIVERING,
  },
  HOOKFLOW_WORKER_ACTIVITY_POLLERS: {
    help: "concurrent activity task polls (default: the SDK's, up to 10; at most the activity slots)",
    readBy: DELIVERING,
  },
  HOOKFLOW_WORKER_WORKFLOW_THREADS: {
    help: "threads that run workflow code (default: the SDK's, 1 when reusing the V8 context, else 2)",
    readBy: DELIVERING,
  },
  HOOKFLOW_WORKER_REUSE_V8_CONTEXT: { help: "true: one V8 context for all workflows of a thread (default: the SDK's, true)", readBy: DELIVERING },
  HOOKFLOW_RETENTION_DAYS: {
    help: 'days events, deliveries and attempts are kept unless their tenant sets retentionDays (default 30)',
    readBy: DELIVERING,
  },
  HOOKFLOW_RETENTION_INTERVAL_SECONDS: { help: 'how often the retention Schedule deletes expired rows (default 3600)', readBy: DELIVERING },
  HOOKFLOW_RETENTION_BATCH_SIZE: { help: 'rows the retention workflow deletes per activity (default 1000)', readBy: DELIVERING },
  HOOKFLOW_URL: { help: 'where the API answers (default http://localhost:$PORT)', readBy: API_CLIENTS },
  HOOKFLOW_PUBLIC_URL: {
    help: "where browsers reach hookflow when a proxy stands in front (its origin may post the console's and portal's forms; https makes their cookies Secure)",
    readBy: SERVING,
  },
  HOOKFLOW_TEMPORAL_UI_URL: {
    help: 'the Temporal Web UI the console links deliveries to (default: the embedded one under start; none otherwise)',
    readBy: SERVING,
  },
  HOOKFLOW_UI_SESSION_IDLE_MINUTES: {
    help: 'a console or portal session ends after this long without a request (default 30; 12 h at most in any case)',
    readBy: SERVING,
  },
  HOOKFLOW_PORTAL_NAME: { help: "the customer portal's name in its header and title (default Webhooks)", readBy: SERVING },
  HOOKFLOW_PORTAL_LOGO_URL: { help: "an https image shown beside the portal's name", readBy: SERVING },
  HOOKFLOW_PORTAL_ACCENT_COLOR: { help: "the portal's accent colour, #rrggbb (default #0b57d0)", readBy: SERVING },
  HOOKFLOW_PORTAL_FRAME_ANCESTORS: { help: 'https origins allowed to embed the portal in a frame, comma-separated (default: none)', readBy: SERVING },
  HOOKFLOW_API_KEY: { help: 'API key to use (default: the key start keeps in $HOOKFLOW_DATA_DIR/admin-api-key)', readBy: API_CLIENTS },
  LOG_LEVEL: { help: 'fatal, error, warn, info (default), debug, trace or silent', readBy: SERVING_AND_DELIVERING },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    help: 'OTLP/HTTP collector to send traces to, e.g. http://localhost:4318 (default: no tracing)',
    readBy: SERVING_AND_DELIVERING,
  },
  OTEL_SERVICE_NAME: {
    help: "the traces' service name (default hookflow, hookflow-api or hookflow-worker after the command)",
    readBy: SERVING_AND_DELIVERING,
  },
} as const satisfies Record<keyof typeof configSchema.shape, EnvironmentVariable>;

/** The variables `command` reads, in the order of the table. */
export function environmentOf(command: CommandName): Array<[name: keyof typeof ENVIRONMENT, help: string]> {
  return (Object.entries(ENVIRONMENT) as Array<[keyof typeof ENVIRONMENT, EnvironmentVariable]>)
    .filter(([, variable]) => variable.readBy.includes(command))
    .map(([name, variable]) => [name, variable.help]);
}

export interface Config {
  port: number;
  /** Interface the API binds; unset: loopback for `dev`, all interfaces for `api`. */
  host: string | undefined;
  databaseUrl: string | undefined;
  temporalAddress: string | undefined;
  temporalNamespace: string;
  /** How to secure the connection to TEMPORAL_ADDRESS: TLS (undefined: plain gRPC) and an API key. */
  temporalTls: TemporalTlsSettings | undefined;
  temporalApiKey: string | undefined;
  taskQueue: string;
  dataDir: string;
  /** Waits in seconds before each retry; attempts = waits + 1. */
  retryScheduleSeconds: readonly number[];
  deliveryTimeoutMs: number;
  /** When a delivery gets a Temporal workflow of its own: only after a failed first attempt, or always. */
  deliveryWorkflows: DeliveryWorkflowsMode;
  /**
   * A fifo stream sends an event only once it was accepted this long ago, so
   * that an earlier event still being recorded (a worker died holding it) is
   * not overtaken. See docs/ordered-delivery.md.
   */
  fifoHoldBackMs: number;
  /** The console's and portal's settings; temporalUiUrl falls back to the embedded dev server's Web UI. */
  ui: UiOptions;
  /** Embedded mode: the dev server's gRPC port, its Web UI port, and the embedded Postgres port. */
  temporalPort: number;
  temporalUiPort: number;
  postgresPort: number;
  temporalCli: string | undefined;
  /** Seals signing secrets at rest; `npm start` keeps a generated one in the data dir. */
  encryptionKey: string | undefined;
  /** The keyring as given (HOOKFLOW_ENCRYPTION_KEYS), or a file holding it; either wins over encryptionKey. */
  encryptionKeys: string | undefined;
  encryptionKeysFile: string | undefined;
  adminKey: string | undefined;
  secretRotationOverlapSeconds: number;
  /** Audit events older than this many days are deleted by the retention workflow (deleteAuditEventsBefore). */
  auditRetentionDays: number;
  apiRateLimitPerSecond: number;
  /** While PostgreSQL is unreachable, a key this API process verified this recently may still publish (0: none). */
  keyTrustDuringOutageMs: number;
  /** CIDRs deliveries may reach despite the SSRF guard (comma-separated). */
  allowedCidrs: string;
  httpsOnly: boolean;
  /** Refuse events whose type is not in the event catalog (types with a schema are always checked). */
  requireEventTypes: boolean;
  /** Circuit breaker: consecutive failures that open it, first cool-down, longest cool-down. */
  breaker: { failureThreshold: number; baseCooldownMs: number; maxCooldownMs: number };
  autoDisableAfterMs: number;
  /** `worker` alone serves Prometheus metrics on this port (the API serves /metrics itself). */
  workerMetricsPort: number;
  /** Slots, pollers, cache, threads, V8 context reuse: only those set, for Worker.create (the SDK's defaults otherwise). */
  workerTuning: WorkerTuning;
  /** Retention (src/retention/): days kept unless a tenant says otherwise, how often it runs, rows per batch. */
  retention: { defaultRetentionDays: number; intervalSeconds: number; batchSize: number };
  /** For the CLI's API commands: where the API answers, and the key to use. */
  apiUrl: string;
  apiKey: string | undefined;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  /** OTLP/HTTP base URL (`/v1/traces` is appended); tracing is off without it. */
  otlpEndpoint: string | undefined;
  /** The traces' service.name; unset: named after the process's part (see main.ts). */
  otelServiceName: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    temporalTls: temporalTlsSettings(e),
    temporalApiKey: e.TEMPORAL_API_KEY,
    taskQueue: e.HOOKFLOW_TASK_QUEUE,
    dataDir: e.HOOKFLOW_DATA_DIR,
    retryScheduleSeconds: e.HOOKFLOW_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE_SECONDS,
    deliveryTimeoutMs: e.HOOKFLOW_DELIVERY_TIMEOUT_MS,
    deliveryWorkflows: e.HOOKFLOW_DELIVERY_WORKFLOWS,
    fifoHoldBackMs: e.HOOKFLOW_FIFO_HOLD_BACK_MS,
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    postgresPort: e.HOOKFLOW_POSTGRES_PORT,
    temporalCli: e.TEMPORAL_CLI,
    encryptionKey: e.HOOKFLOW_ENCRYPTION_KEY,
    encryptionKeys: e.HOOKFLOW_ENCRYPTION_KEYS,
    encryptionKeysFile: e.HOOKFLOW_ENCRYPTION_KEYS_FILE,
    adminKey: e.HOOKFLOW_ADMIN_KEY,
    secretRotationOverlapSeconds: e.HOOKFLOW_SECRET_ROTATION_OVERLAP_SECONDS,
    auditRetentionDays: e.HOOKFLOW_AUDIT_RETENTION_DAYS,
    apiRateLimitPerSecond: e.HOOKFLOW_API_RATE_LIMIT_PER_SECOND,
    keyTrustDuringOutageMs: e.HOOKFLOW_KEY_TRUST_DURING_OUTAGE_SECONDS * 1000,
    allowedCidrs: e.HOOKFLOW_ALLOWED_CIDRS,
    httpsOnly: e.HOOKFLOW_HTTPS_ONLY,
    requireEventTypes: e.HOOKFLOW_REQUIRE_EVENT_TYPES,
    breaker: {
      failureThreshold: e.HOOKFLOW_BREAKER_FAILURE_THRESHOLD,
      baseCooldownMs: e.HOOKFLOW_BREAKER_COOLDOWN_SECONDS * 1000,
      maxCooldownMs: Math.max(e.HOOKFLOW_BREAKER_COOLDOWN_SECONDS, e.HOOKFLOW_BREAKER_MAX_COOLDOWN_SECONDS) * 1000,
    },
    autoDisableAfterMs: e.HOOKFLOW_AUTO_DISABLE_AFTER_SECONDS * 1000,
    workerMetricsPort: e.HOOKFLOW_WORKER_METRICS_PORT,
    workerTuning: workerTuningOf(e),
    retention: {
      defaultRetentionDays: e.HOOKFLOW_RETENTION_DAYS,
      intervalSeconds: e.HOOKFLOW_RETENTION_INTERVAL_SECONDS,
      batchSize: e.HOOKFLOW_RETENTION_BATCH_SIZE,
    },
    apiUrl: e.HOOKFLOW_URL ?? `http://localhost:${e.PORT}`,
    ui: {
      sessionIdleMs: e.HOOKFLOW_UI_SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: DEFAULT_UI_OPTIONS.sessionMaxMs,
      temporalUiUrl: e.HOOKFLOW_TEMPORAL_UI_URL,
      temporalNamespace: e.TEMPORAL_NAMESPACE,
      publicUrl: e.HOOKFLOW_PUBLIC_URL,
      portal: {
        name: e.HOOKFLOW_PORTAL_NAME,
        logoUrl: e.HOOKFLOW_PORTAL_LOGO_URL,
        accentColor: e.HOOKFLOW_PORTAL_ACCENT_COLOR,
        frameAncestors: e.HOOKFLOW_PORTAL_FRAME_ANCESTORS,
      },
    },
    apiKey: e.HOOKFLOW_API_KEY,
    logLevel: e.LOG_LEVEL,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    otelServiceName: e.OTEL_SERVICE_NAME,
  };
}

/**
 * TLS is on when any TLS setting is given, or TEMPORAL_TLS=true. An API key
 * alone turns it on too: Temporal Cloud takes API keys over TLS only, and
 * sending one in the clear would leak it. TEMPORAL_TLS=false says otherwise
 * (a key checked by a proxy on loopback, say).
 */
function temporalTlsSettings(e: z.infer<typeof configSchema>): TemporalTlsSettings | undefined {
  const settings: TemporalTlsSettings = {
    clientCert: e.TEMPORAL_TLS_CERT,
    clientKey: e.TEMPORAL_TLS_KEY,
    serverCa: e.TEMPORAL_TLS_CA,
    serverName: e.TEMPORAL_TLS_SERVER_NAME,
  };
  const anySetting = Object.values(settings).some((value) => value !== undefined);
  const enabled = e.TEMPORAL_TLS ?? (anySetting || e.TEMPORAL_API_KEY !== undefined);
  return enabled ? settings : undefined;
}

/** The keyring's own message: it names entries by position or id, never by key. */
function refineKeyring(spec: string, ctx: z.RefinementCtx): void {
  try {
    parseKeyring(spec);
  } catch (error) {
    if (!(error instanceof KeyringError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
}

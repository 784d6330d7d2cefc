// The only reader of process.env: every setting is parsed and validated here,
// so a typo in the environment fails at start-up with a clear message.
import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from './delivery/retry-schedule.js';
import type { TemporalTlsSettings } from './temporal/connection-options.js';
import { deliveryWorkflowsModeSchema, type DeliveryWorkflowsMode } from './schemas/delivery.js';
import { KeyringError, parseKeyring } from './crypto/keyring.js';
import type { UiOptions } from './ui/options.js';

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
  return z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .default(String(fallback))
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

const configSchema = z.object({
  PORT: integerFromEnv(0, 65535, 3000),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z.string().url().optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  // mTLS (a self-hosted cluster) and API keys (Temporal Cloud): PEM text or a file path each.
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0']).optional().transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
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
  HOOKFLOW_ADMIN_KEY: z.string().min(32, 'use at least 32 characters').regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces').optional(),
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
  HOOKFLOW_PORTAL_ACCENT_COLOR: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a hex colour, e.g. #0b57d0').default('#0b57d0'),
  HOOKFLOW_PORTAL_FRAME_ANCESTORS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/i, 'expected https origins, comma-separated, e.g. https://app.example.com'))),
  HOOKFLOW_API_KEY: z.string().min(1).optional(),
  HOOKFLOW_HTTPS_ONLY: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  HOOKFLOW_REQUIRE_EVENT_TYPES: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // OpenTelemetry's own names, so a deployment's usual OTel settings apply.
  // OTLP over HTTP (the exporter's only transport here): a bare host:port would parse as a URL of scheme "host".
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL, e.g. http://localhost:4318' }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
}).superRefine((env, ctx) => {
  // One of a pair alone is a half-configured mTLS that would fail at the handshake, far from its cause.
  if ((env.TEMPORAL_TLS_CERT === undefined) !== (env.TEMPORAL_TLS_KEY === undefined)) {
    const missing = env.TEMPORAL_TLS_CERT === undefined ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY together (client certificate and its key)' });
  }
  if (env.TEMPORAL_TLS === false && (env.TEMPORAL_TLS_CERT ?? env.TEMPORAL_TLS_CA ?? env.TEMPORAL_TLS_SERVER_NAME) !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS'], message: 'TEMPORAL_TLS=false contradicts the TEMPORAL_TLS_* settings that are set' });
  }
});

/** The names of every variable hookflow reads, for the CLI's help to be checked against. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(configSchema.shape);

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
    retention: {
      defaultRetentionDays: e.HOOKFLOW_RETENTION_DAYS,
      intervalSeconds: e.HOOKFLOW_RETENTION_INTERVAL_SECONDS,
      batchSize: e.HOOKFLOW_RETENTION_BATCH_SIZE,
    },
    apiUrl: e.HOOKFLOW_URL ?? `http://localhost:${e.PORT}`,
    ui: {
      sessionIdleMs: e.HOOKFLOW_UI_SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: 12 * 60 * 60_000,
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

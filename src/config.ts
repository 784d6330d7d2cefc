// The only reader of process.env: every setting is parsed and validated here,
// so a typo in the environment fails at start-up with a clear message.
import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from './delivery/retry-schedule.js';

const retryScheduleFromEnv = z
  .string()
  .transform((value, ctx) => {
    const parts = value.split(',').map((part) => part.trim());
    const seconds = parts.map(Number);
    if (parts.length === 0 || seconds.some((s) => !Number.isFinite(s) || s < 0)) {
      ctx.addIssue({ code: 'custom', message: 'expected comma-separated non-negative seconds, e.g. "5,300,1800"' });
      return z.NEVER;
    }
    return seconds;
  });

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z.string().url().optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  HOOKFLOW_TASK_QUEUE: z.string().min(1).default('hookflow'),
  HOOKFLOW_DATA_DIR: z.string().min(1).default('.data'),
  HOOKFLOW_RETRY_SCHEDULE: retryScheduleFromEnv.optional(),
  HOOKFLOW_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  HOOKFLOW_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  TEMPORAL_CLI: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  /** Interface the API binds; unset: loopback for `dev`, all interfaces for `api`. */
  host: string | undefined;
  databaseUrl: string | undefined;
  temporalAddress: string | undefined;
  temporalNamespace: string;
  taskQueue: string;
  dataDir: string;
  /** Waits in seconds before each retry; attempts = waits + 1. */
  retryScheduleSeconds: readonly number[];
  deliveryTimeoutMs: number;
  /** Embedded mode: the dev server's gRPC port, its Web UI port, and the embedded Postgres port. */
  temporalPort: number;
  temporalUiPort: number;
  postgresPort: number;
  temporalCli: string | undefined;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
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
    taskQueue: e.HOOKFLOW_TASK_QUEUE,
    dataDir: e.HOOKFLOW_DATA_DIR,
    retryScheduleSeconds: e.HOOKFLOW_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE_SECONDS,
    deliveryTimeoutMs: e.HOOKFLOW_DELIVERY_TIMEOUT_MS,
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    postgresPort: e.HOOKFLOW_POSTGRES_PORT,
    temporalCli: e.TEMPORAL_CLI,
    logLevel: e.LOG_LEVEL,
  };
}

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../../src/delivery/retry-schedule.js';

function errorOf(env: Record<string, string>): Error {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error(`expected loadConfig(${JSON.stringify(env)}) to throw`);
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('uses every documented default for an empty environment', () => {
    expect(config).toEqual({
      port: 3000,
      databaseUrl: undefined,
      temporalAddress: undefined,
      temporalNamespace: 'default',
      temporalTls: undefined,
      temporalApiKey: undefined,
      taskQueue: 'hookflow',
      dataDir: '.data',
      retryScheduleSeconds: DEFAULT_RETRY_SCHEDULE_SECONDS,
      deliveryTimeoutMs: 15_000,
      deliveryWorkflows: 'on-failure',
      fifoHoldBackMs: 15_000,
      temporalPort: 7233,
      temporalUiPort: 8233,
      postgresPort: 54329,
      temporalCli: undefined,
      host: undefined,
      encryptionKey: undefined,
      encryptionKeys: undefined,
      encryptionKeysFile: undefined,
      adminKey: undefined,
      secretRotationOverlapSeconds: 86_400,
      auditRetentionDays: 365,
      apiRateLimitPerSecond: 100,
      keyTrustDuringOutageMs: 600_000,
      allowedCidrs: '',
      httpsOnly: false,
      requireEventTypes: false,
      breaker: { failureThreshold: 5, baseCooldownMs: 30_000, maxCooldownMs: 600_000 },
      autoDisableAfterMs: 5 * 86_400_000,
      workerMetricsPort: 9465,
      workerTuning: {},
      retention: { defaultRetentionDays: 30, intervalSeconds: 3600, batchSize: 1000 },
      apiUrl: 'http://localhost:3000',
      ui: {
        sessionIdleMs: 30 * 60_000,
        sessionMaxMs: 12 * 60 * 60_000,
        temporalUiUrl: undefined,
        temporalNamespace: 'default',
        publicUrl: undefined,
        portal: { name: 'Webhooks', logoUrl: undefined, accentColor: '#0b57d0', frameAncestors: [] },
      },
      apiKey: undefined,
      logLevel: 'info',
      otlpEndpoint: undefined,
      otelServiceName: undefined,
    });
  });

  it('port 3000, namespace "default", task queue "hookflow"', () => {
    expect(config.port).toBe(3000);
    expect(config.temporalNamespace).toBe('default');
    expect(config.taskQueue).toBe('hookflow');
  });

  it('the retry schedule is the Standard Webhooks default', () => {
    expect(config.retryScheduleSeconds).toBe(DEFAULT_RETRY_SCHEDULE_SECONDS);
    expect([...config.retryScheduleSeconds]).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
  });

  it('ignores unrelated environment variables', () => {
    expect(loadConfig({ HOME: '/root', PATH: '/bin', SOMETHING_ELSE: 'x' })).toEqual(config);
  });

  it('does not read process.env when an env object is given', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4567';
    try {
      expect(loadConfig({}).port).toBe(3000);
      expect(loadConfig().port).toBe(4567);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});

const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig overrides', () => {
  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '8080',
        DATABASE_URL: 'postgres://u:p@localhost:5432/db',
        TEMPORAL_ADDRESS: 'temporal:7233',
        TEMPORAL_NAMESPACE: 'prod',
        HOOKFLOW_TASK_QUEUE: 'q1',
        HOOKFLOW_DATA_DIR: '/var/lib/hookflow',
        HOOKFLOW_RETRY_SCHEDULE: '1,2',
        HOOKFLOW_DELIVERY_TIMEOUT_MS: '2000',
        HOOKFLOW_DELIVERY_WORKFLOWS: 'always',
        HOOKFLOW_FIFO_HOLD_BACK_MS: '2500',
        TEMPORAL_PORT: '7000',
        TEMPORAL_UI_PORT: '7001',
        HOOKFLOW_POSTGRES_PORT: '7002',
        TEMPORAL_CLI: '/usr/bin/temporal',
        HOST: '0.0.0.0',
        HOOKFLOW_ENCRYPTION_KEY: ENCRYPTION_KEY,
        HOOKFLOW_ENCRYPTION_KEYS: `k2:${ENCRYPTION_KEY}`,
        HOOKFLOW_ENCRYPTION_KEYS_FILE: '/etc/hookflow/keyring',
        HOOKFLOW_ADMIN_KEY: 'an-admin-key-of-at-least-32-characters',
        HOOKFLOW_SECRET_ROTATION_OVERLAP_SECONDS: '600',
        HOOKFLOW_AUDIT_RETENTION_DAYS: '30',
        HOOKFLOW_API_RATE_LIMIT_PER_SECOND: '7',
        HOOKFLOW_KEY_TRUST_DURING_OUTAGE_SECONDS: '0',
        HOOKFLOW_ALLOWED_CIDRS: '10.0.0.0/8',
        HOOKFLOW_HTTPS_ONLY: 'true',
        HOOKFLOW_REQUIRE_EVENT_TYPES: 'true',
        HOOKFLOW_BREAKER_FAILURE_THRESHOLD: '3',
        HOOKFLOW_BREAKER_COOLDOWN_SECONDS: '10',
        HOOKFLOW_BREAKER_MAX_COOLDOWN_SECONDS: '60',
        HOOKFLOW_AUTO_DISABLE_AFTER_SECONDS: '3600',
        HOOKFLOW_WORKER_METRICS_PORT: '9999',
        HOOKFLOW_WORKER_MAX_CACHED_WORKFLOWS: '500',
        HOOKFLOW_WORKER_WORKFLOW_TASK_SLOTS: '60',
        HOOKFLOW_WORKER_LOCAL_ACTIVITY_SLOTS: '50',
        HOOKFLOW_WORKER_ACTIVITY_SLOTS: '20',
        HOOKFLOW_WORKER_WORKFLOW_POLLERS: '30',
        HOOKFLOW_WORKER_ACTIVITY_POLLERS: '4',
        HOOKFLOW_WORKER_WORKFLOW_THREADS: '2',
        HOOKFLOW_WORKER_REUSE_V8_CONTEXT: 'false',
        HOOKFLOW_RETENTION_DAYS: '90',
        HOOKFLOW_RETENTION_INTERVAL_SECONDS: '600',
        HOOKFLOW_RETENTION_BATCH_SIZE: '250',
        HOOKFLOW_URL: 'https://hookflow.internal:8443',
        HOOKFLOW_PUBLIC_URL: 'https://hooks.example.com',
        HOOKFLOW_TEMPORAL_UI_URL: 'https://temporal-ui.internal',
        HOOKFLOW_UI_SESSION_IDLE_MINUTES: '5',
        HOOKFLOW_PORTAL_NAME: 'Acme Webhooks',
        HOOKFLOW_PORTAL_LOGO_URL: 'https://cdn.example.com/logo.png',
        HOOKFLOW_PORTAL_ACCENT_COLOR: '#6B21A8',
        HOOKFLOW_PORTAL_FRAME_ANCESTORS: 'https://app.example.com, https://admin.example.com:8443',
        HOOKFLOW_API_KEY: 'hfk_cli',
        LOG_LEVEL: 'debug',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
        OTEL_SERVICE_NAME: 'hookflow-eu',
      }),
    ).toEqual({
      port: 8080,
      databaseUrl: 'postgres://u:p@localhost:5432/db',
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'prod',
      taskQueue: 'q1',
      dataDir: '/var/lib/hookflow',
      retryScheduleSeconds: [1, 2],
      deliveryTimeoutMs: 2000,
      deliveryWorkflows: 'always',
      fifoHoldBackMs: 2500,
      temporalPort: 7000,
      temporalUiPort: 7001,
      postgresPort: 7002,
      temporalCli: '/usr/bin/temporal',
      host: '0.0.0.0',
      encryptionKey: ENCRYPTION_KEY,
      encryptionKeys: `k2:${ENCRYPTION_KEY}`,
      encryptionKeysFile: '/etc/hookflow/keyring',
      adminKey: 'an-admin-key-of-at-least-32-characters',
      secretRotationOverlapSeconds: 600,
      auditRetentionDays: 30,
      apiRateLimitPerSecond: 7,
      keyTrustDuringOutageMs: 0,
      allowedCidrs: '10.0.0.0/8',
      httpsOnly: true,
      requireEventTypes: true,
      breaker: { failureThreshold: 3, baseCooldownMs: 10_000, maxCooldownMs: 60_000 },
      autoDisableAfterMs: 3_600_000,
      workerMetricsPort: 9999,
      workerTuning: {
        maxCachedWorkflows: 500,
        maxConcurrentWorkflowTaskExecutions: 60,
        maxConcurrentLocalActivityExecutions: 50,
        maxConcurrentActivityTaskExecutions: 20,
        workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 30 },
        activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 4 },
        workflowThreadPoolSize: 2,
        reuseV8Context: false,
      },
      retention: { defaultRetentionDays: 90, intervalSeconds: 600, batchSize: 250 },
      apiUrl: 'https://hookflow.internal:8443',
      ui: {
        sessionIdleMs: 5 * 60_000,
        sessionMaxMs: 12 * 60 * 60_000,
        temporalUiUrl: 'https://temporal-ui.internal',
        temporalNamespace: 'prod',
        publicUrl: 'https://hooks.example.com',
        portal: {
          name: 'Acme Webhooks',
          logoUrl: 'https://cdn.example.com/logo.png',
          accentColor: '#6B21A8',
          frameAncestors: ['https://app.example.com', 'https://admin.example.com:8443'],
        },
      },
      apiKey: 'hfk_cli',
      logLevel: 'debug',
      otlpEndpoint: 'http://otel-collector:4318',
      otelServiceName: 'hookflow-eu',
    });
  });

  it.each([
    ['HOOKFLOW_PORTAL_ACCENT_COLOR', 'red'],
    ['HOOKFLOW_PORTAL_LOGO_URL', 'http://cdn.example.com/logo.png'],
    ['HOOKFLOW_PORTAL_FRAME_ANCESTORS', 'http://app.example.com'],
    ['HOOKFLOW_PORTAL_FRAME_ANCESTORS', 'https://app.example.com/path'],
    ['HOOKFLOW_ENCRYPTION_KEY', Buffer.alloc(16).toString('base64')],
    ['HOOKFLOW_ENCRYPTION_KEY', 'not base64 at all!'],
    ['HOOKFLOW_ENCRYPTION_KEYS', `k1:${Buffer.alloc(16).toString('base64')}`],
    ['HOOKFLOW_ENCRYPTION_KEYS', ' , '],
    ['HOOKFLOW_ADMIN_KEY', 'short'],
    ['HOOKFLOW_ADMIN_KEY', 'has spaces in it but is long enough to pass'],
    ['HOOKFLOW_HTTPS_ONLY', 'yes'],
    ['HOOKFLOW_REQUIRE_EVENT_TYPES', 'yes'],
    ['HOOKFLOW_API_RATE_LIMIT_PER_SECOND', '0'],
    ['HOOKFLOW_KEY_TRUST_DURING_OUTAGE_SECONDS', '-1'],
    ['HOOKFLOW_KEY_TRUST_DURING_OUTAGE_SECONDS', ''],
    ['HOOKFLOW_SECRET_ROTATION_OVERLAP_SECONDS', '-1'],
    ['HOOKFLOW_AUDIT_RETENTION_DAYS', '0'],
    ['HOOKFLOW_BREAKER_FAILURE_THRESHOLD', '0'],
    ['HOOKFLOW_AUTO_DISABLE_AFTER_SECONDS', '5'],
    ['HOOKFLOW_RETENTION_DAYS', '0'],
    ['HOOKFLOW_RETENTION_DAYS', ''],
    ['HOOKFLOW_RETENTION_INTERVAL_SECONDS', '59'],
    ['HOOKFLOW_RETENTION_BATCH_SIZE', '0'],
  ])('refuses %s=%j, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('parses HOOKFLOW_RETRY_SCHEDULE "1,2.5,10"', () => {
    expect(loadConfig({ HOOKFLOW_RETRY_SCHEDULE: '1,2.5,10' }).retryScheduleSeconds).toEqual([1, 2.5, 10]);
  });

  it('trims whitespace around schedule entries and accepts a single entry and zero', () => {
    expect(loadConfig({ HOOKFLOW_RETRY_SCHEDULE: ' 5 , 300 ,1800 ' }).retryScheduleSeconds).toEqual([5, 300, 1800]);
    expect(loadConfig({ HOOKFLOW_RETRY_SCHEDULE: '60' }).retryScheduleSeconds).toEqual([60]);
    expect(loadConfig({ HOOKFLOW_RETRY_SCHEDULE: '0' }).retryScheduleSeconds).toEqual([0]);
  });

  it.each(['0', '1', '65535'])('accepts PORT %s', (port) => {
    expect(loadConfig({ PORT: port }).port).toBe(Number(port));
  });

  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('accepts LOG_LEVEL %s', (level) => {
    expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
  });
});

describe('loadConfig errors', () => {
  it.each(['a,b', '-1', '5,-1', '1,abc', 'NaN', 'Infinity', '5;300'])('HOOKFLOW_RETRY_SCHEDULE %j throws an Error naming the variable', (value) => {
    const error = errorOf({ HOOKFLOW_RETRY_SCHEDULE: value });
    expect(error.message).toMatch(/^Invalid configuration:/);
    expect(error.message).toContain('HOOKFLOW_RETRY_SCHEDULE');
    expect(error.message).toContain('comma-separated non-negative seconds');
  });

  // An empty (or blank) value splits to [""] and Number("") is 0, so the
  // schedule silently becomes "retry once, immediately" instead of failing.
  it.each(['', ' ', '1,,2', '5,'])('HOOKFLOW_RETRY_SCHEDULE %j (an empty entry) throws an Error naming the variable', (value) => {
    const error = errorOf({ HOOKFLOW_RETRY_SCHEDULE: value });
    expect(error.message).toContain('HOOKFLOW_RETRY_SCHEDULE');
  });

  it.each(['65536', '70000', '-1', 'abc', '3.5', 'NaN'])('PORT %j throws an Error naming PORT', (port) => {
    const error = errorOf({ PORT: port });
    expect(error.message).toMatch(/^Invalid configuration:/);
    expect(error.message).toMatch(/^\s+PORT: /m);
  });

  it.each(['verbose', 'INFO', 'warning', ''])('LOG_LEVEL %j throws an Error naming LOG_LEVEL', (level) => {
    const error = errorOf({ LOG_LEVEL: level });
    expect(error.message).toMatch(/^\s+LOG_LEVEL: /m);
  });

  it.each([
    ['TEMPORAL_PORT', '0'],
    ['TEMPORAL_PORT', '65536'],
    ['TEMPORAL_UI_PORT', '0'],
    ['HOOKFLOW_POSTGRES_PORT', '99999'],
    ['HOOKFLOW_DELIVERY_TIMEOUT_MS', '99'],
    ['HOOKFLOW_DELIVERY_TIMEOUT_MS', '120001'],
    ['HOOKFLOW_DELIVERY_WORKFLOWS', 'sometimes'],
    ['HOOKFLOW_FIFO_HOLD_BACK_MS', '-1'],
    ['HOOKFLOW_FIFO_HOLD_BACK_MS', '3600001'],
    ['HOOKFLOW_DELIVERY_WORKFLOWS', ''],
    ['DATABASE_URL', 'not a url'],
    ['TEMPORAL_NAMESPACE', ''],
    ['HOOKFLOW_TASK_QUEUE', ''],
    ['TEMPORAL_ADDRESS', ''],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'localhost:4318'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'grpc://collector:4317'],
    ['OTEL_SERVICE_NAME', ''],
  ])('%s=%j throws an Error naming the variable', (name, value) => {
    expect(errorOf({ [name]: value }).message).toContain(`${name}: `);
  });

  it('lists every invalid variable, one per line', () => {
    const error = errorOf({ PORT: 'x', LOG_LEVEL: 'loud', HOOKFLOW_RETRY_SCHEDULE: 'a' });
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(
      lines
        .slice(1)
        .map((line) => line.trim().split(':')[0])
        .sort(),
    ).toEqual(['HOOKFLOW_RETRY_SCHEDULE', 'LOG_LEVEL', 'PORT']);
  });
});

describe('breaker settings', () => {
  it('never lets the longest cool-down be shorter than the first', () => {
    const config = loadConfig({ HOOKFLOW_BREAKER_COOLDOWN_SECONDS: '120', HOOKFLOW_BREAKER_MAX_COOLDOWN_SECONDS: '60' });
    expect(config.breaker).toEqual({ failureThreshold: 5, baseCooldownMs: 120_000, maxCooldownMs: 120_000 });
  });
});

// hookflow's production shape on one machine, each part its own process:
// PostgreSQL (databases for Temporal, Temporal visibility and hookflow), a
// Temporal server from deploy/temporal/, its Web UI server, hookflow's API
// processes behind HAProxy and its worker processes. `npm run cluster` runs
// it; the topology test, the chaos run and the benchmark drive it.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import proto from '@temporalio/proto';
import { generateEncryptionKey } from '../crypto/secret-box.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { ensureDevAdminKey } from '../dev/dev-admin-key.js';
import { readOrCreateSecretFile } from '../dev/dev-secrets.js';
import { startRestartablePostgres, type RestartablePostgres } from '../dev/embedded-postgres.js';
import { findOnPath } from '../dev/executables.js';
import type { Progress } from '../dev/progress.js';
import { ensureNamespace } from '../temporal/namespace.js';
import { resolveTemporalTarget, type TemporalTarget } from '../temporal/connection-options.js';
import { registerSearchAttributes } from '../temporal/search-attributes.js';
import { ensureClusterCertificates, type ClusterCertificates } from './certificates.js';
import { DEFAULT_CLUSTER_PORTS, temporalServerPortEnv, type ClusterPorts } from './ports.js';
import { SupervisedProcess, type ProcessSpec, type UnplannedExit } from './supervised-process.js';
import { ensureTemporalTools } from './temporal-tools.js';
import { setUpTemporalSchemas, type PostgresServer } from './temporal-schema.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEPLOY = path.join(REPO_ROOT, 'deploy');

/** The balancer config lists two APIs (deploy/haproxy/haproxy.cfg): the smallest number that survives losing one. */
export const CLUSTER_APIS = 2;

export interface ClusterOptions {
  dataDir: string;
  toolsDir: string;
  workers: number;
  ports?: ClusterPorts;
  /** Start the Temporal Web UI server (a test does without). */
  ui: boolean;
  /** mTLS on the Temporal frontend, certificates made in the data directory, every client presenting one. */
  tls: boolean;
  /** Extra settings for the api and worker processes (a benchmark's rate limit, a test's allowed CIDRs). */
  hookflowEnv?: Record<string, string>;
  progress: Progress;
}

export interface Cluster {
  /** Where producers send events: the balancer. */
  url: string;
  adminKey: string;
  /** How a client of this process reaches the Temporal frontend (with the client certificate under --tls). */
  temporal: TemporalTarget;
  namespace: string;
  temporalUiUrl: string | undefined;
  /** hookflow's own database. */
  databaseUrl: string;
  dataDir: string;
  parts: {
    /** Stoppable and startable again on the same data directory and port (the chaos run's database outage). */
    postgres: RestartablePostgres;
    temporal: SupervisedProcess;
    ui: SupervisedProcess | undefined;
    balancer: SupervisedProcess;
    apis: SupervisedProcess[];
    workers: SupervisedProcess[];
  };
  /** Exits nobody asked for (the supervisor restarted each). */
  unplannedExits: UnplannedExit[];
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 180_000;
/** Longer than the worker's own shutdown grace (70 s): in-flight attempts finish. */
const WORKER_STOP_GRACE_MS = 80_000;

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { progress } = options;
  const ports = options.ports ?? DEFAULT_CLUSTER_PORTS;
  const dataDir = path.resolve(options.dataDir);
  const logDir = path.join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true, mode: 0o755 });
  const haproxy = requireHaproxy();
  const tools = await ensureTemporalTools(options.toolsDir, progress);
  const shared = await readSharedSettings();
  const namespace = shared.TEMPORAL_NAMESPACE ?? 'default';

  const unplannedExits: UnplannedExit[] = [];
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: Error) => progress(`stopping: ${error.message}`));
  };
  const supervise = (spec: ProcessSpec) => new SupervisedProcess(spec, (exit) => unplannedExits.push(exit), progress);

  try {
    // PostgreSQL: one server, three databases.
    const database = await startRestartablePostgres({ dataDir, port: ports.postgres, progress, maxConnections: maxConnections(options.workers) });
    stops.push(() => database.stop());
    const postgres: PostgresServer = { host: '127.0.0.1', port: ports.postgres, ...credentialsOf(database.url) };
    await setUpTemporalSchemas({
      sqlTool: tools.sqlTool,
      postgresSchemaDir: tools.postgresSchemaDir,
      server: postgres,
      databases: { temporal: shared.TEMPORAL_DB ?? 'temporal', visibility: shared.TEMPORAL_VISIBILITY_DB ?? 'temporal_visibility' },
      progress,
    });

    // The Temporal server, from the committed config.
    const certificates = options.tls ? await ensureClusterCertificates(path.join(dataDir, 'tls'), progress) : undefined;
    const temporalAddress = `127.0.0.1:${ports.temporalBase}`;
    const temporal = resolveTemporalTarget({
      address: temporalAddress,
      tls: certificates && {
        clientCert: certificates.clientCertFile,
        clientKey: certificates.clientKeyFile,
        serverCa: certificates.caFile,
        serverName: certificates.serverName,
      },
      apiKey: undefined,
    });
    const temporalServer = supervise({
      name: 'temporal',
      command: tools.server,
      args: ['--root', REPO_ROOT, '--config', 'deploy/temporal', '--env', 'hookflow', '--allow-no-auth', 'start'],
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...shared,
        ...temporalServerPortEnv(ports.temporalBase),
        POSTGRES_HOST: postgres.host,
        POSTGRES_PORT: String(postgres.port),
        POSTGRES_USER: postgres.user,
        POSTGRES_PASSWORD: postgres.password,
        ...(certificates ? serverTlsEnv(certificates) : {}),
      },
      logFile: path.join(logDir, 'temporal.log'),
      ready: { probe: () => probeTemporal(temporal) },
      readyTimeoutMs: READY_TIMEOUT_MS,
      stopGraceMs: 20_000,
    });
    progress(`starting the Temporal server ${path.basename(tools.server)} on ${temporalAddress}${certificates ? ' (mTLS)' : ''}`);
    await temporalServer.start();
    stops.push(() => temporalServer.stop());
    await withConnection(temporal, async (connection) => {
      const retention = shared.TEMPORAL_NAMESPACE_RETENTION ?? '168h';
      if (await ensureNamespace(connection, namespace, retention as Duration)) progress(`registered namespace ${namespace} (retention ${retention})`);
      const added = await registerSearchAttributes(connection, namespace);
      if (added.length > 0) progress(`registered search attributes: ${added.join(', ')}`);
    });

    let ui: SupervisedProcess | undefined;
    if (options.ui) {
      const uiUrl = `http://localhost:${ports.temporalUi}`;
      ui = supervise({
        name: 'temporal-ui',
        command: tools.uiServer,
        args: ['--root', REPO_ROOT, '--config', 'deploy/temporal-ui', '--env', 'hookflow', 'start'],
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: temporalAddress,
          TEMPORAL_UI_PORT: String(ports.temporalUi),
          TEMPORAL_DEFAULT_NAMESPACE: namespace,
          // The cluster serves plain http on loopback: the CSRF cookie cannot be Secure there.
          TEMPORAL_CSRF_COOKIE_INSECURE: 'true',
          ...(certificates ? clientTlsFileEnv(certificates) : {}),
        },
        logFile: path.join(logDir, 'temporal-ui.log'),
        ready: { probe: () => probeHttp(`${uiUrl}/`) },
        readyTimeoutMs: 60_000,
        stopGraceMs: 5_000,
      });
      progress(`starting the Temporal Web UI server on ${uiUrl}`);
      await ui.start();
      stops.push(() => ui!.stop());
    }

    // hookflow: its database, then APIs and workers as separate processes.
    const hookflowDatabaseUrl = database.url;
    const pool = createPool(hookflowDatabaseUrl);
    let adminKey: string;
    try {
      await migrate(pool, progress);
      adminKey = await ensureDevAdminKey(pool, dataDir, 'npm run cluster');
    } finally {
      await pool.end();
    }
    const encryptionKey = (await readOrCreateSecretFile(dataDir, 'encryption-key', generateEncryptionKey)).value;
    const hookflowEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...shared,
      DATABASE_URL: hookflowDatabaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      HOOKFLOW_ENCRYPTION_KEY: encryptionKey,
      HOOKFLOW_DATA_DIR: dataDir,
      ...(certificates ? clientTlsFileEnv(certificates) : {}),
      ...options.hookflowEnv,
    };
    const nodePart = (name: string, command: HookflowCommand, env: Record<string, string>) =>
      supervise(hookflowProcessSpec({ name, command, env: { ...hookflowEnv, ...env }, logDir }));
    const workers = Array.from({ length: options.workers }, (_, i) =>
      nodePart(`worker-${i + 1}`, 'worker', { HOOKFLOW_WORKER_METRICS_PORT: String(ports.workerMetricsBase + i) }),
    );
    const apis = Array.from({ length: CLUSTER_APIS }, (_, i) =>
      nodePart(`api-${i + 1}`, 'api', { PORT: String(ports.apiBase + i), HOST: '127.0.0.1' }),
    );
    progress(`starting ${workers.length} workers and ${apis.length} APIs (each its own process; logs in ${logDir})`);
    // Workers stop after the APIs (stops run in reverse), so events taken in the last moment still get worked.
    stops.push(() => Promise.all(workers.map((worker) => worker.stop())).then(() => {}));
    stops.push(() => Promise.all(apis.map((api) => api.stop())).then(() => {}));
    await Promise.all([...workers, ...apis].map((part) => part.start()));

    const url = `http://127.0.0.1:${ports.balancer}`;
    const balancer = supervise({
      name: 'balancer',
      command: haproxy,
      args: ['-db', '-f', path.join(DEPLOY, 'haproxy', 'haproxy.cfg')],
      env: {
        ...process.env,
        HOOKFLOW_BALANCER_BIND: `127.0.0.1:${ports.balancer}`,
        HOOKFLOW_API_1: `127.0.0.1:${ports.apiBase}`,
        HOOKFLOW_API_2: `127.0.0.1:${ports.apiBase + 1}`,
      },
      logFile: path.join(logDir, 'balancer.log'),
      ready: { probe: () => probeHttp(`${url}/readyz`) },
      readyTimeoutMs: 30_000,
      stopGraceMs: 5_000,
    });
    progress(`starting the balancer (HAProxy) on ${url}`);
    await balancer.start();
    stops.push(() => balancer.stop());

    return {
      url,
      adminKey,
      temporal,
      namespace,
      temporalUiUrl: options.ui ? `http://localhost:${ports.temporalUi}` : undefined,
      databaseUrl: hookflowDatabaseUrl,
      dataDir,
      parts: { postgres: database, temporal: temporalServer, ui, balancer, apis, workers },
      unplannedExits,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Every pool that reaches this one server at its fullest, with room for a
 * restarted process whose old connections PostgreSQL has not closed yet:
 * Temporal's two stores (deploy/temporal/hookflow.yaml, 20 + 10), each worker
 * (30, src/main.ts) and each API (10). PostgreSQL's default of 100 is below
 * that with three workers: "too many clients" was the topology test's 500.
 */
function maxConnections(workers: number): number {
  const atFullest = 20 + 10 + 30 * workers + 10 * CLUSTER_APIS;
  return 2 * atFullest + 20;
}

type HookflowCommand = 'api' | 'worker';

/** An `api` or `worker` process of hookflow (src/main.ts), serving once it prints its ready line. The dev-server chaos run supervises the same. */
export function hookflowProcessSpec(options: { name: string; command: HookflowCommand; env: NodeJS.ProcessEnv; logDir: string }): ProcessSpec {
  const { name, command } = options;
  return {
    name,
    command: process.execPath,
    args: ['--import', 'tsx', 'src/main.ts', command],
    cwd: REPO_ROOT,
    env: options.env,
    logFile: path.join(options.logDir, `${name}.log`),
    ready: { line: command === 'api' ? 'API listening on' : 'worker polling' },
    readyTimeoutMs: READY_TIMEOUT_MS,
    stopGraceMs: command === 'api' ? 15_000 : WORKER_STOP_GRACE_MS,
  };
}

/** deploy/cluster.env: the settings every process shares (also docker-compose.yml's env_file). */
async function readSharedSettings(): Promise<Record<string, string>> {
  return parseEnv(await readFile(path.join(DEPLOY, 'cluster.env'), 'utf8')) as Record<string, string>;
}

function credentialsOf(databaseUrl: string): { user: string; password: string } {
  const url = new URL(databaseUrl);
  return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

function serverTlsEnv(certificates: ClusterCertificates): Record<string, string> {
  return {
    TEMPORAL_TLS_SERVER_CERT_FILE: certificates.serverCertFile,
    TEMPORAL_TLS_SERVER_KEY_FILE: certificates.serverKeyFile,
    TEMPORAL_TLS_CA_FILE: certificates.caFile,
    TEMPORAL_TLS_SERVER_NAME: certificates.serverName,
    // Temporal's system worker is a client of the frontend like any other.
    TEMPORAL_TLS_SYSTEM_WORKER_CERT_FILE: certificates.clientCertFile,
    TEMPORAL_TLS_SYSTEM_WORKER_KEY_FILE: certificates.clientKeyFile,
  };
}

/** hookflow's TEMPORAL_TLS_* settings (src/config.ts), which the Web UI server's config reads too, as paths. */
function clientTlsFileEnv(certificates: ClusterCertificates): Record<string, string> {
  return {
    TEMPORAL_TLS_CERT: certificates.clientCertFile,
    TEMPORAL_TLS_KEY: certificates.clientKeyFile,
    TEMPORAL_TLS_CA: certificates.caFile,
    TEMPORAL_TLS_SERVER_NAME: certificates.serverName,
  };
}

async function withConnection<T>(target: TemporalTarget, work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ ...target, connectTimeout: '5 seconds' });
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

const { TASK_QUEUE_TYPE_WORKFLOW: WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY: ACTIVITY } = proto.temporal.api.enums.v1.TaskQueueType;

/**
 * The task queues the server's own worker service (v1.29.1, service/worker)
 * polls once its start-up is through: scanners, parent-close-policy
 * processor, default worker, and the components' dedicated activity workers
 * (add-search-attributes has none: v1.29.1's worker service does not run it).
 */
const SYSTEM_WORKER_TASK_QUEUES = [
  ['temporal-sys-tq-scanner-taskqueue-0', WORKFLOW],
  ['temporal-sys-history-scanner-taskqueue-0', WORKFLOW],
  ['temporal-sys-processor-parent-close-policy', WORKFLOW],
  ['default-worker-tq', WORKFLOW],
  ['temporal-sys-migration-activity-tq', ACTIVITY],
  ['temporal-sys-delete-namespace-activity-tq', ACTIVITY],
  ['temporal-sys-dlq-activity-tq', ACTIVITY],
] as const;

/**
 * Ready means the whole server has started, not just the frontend: the
 * frontend answers seconds before the worker service is through its start-up,
 * and a step of that start-up that fails (its store gone meanwhile) takes the
 * whole process down (log.Fatal "error starting scanner", "Unable to start
 * worker"). All services run in this one process, so pollers seen now are
 * pollers of this process.
 */
async function probeTemporal(target: TemporalTarget): Promise<void> {
  await withConnection(target, async (connection) => {
    await connection.workflowService.getSystemInfo({});
    for (const [name, taskQueueType] of SYSTEM_WORKER_TASK_QUEUES) {
      const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: 'temporal-system', taskQueue: { name }, taskQueueType });
      if (!pollers?.length) throw new Error(`the Temporal server's worker service does not poll ${name} yet`);
    }
  });
}

async function probeHttp(url: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

function requireHaproxy(): string {
  const found = findOnPath('haproxy');
  if (!found) {
    throw new Error(
      'HAProxy balances the API processes and is not installed: apt-get install haproxy (Debian, Ubuntu) or brew install haproxy (macOS)',
    );
  }
  return found;
}

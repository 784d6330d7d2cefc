// The chaos run's two stacks, each part its own OS process that the run can
// kill and bring back, and the faults the run inflicts on each:
// - the dev-server shape: the Temporal dev server (persistent SQLite file),
//   PostgreSQL, one API and two workers;
// - the cluster shape (`--cluster`, src/cluster/): PostgreSQL holding
//   Temporal's stores and hookflow's, a Temporal server on it, two APIs behind
//   HAProxy and three workers.
// APIs and workers run under SupervisedProcess in both, which restarts one
// that exits on its own, as a process supervisor would, and records the exit
// for the report (the run fails on any).
import path from 'node:path';
import { REPO_ROOT, hookflowProcessSpec, startCluster } from '../../src/cluster/cluster.js';
import { freeClusterPorts } from '../../src/cluster/ports.js';
import { SupervisedProcess, type UnplannedExit } from '../../src/cluster/supervised-process.js';
import { generateEncryptionKey } from '../../src/crypto/secret-box.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { startRestartablePostgres, type RestartablePostgres } from '../../src/dev/embedded-postgres.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { ensureTemporalCli } from '../../src/dev/temporal-cli.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/dev/temporal-dev-server.js';

/** One fault: when `share` of the events have been accepted, `down`, wait `pauseMs`, `up` (which resolves once the part serves again). */
export interface Fault {
  share: number;
  name: string;
  down: () => Promise<unknown>;
  pauseMs: number;
  up: () => Promise<unknown>;
}

export interface ChaosStack {
  topology: string;
  /** Where producers publish and subscriptions are created. */
  url: string;
  /** hookflow's database: the run creates its keys and reads the deliveries there. */
  databaseUrl: string;
  /** Where every process writes its log. */
  logDir: string;
  /** Exits nobody asked for (each part was restarted). */
  unplannedExits: UnplannedExit[];
  /** In order; each waits for the one before. */
  faults: Fault[];
  stop(): Promise<void>;
}

/** Temporal dev server, PostgreSQL, an API and two workers. */
export async function startDevServerStack(runDir: string, hookflowEnv: Record<string, string>): Promise<ChaosStack> {
  // The cluster's port plan serves this stack too: below the ephemeral range, so a restarted part finds its port free.
  const ports = await freeClusterPorts(1, 2);
  const cli = await ensureTemporalCli({ configured: process.env.TEMPORAL_CLI, toolsDir: path.join(REPO_ROOT, '.tools'), progress });
  const temporal = new TemporalPart({ cli, dataDir: path.join(runDir, 'temporal'), port: ports.temporalBase });
  const unplannedExits: UnplannedExit[] = [];
  const processes: SupervisedProcess[] = [];
  let postgres: RestartablePostgres | undefined;
  const stop = async () => {
    await Promise.all(processes.map((part) => part.stop()));
    await postgres?.stop();
    await temporal.stop();
  };
  try {
    await temporal.start();
    postgres = await startRestartablePostgres({ dataDir: runDir, port: ports.postgres, progress });
    const pool = createPool(postgres.url, 2);
    try {
      await migrate(pool, progress);
    } finally {
      await pool.end();
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: temporal.address,
      HOOKFLOW_ENCRYPTION_KEY: generateEncryptionKey(),
      ...hookflowEnv,
    };
    const supervise = (name: string, command: 'api' | 'worker', own: Record<string, string>) => {
      const part = new SupervisedProcess(
        hookflowProcessSpec({ name, command, env: { ...env, ...own }, logDir: runDir }),
        (exit) => unplannedExits.push(exit),
        progress,
      );
      processes.push(part);
      return part;
    };
    const api = supervise('api', 'api', { PORT: String(ports.apiBase), HOST: '127.0.0.1' });
    const workers = [0, 1].map((i) => supervise(`worker-${i + 1}`, 'worker', { HOOKFLOW_WORKER_METRICS_PORT: String(ports.workerMetricsBase + i) }));
    const [worker1] = workers as [SupervisedProcess];
    progress('chaos: starting the API and two workers');
    await Promise.all(processes.map((part) => part.start()));
    const db = postgres;
    return {
      topology: 'dev server: Temporal dev server (SQLite), PostgreSQL, 1 API, 2 workers',
      url: `http://127.0.0.1:${ports.apiBase}`,
      databaseUrl: db.url,
      logDir: runDir,
      unplannedExits,
      faults: faultPlan({
        workers: { name: 'both workers', parts: workers },
        api: { name: 'the API', part: api },
        temporal: { name: 'the Temporal dev server', part: temporal },
        postgres: db,
        together: { name: 'the API and worker-1', parts: [api, worker1] },
      }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `startCluster` as `npm run cluster` runs it, without TLS and Web UI: PostgreSQL, a Temporal server on it, two APIs behind HAProxy, three workers. */
export async function startClusterStack(runDir: string, hookflowEnv: Record<string, string>): Promise<ChaosStack> {
  const cluster = await startCluster({
    dataDir: runDir,
    toolsDir: path.join(REPO_ROOT, '.tools'),
    workers: 3,
    ui: false,
    tls: false,
    ports: await freeClusterPorts(2, 3),
    hookflowEnv,
    progress,
  });
  const { postgres, temporal, apis, workers } = cluster.parts;
  const [api1] = apis as [SupervisedProcess];
  return {
    topology: `cluster: PostgreSQL, Temporal server ${path.basename(temporal.spec.command)} on it, ${apis.length} APIs behind HAProxy, ${workers.length} workers`,
    url: cluster.url,
    databaseUrl: cluster.databaseUrl,
    logDir: path.join(runDir, 'logs'),
    unplannedExits: cluster.unplannedExits,
    faults: faultPlan({
      workers: { name: `all ${workers.length} workers`, parts: workers },
      // The balancer's health check takes api-1 out; until it does, a refused connection is retried on api-2.
      api: { name: 'api-1', part: api1 },
      temporal: { name: 'the Temporal server', part: temporal },
      // One server holds Temporal's stores and hookflow's: both go at once.
      postgres,
      together: { name: 'both APIs', parts: apis },
    }),
    stop: () => cluster.stop(),
  };
}

interface Killable {
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** The same faults on either stack, at the same shares of accepted events, so their reports compare. */
function faultPlan(parts: {
  workers: { name: string; parts: Killable[] };
  api: { name: string; part: Killable };
  temporal: { name: string; part: Killable };
  postgres: { stop(): Promise<void>; start(): Promise<void> };
  together: { name: string; parts: Killable[] };
}): Fault[] {
  const sigkill = (share: number, name: string, killed: Killable[], pauseMs = 2_000): Fault => ({
    share,
    name,
    down: () => Promise.all(killed.map((part) => part.kill())),
    pauseMs,
    up: () => Promise.all(killed.map((part) => part.start())),
  });
  const [worker1, worker2] = parts.workers.parts as [Killable, Killable];
  const { api, temporal, postgres } = parts;
  return [
    sigkill(0.1, 'SIGKILL worker-1', [worker1]),
    sigkill(0.2, `SIGKILL ${api.name} while producers publish`, [api.part]),
    sigkill(0.3, 'SIGKILL worker-2', [worker2]),
    sigkill(0.4, `SIGKILL ${temporal.name}`, [temporal.part], 3_000),
    { share: 0.55, name: 'stop PostgreSQL (fast shutdown)', down: () => postgres.stop(), pauseMs: 10_000, up: () => postgres.start() },
    sigkill(0.65, `SIGKILL ${parts.together.name} together`, parts.together.parts),
    sigkill(0.75, `SIGKILL ${temporal.name} again`, [temporal.part], 3_000),
    sigkill(0.85, `SIGKILL ${parts.workers.name}`, parts.workers.parts),
  ];
}

/** The Temporal dev server, killed with SIGKILL and started again on the same database file and port. */
class TemporalPart {
  private server: TemporalDevServer | undefined;

  constructor(private readonly options: { cli: string; dataDir: string; port: number }) {}

  get address(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  async start(): Promise<void> {
    this.server = await startTemporalDevServer({
      cli: this.options.cli,
      dataDir: this.options.dataDir,
      port: this.options.port,
      uiPort: undefined,
      namespace: 'default',
      progress,
    });
  }

  async kill(): Promise<void> {
    if (this.server?.pid !== undefined) process.kill(this.server.pid, 'SIGKILL');
    await this.server?.stop();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}

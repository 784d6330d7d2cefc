// The chaos run's stack, each part its own OS process that the run can kill
// and bring back: the Temporal dev server (persistent SQLite file), the
// PostgreSQL server, the API and the workers. Like a process supervisor in
// production, it restarts an API or worker that exits on its own, and counts
// those exits for the report.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/dev/embedded-postgres.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/dev/temporal-dev-server.js';

export interface UnplannedExit {
  part: string;
  code: number | null;
  signal: string | null;
  atMs: number;
}

/** An `api` or `worker` process of hookflow (src/main.ts), supervised. */
export class HookflowProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private planned = false;
  private stopped = false;
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    private readonly command: 'api' | 'worker',
    private readonly env: NodeJS.ProcessEnv,
    private readonly root: string,
    logDir: string,
    private readonly unplannedExits: UnplannedExit[],
    private readonly clock: () => number,
  ) {
    this.log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  }

  /** Starts the process and resolves when it says it is serving. */
  async start(): Promise<void> {
    this.planned = false;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', this.command], {
      cwd: this.root,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const readyLine = this.command === 'api' ? 'API listening on' : 'worker polling';
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      if (chunk.toString('utf8').includes(readyLine)) ready();
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.planned && !this.stopped) {
          this.unplannedExits.push({ part: this.name, code, signal, atMs: this.clock() });
          progress(`chaos: ${this.name} exited on its own (code ${code}, signal ${signal}); restarting it`);
          void sleep(1_000).then(() => (this.stopped ? undefined : this.start()));
        }
        ready(); // whoever waits for readiness must not wait forever
        resolve();
      }),
    );
    await isReady;
  }

  /** SIGKILL: no shutdown hooks, in-flight work simply vanishes. */
  async kill(): Promise<void> {
    this.planned = true;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, for the end of the run: graceful shutdown. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.planned = true;
    this.child?.kill('SIGTERM');
    const forced = setTimeout(() => this.child?.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(forced);
    this.log.end();
  }

  get pid(): number | undefined {
    return this.child?.pid;
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

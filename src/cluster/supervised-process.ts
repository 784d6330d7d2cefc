// One OS process of the production shape (a Temporal server, an API, a
// worker, the balancer...), run the way a process supervisor would: output
// to a log file, "ready" only once it serves, restarted when it exits on its
// own, and stoppable or killable on purpose, each without a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from '../dev/progress.js';

export interface ProcessSpec {
  /** Unique within the cluster, e.g. "worker-2"; names the log file too. */
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  /** Serving once this text appears in its output, or once this probe resolves (it is retried until then). */
  ready: { line: string } | { probe: () => Promise<void> };
  readyTimeoutMs: number;
  /** How long a SIGTERM may take before SIGKILL. */
  stopGraceMs: number;
}

export interface UnplannedExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: Date;
}

export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private closed: Promise<void> = Promise.resolve();
  /** Bumped by every start, kill and stop: an exit of an older generation is expected, not a crash. */
  private generation = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly log: WriteStream;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(
    readonly spec: ProcessSpec,
    private readonly onUnplannedExit: (exit: UnplannedExit) => void,
    private readonly progress: Progress,
  ) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
    // A cluster that dies without stopping its parts must not leave them behind.
    process.once('exit', this.killOnExit);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and resolves once it serves; rejects if it exits or stays unready first. */
  async start(): Promise<void> {
    if (this.stopped) throw new Error(`${this.spec.name} was stopped`);
    clearTimeout(this.restartTimer);
    const generation = ++this.generation;
    const { spec } = this;
    // Its own process group: a Ctrl-C in the terminal reaches the cluster only, which stops its parts in order.
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    let recent = '';
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const onOutput = (chunk: Buffer) => {
      this.log.write(chunk);
      recent = (recent + chunk.toString('utf8')).slice(-8192);
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    this.closed = new Promise<void>((resolve) =>
      child.once('close', (code, signal) => {
        exit = { code, signal };
        resolve();
        if (generation === this.generation && !this.stopped) {
          this.onUnplannedExit({ name: spec.name, code, signal, at: new Date() });
          this.progress(`${spec.name} exited on its own (code ${code}, signal ${signal}): restarting it in 1 s`);
          this.restartTimer = setTimeout(() => void this.start().catch((error: Error) => this.progress(`${spec.name}: ${error.message}`)), 1_000);
        }
      }),
    );
    child.once('error', (error) => this.log.write(`[supervisor] could not start: ${error.message}\n`));

    const deadline = Date.now() + spec.readyTimeoutMs;
    for (;;) {
      if (exit !== undefined) {
        throw new Error(
          `${spec.name} exited (code ${exit.code}, signal ${exit.signal}) before it was ready; log ${spec.logFile}:\n${recent.slice(-3000)}`,
        );
      }
      if (
        'line' in spec.ready
          ? recent.includes(spec.ready.line)
          : await spec.ready.probe().then(
              () => true,
              () => false,
            )
      )
        return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${spec.name} not ready after ${spec.readyTimeoutMs} ms; log ${spec.logFile}:\n${recent.slice(-3000)}`);
      }
      await sleep(200);
    }
  }

  /** SIGKILL (or another signal) on purpose: no shutdown, no restart. Start it again with start(). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.generation++;
    clearTimeout(this.restartTimer);
    this.child?.kill(signal);
    await this.closed;
  }

  /** SIGTERM, SIGKILL after the grace time: the end of the process for good. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.generation++;
    clearTimeout(this.restartTimer);
    this.child?.kill('SIGTERM');
    const forced = setTimeout(() => this.child?.kill('SIGKILL'), this.spec.stopGraceMs);
    await this.closed;
    clearTimeout(forced);
    process.removeListener('exit', this.killOnExit);
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}

// Runs `temporal server start-dev` as a child process with a persistent SQLite
// file, and waits until it answers (the SDK's own launcher allows only 5 s).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { CONTINUE_AS_NEW_MIN_INTERVAL, CONTINUE_AS_NEW_MIN_INTERVAL_SETTING } from '../temporal/continue-as-new-interval.js';
import { ENABLE_FAIRNESS_SETTING } from '../temporal/fairness.js';
import { searchAttributeFlags } from '../temporal/search-attributes.js';
import type { Progress } from './progress.js';

export interface TemporalDevServer {
  address: string;
  pid: number | undefined;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: {
  cli: string;
  dataDir: string;
  port: number;
  uiPort: number | undefined;
  namespace: string;
  progress: Progress;
  readyTimeoutMs?: number;
  /**
   * Fair dispatch between tenants' fairness keys (src/temporal/fairness.ts);
   * on unless turned off, which only the fairness benchmark does, to measure
   * the same load without it.
   */
  fairness?: boolean;
  /** More dynamic config (name → value), e.g. a low continue-as-new threshold for recording histories. */
  dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
}): Promise<TemporalDevServer> {
  await mkdir(options.dataDir, { recursive: true });
  const dbFile = path.resolve(options.dataDir, 'temporal.db');
  const logFile = path.resolve(options.dataDir, 'temporal.log');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    dbFile,
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    // WAL + synchronous=NORMAL survives process crashes and is much faster than the default.
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    // An API and a worker sharing a process start event workflows eagerly (src/runtime/shared-connection.ts).
    '--dynamic-config-value',
    'system.enableEagerWorkflowStart=true',
    // One partition per task queue: on one machine, more partitions only spread tasks and pollers
    // apart (fewer sync matches, more forwarding). Measured: +13 % deliveries/s with one subscriber,
    // +32 % with ten (docs/benchmarks.md).
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
    // Tenants' fairness keys take effect only with this (off by default in 1.29.1): one
    // tenant's backlog of event workflows no longer delays another's (src/temporal/fairness.ts).
    '--dynamic-config-value',
    `${ENABLE_FAIRNESS_SETTING}=${options.fairness !== false}`,
    // A wide fan-out's next batch starts when the last one is done, not a second after it began.
    '--dynamic-config-value',
    `${CONTINUE_AS_NEW_MIN_INTERVAL_SETTING}=${JSON.stringify(CONTINUE_AS_NEW_MIN_INTERVAL)}`,
    ...Object.entries(options.dynamicConfig ?? {}).flatMap(([name, value]) => ['--dynamic-config-value', `${name}=${value}`]),
    ...searchAttributeFlags(),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
  ];
  options.progress(`starting Temporal dev server on 127.0.0.1:${options.port} (db ${dbFile}, log ${logFile})`);
  // Its own process group: a Ctrl-C in the terminal reaches only hookflow,
  // which stops the worker first and the server last. Should hookflow die
  // without stopping it, the exit hook below still takes it down.
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const log = createWriteStream(logFile, { flags: 'a' });
  let recentOutput = '';
  const capture = (chunk: Buffer) => {
    log.write(chunk);
    recentOutput = (recentOutput + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const address = `127.0.0.1:${options.port}`;
  try {
    await waitForTemporal(address, child, exited, options.readyTimeoutMs ?? 120_000, () => recentOutput);
  } catch (error) {
    await stopChild(child, exited);
    log.end();
    throw error;
  }
  return {
    address,
    pid: child.pid,
    uiUrl: options.uiPort === undefined ? undefined : `http://localhost:${options.uiPort}`,
    async stop() {
      await stopChild(child, exited);
      process.removeListener('exit', killOnExit);
      log.end();
    },
  };
}

async function waitForTemporal(
  address: string,
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined || child.exitCode !== null) {
      throw new Error(`Temporal dev server exited (code ${exitCode ?? child.exitCode}) before it was ready:\n${output()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1 second' });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`Temporal dev server at ${address} not ready after ${timeoutMs} ms:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

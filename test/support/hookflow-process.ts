// One hookflow part (`api`, `worker`, or `start` with both, src/main.ts) as its own OS process,
// started as an operator would start it, and serving once it prints its
// ready line. For tests and the chaos run that signal or kill real processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

// `start` prints its summary once the API listens, after the worker polls.
const READY_LINES = { api: 'API listening on', worker: 'worker polling', start: 'hookflow is running' } as const;

export interface HookflowProcessHandle {
  child: ChildProcess;
  /** Resolves when the part serves; rejects if it exits or stays silent for readyTimeoutMs first. */
  ready: Promise<void>;
  /** Resolves once the process has exited and its output is flushed ('close', not 'exit'). */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; exitedAt: number }>;
}

export function spawnHookflowPart(
  command: keyof typeof READY_LINES,
  env: NodeJS.ProcessEnv,
  options: {
    readyTimeoutMs: number;
    onOutput?: (chunk: Buffer) => void;
    /** A compiled main.js to run with plain node; by default src/main.ts through tsx. */
    compiledMain?: string;
  },
): HookflowProcessHandle {
  const args = options.compiledMain === undefined ? ['--import', 'tsx', 'src/main.ts', command] : [options.compiledMain, command];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let settle!: (error?: Error) => void;
  const ready = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  const timer = setTimeout(() => settle(new Error(`${command} not ready after ${options.readyTimeoutMs} ms`)), options.readyTimeoutMs);
  let recent = '';
  child.stdout.on('data', (chunk: Buffer) => options.onOutput?.(chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    options.onOutput?.(chunk);
    // The line may arrive split across chunks.
    recent = (recent + chunk.toString('utf8')).slice(-4096);
    if (recent.includes(READY_LINES[command])) settle();
  });
  let exitedAt = 0;
  child.once('exit', () => (exitedAt = Date.now()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; exitedAt: number }>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      settle(new Error(`${command} exited (code ${code}, signal ${signal}) before it was ready`));
      resolve({ code, signal, exitedAt });
    }),
  );
  return { child, ready, closed };
}

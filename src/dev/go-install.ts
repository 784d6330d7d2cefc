// Builds Go programs with `go install`, showing each package as it is
// downloaded or compiled: the first build of a Temporal binary takes minutes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Progress } from './progress.js';

export async function goInstall(options: {
  /** Module paths with versions, e.g. go.temporal.io/server/cmd/server@v1.29.1. */
  modules: readonly string[];
  binDir: string;
  /** What is being built, for the progress lines. */
  what: string;
  /** What else would do instead of Go, for the error when Go is missing. */
  alternatives: string;
  progress: Progress;
}): Promise<void> {
  requireGo(options.what, options.alternatives);
  await mkdir(options.binDir, { recursive: true });
  const { progress } = options;
  progress(`building ${options.what} (${options.modules.join(', ')}) with go install into ${options.binDir}`);
  progress('this happens once and takes several minutes; each line below is a Go package being downloaded or compiled');
  const started = Date.now();
  const child = spawn('go', ['install', '-v', ...options.modules], {
    env: {
      ...process.env,
      GOBIN: options.binDir,
      // Older module versions can be missing from the checksum database:
      // skip it for Temporal's own modules only, never for everything.
      GONOSUMDB: [process.env.GONOSUMDB, 'github.com/temporalio/*,go.temporal.io/*'].filter(Boolean).join(','),
      GOFLAGS: [process.env.GOFLAGS, '-mod=mod'].filter(Boolean).join(' '),
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let lines = 0;
  child.stderr.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines += 1;
      progress(`go [${Math.round((Date.now() - started) / 1000)}s, ${lines}] ${line}`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`go install of ${options.what} failed (exit ${code}); see the output above`);
  progress(`${options.what} built in ${Math.round((Date.now() - started) / 1000)}s`);
}

/** The directory of a module in Go's module cache, downloading it if needed (go mod download). */
export function goModuleDir(module: string, what: string, alternatives: string): string {
  requireGo(what, alternatives);
  const result = spawnSync('go', ['mod', 'download', '-json', module], { encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  const info = result.stdout ? (JSON.parse(result.stdout) as { Dir?: string; Error?: string }) : {};
  if (result.status !== 0 || info.Dir === undefined) {
    throw new Error(`go mod download ${module} failed: ${info.Error ?? result.stderr}`);
  }
  return info.Dir;
}

function requireGo(what: string, alternatives: string): void {
  if (spawnSync('go', ['version']).status !== 0) {
    throw new Error(`Go is needed to build ${what} and is not installed. Install Go (https://go.dev/dl/), or ${alternatives}.`);
  }
}

// Finds a Temporal CLI, or builds one. Order: TEMPORAL_CLI, `temporal` on PATH,
// the cached .tools/bin/temporal, else `go install` of the pinned version
// (v1.6.0 and later carry a go.mod `replace` and cannot be go-installed).
import { spawn, spawnSync } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Progress } from './progress.js';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export async function ensureTemporalCli(options: {
  configured: string | undefined;
  toolsDir: string;
  progress: Progress;
}): Promise<string> {
  if (options.configured) {
    if (!(await isExecutable(options.configured))) {
      throw new Error(`TEMPORAL_CLI=${options.configured} is not an executable file`);
    }
    return options.configured;
  }
  const onPath = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;

  const binDir = path.resolve(options.toolsDir, 'bin');
  const cached = path.join(binDir, 'temporal');
  if (await isExecutable(cached)) return cached;

  await buildTemporalCli(binDir, options.progress);
  return cached;
}

async function buildTemporalCli(binDir: string, progress: Progress): Promise<void> {
  if (spawnSync('go', ['version']).status !== 0) {
    throw new Error(
      'No Temporal CLI found and Go is not installed to build one. Install Go (https://go.dev/dl/), ' +
        'or set TEMPORAL_CLI to a temporal binary, or set TEMPORAL_ADDRESS to use an existing server.',
    );
  }
  await mkdir(binDir, { recursive: true });
  progress(`building the Temporal CLI (${TEMPORAL_CLI_MODULE}) with go install into ${binDir}`);
  progress('this happens once and takes several minutes; each line below is a Go package being downloaded or compiled');
  const started = Date.now();
  const child = spawn('go', ['install', '-v', TEMPORAL_CLI_MODULE], {
    env: {
      ...process.env,
      GOBIN: binDir,
      // Older module versions can be missing from the checksum database:
      // skip it for Temporal's own modules only, never for everything.
      GONOSUMDB: [process.env.GONOSUMDB, 'github.com/temporalio/*'].filter(Boolean).join(','),
      GOFLAGS: [process.env.GOFLAGS, '-mod=mod'].filter(Boolean).join(' '),
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let lines = 0;
  child.stderr.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines += 1;
      const elapsed = Math.round((Date.now() - started) / 1000);
      progress(`go [${elapsed}s, ${lines}] ${line}`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`go install ${TEMPORAL_CLI_MODULE} failed (exit ${code}); see the output above`);
  progress(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)}s`);
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

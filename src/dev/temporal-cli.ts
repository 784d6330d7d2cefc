// Finds a Temporal CLI, or builds one. Order: TEMPORAL_CLI, `temporal` on PATH,
// the cached .tools/bin/temporal, else `go install` of the pinned version
// (v1.6.0 and later carry a go.mod `replace` and cannot be go-installed).
import path from 'node:path';
import { findOnPath, isExecutable } from './executables.js';
import { goInstall } from './go-install.js';
import type { Progress } from './progress.js';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export async function ensureTemporalCli(options: { configured: string | undefined; toolsDir: string; progress: Progress }): Promise<string> {
  if (options.configured) {
    if (!(await isExecutable(options.configured))) {
      throw new Error(`TEMPORAL_CLI=${options.configured} is not an executable file`);
    }
    return options.configured;
  }
  const onPath = findOnPath('temporal');
  if (onPath) return onPath;

  const binDir = path.resolve(options.toolsDir, 'bin');
  const cached = path.join(binDir, 'temporal');
  if (await isExecutable(cached)) return cached;

  await goInstall({
    modules: [TEMPORAL_CLI_MODULE],
    binDir,
    what: 'the Temporal CLI',
    alternatives: 'set TEMPORAL_CLI to a temporal binary, or set TEMPORAL_ADDRESS to use an existing server',
    progress: options.progress,
  });
  return cached;
}

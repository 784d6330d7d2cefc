// One workflow run's history, as the Temporal CLI prints it, into a fixture file.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureTemporalCli } from '../../src/dev/temporal-cli.js';
import { printProgress as progress } from '../../src/dev/progress.js';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = path.join(ROOT, 'test/fixtures/histories');

/** Without `runId`, the workflow's latest run. */
export async function writeHistory(address: string, folder: string, name: string, workflowId: string, runId?: string): Promise<void> {
  const cli = await ensureTemporalCli({ configured: process.env.TEMPORAL_CLI, toolsDir: path.join(ROOT, '.tools'), progress });
  const which = runId === undefined ? [] : ['--run-id', runId];
  const { stdout } = await run(cli, ['workflow', 'show', '--address', address, '--workflow-id', workflowId, ...which, '--output', 'json']);
  await writeFile(path.join(folder, `${name}.json`), stdout);
}

// Finding the programs hookflow runs: on PATH, or at a given file.
import { spawnSync } from 'node:child_process';
import { access, constants } from 'node:fs/promises';

/** The path of `name` as the shell finds it on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

export async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

// Secrets the embedded mode keeps in its data directory, so a restart finds
// the same encryption key and admin key. Readable by the owner only.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function readOrCreateSecretFile(dataDir: string, name: string, create: () => string): Promise<{ value: string; created: boolean }> {
  const file = path.resolve(dataDir, name);
  try {
    return { value: (await readFile(file, 'utf8')).trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const value = create();
  await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, created: true };
}

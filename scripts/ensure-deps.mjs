// Runs before `npm start` / `npm test` with nothing but Node itself: on a fresh
// clone node_modules is missing, so install exactly what package-lock.json pins.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const marker = new URL('../node_modules/.package-lock.json', import.meta.url);
if (!existsSync(marker)) {
  console.log('[hookflow] node_modules missing: running `npm ci` (first run only)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[hookflow] `npm ci` failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}

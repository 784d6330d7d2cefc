// `npm run build [-- --out-dir DIR]`: compiles what `node dist/src/main.js`
// runs (every command: api, worker, migrate, start and the CLI's), the package
// entry (src/index.ts) and the workflow code the worker bundles at start-up
// (workflows/index.ts), then copies next to the JavaScript the files it reads
// at run time that are not TypeScript: the SQL migrations and the pages'
// static files (test/integration/compiled-build.test.ts checks none is missed).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: path.join(root, 'dist') } } });
const outDir = path.resolve(values['out-dir']);

/** Read at run time relative to the module that reads them (src/db/migrate.ts, src/ui/assets.ts). */
const ASSETS = ['src/db/migrations', 'src/ui/assets'];

// A file removed from the source must not live on in the output.
rmSync(outDir, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', outDir],
  {
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
for (const asset of ASSETS) cpSync(path.join(root, asset), path.join(outDir, asset), { recursive: true });
console.log(`[hookflow] built into ${path.relative(process.cwd(), outDir) || '.'}`);

#!/usr/bin/env node
// The `hookflow` command, in this same process: the compiled dist/src/main.js
// when `npm run build` made one (an image, an installed package), else
// src/main.ts through tsx (a development checkout without a build). A build
// older than the source beside it is not run: that would be yesterday's code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = new URL('../dist/src/main.js', import.meta.url);
const SOURCE_DIRS = ['src', 'workflows', 'activities'];

/** The newest modification time of the TypeScript source, 0 without any (an image ships dist/ only). */
function newestSource() {
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    if (!existsSync(`${root}${dir}`)) continue;
    for (const entry of readdirSync(`${root}${dir}`, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
    }
  }
  return newest;
}

if (existsSync(compiled) && statSync(compiled).mtimeMs >= newestSource()) {
  await import(compiled.href);
} else {
  if (existsSync(compiled)) process.stderr.write('[hookflow] dist/ is older than the source: running the source (npm run build updates dist/)\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}

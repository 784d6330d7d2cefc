// Issue #15 item 4: production runs the compiled JavaScript. `npm run build`'s
// output, laid out as the Docker image lays it out (package.json, node_modules
// and dist/ side by side, no TypeScript source), runs `migrate`, `api` and
// `worker` with plain `node dist/src/main.js`, no tsx: the migrations apply
// to an empty database, the API serves, and one event reaches a loopback
// receiver through the compiled worker, the only one polling its task queue.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { freePort } from '../../src/dev/ports.js';
import { REPO_ROOT, spawnHookflowPart, type HookflowProcessHandle } from '../support/hookflow-process.js';
import { alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { createDatabase, partEnv, startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let appDir: string;
let compiledMain: string;
const parts: HookflowProcessHandle[] = [];
let receiver: Receiver | undefined;

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

/** The process environment without anything that would load tsx into the compiled processes. */
function withoutTsx(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _ignored, ...rest } = env;
  return rest;
}

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  // The image's /app: package.json and node_modules next to dist/, nothing else.
  appDir = mkdtempSync(path.join(os.tmpdir(), 'hookflow-compiled-'));
  copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(appDir, 'package.json'));
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
  const build = await run(['scripts/build.mjs', '--out-dir', path.join(appDir, 'dist')], process.env);
  expect(build, build.output).toMatchObject({ code: 0 });
  compiledMain = path.join(appDir, 'dist', 'src', 'main.js');
}, 300_000);

afterAll(async () => {
  for (const part of parts) part.child.kill('SIGTERM');
  await Promise.all(parts.map((part) => part.closed));
  await receiver?.close();
  await stack?.close();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

describe('the compiled build', () => {
  it('holds JavaScript, declarations, every file of the source that is not TypeScript (migrations, assets), and no TypeScript source', () => {
    const files = filesUnder(path.join(appDir, 'dist'));
    for (const entry of ['src/main.js', 'src/index.js', 'src/index.d.ts', 'workflows/index.js', 'activities/index.js'])
      expect(files).toContain(entry);
    const notTypeScript = ['src', 'activities', 'workflows'].flatMap((dir) =>
      filesUnder(path.join(REPO_ROOT, dir))
        .filter((f) => !/\.tsx?$/.test(f))
        .map((f) => `${dir}/${f}`),
    );
    expect(notTypeScript).toEqual(expect.arrayContaining(['src/db/migrations/001_initial.sql', 'src/ui/assets/ui.css']));
    expect(notTypeScript.filter((f) => !files.includes(f))).toEqual([]);
    expect(files.filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('`node dist/src/main.js migrate` applies every migration to an empty database, and the CLI runs from dist', async () => {
    const databaseUrl = await createDatabase(inject('databaseUrl'), uniqueName('hookflow_compiled'));
    const migrated = await run([compiledMain, 'migrate'], withoutTsx({ ...process.env, DATABASE_URL: databaseUrl }));
    const count = readdirSync(path.join(REPO_ROOT, 'src/db/migrations')).filter((f) => f.endsWith('.sql')).length;
    expect(migrated, migrated.output).toMatchObject({ code: 0 });
    expect(migrated.output).toContain(`migrations: 0 applied, ${count} pending`);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n).toBe(count);
      const created = await run(
        [compiledMain, 'keys', 'create', '--name', 'compiled', '--scope', 'read'],
        withoutTsx({ ...process.env, DATABASE_URL: databaseUrl }),
      );
      expect(created, created.output).toMatchObject({ code: 0 });
      expect((await client.query('SELECT name, scopes FROM api_keys')).rows).toEqual([{ name: 'compiled', scopes: ['read'] }]);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('the compiled CLI answers --help with exit 0 and an unknown option with exit 2', async () => {
    const help = await run([compiledMain, '--help'], withoutTsx(process.env));
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/^Usage: hookflow <command> \[arguments\]/);
    const wrong = await run([compiledMain, 'worker', '--bogus'], withoutTsx(process.env));
    expect(wrong.code).toBe(2);
    expect(wrong.output).toContain("[hookflow] unknown option '--bogus'");
  }, 60_000);

  it('`node dist/src/main.js api` serves and `worker` delivers an event to a loopback receiver', async () => {
    // A task queue of their own: the test stack's in-process worker never sees these workflows.
    const taskQueue = uniqueName('compiled');
    const port = await freePort();
    const env = withoutTsx(await partEnv(stack, taskQueue, { PORT: String(port), HOST: '127.0.0.1' }));
    const api = spawnHookflowPart('api', env, { readyTimeoutMs: 120_000, compiledMain });
    const worker = spawnHookflowPart('worker', env, { readyTimeoutMs: 180_000, compiledMain });
    parts.push(api, worker);
    for (const part of parts) expect(part.child.spawnargs.join(' ')).not.toContain('tsx');
    await Promise.all([api.ready, worker.ready]);

    const base = `http://127.0.0.1:${port}`;
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${base}${route}`, {
        method,
        headers: { authorization: `Bearer ${stack.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: await response.json() };
    };
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // The console's page and a static file it links, read from dist/ at start-up.
    const signIn = await fetch(`${base}/console/sign-in`);
    expect(signIn.status).toBe(200);
    const stylesheet = /href="(\/ui\/assets\/ui\.[0-9a-f]+\.css)"/.exec(await signIn.text())?.[1];
    expect(stylesheet).toBeDefined();
    const css = await fetch(`${base}${stylesheet}`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    expect(await css.text()).toBe(readFileSync(path.join(REPO_ROOT, 'src/ui/assets/ui.css'), 'utf8'));

    receiver = await startReceiver(alwaysOk);
    const type = `${uniqueName('compiled')}.event`;
    expect((await call('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] })).status).toBe(201);
    const published = await call('POST', '/v1/events', { type, payload: { from: 'dist' } });
    expect(published.status).toBe(202);

    const delivered = await waitFor('the delivery through the compiled worker', async () => receiver!.requests[0], 60_000);
    expect(JSON.parse(delivered.body)).toMatchObject({ type, data: { from: 'dist' } });
    expect(delivered.headers['webhook-id']).toBeDefined();
    // The version comes from package.json, which the compiled code finds two directories up.
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(delivered.headers['user-agent']).toBe(`hookflow/${version}`);
    await waitFor(
      'the delivery recorded as succeeded',
      async () => ((await call('GET', `/v1/events/${published.body.id}`)).body.deliveries?.[0]?.status === 'succeeded' ? true : undefined),
      30_000,
    );
  }, 300_000);
});

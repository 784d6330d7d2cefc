// The contract test: Schemathesis (PyPI, pinned in .ci/run, installed into
// .tools/python) drives the running API from its own OpenAPI document with
// generated requests, valid and invalid, and every check it has: no 5xx, every
// status documented, every answer matching its schema and content type, valid
// requests accepted, invalid ones refused, 405 with Allow for methods a path
// lacks. Any finding fails the test and is printed. Ids in paths resolve to
// resources made here first, so operations reach their handlers, not a 404.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/hookflow-parts.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { serveApp, type ServedApp } from '../support/serve-app.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

/** The version .ci/run installs. */
const SCHEMATHESIS_VERSION = '4.32.5';
/** Generated cases per operation and phase: enough to find the disagreements, under ~3 minutes on 2 cores. */
const MAX_EXAMPLES = 8;
/** A fixed seed: a finding reproduces, and CI does not flake on a rare draw (change it to explore). */
const SEED = 20261202;

let stack: TestStack;
let receiver: Receiver;
let served: ServedApp;
let workDir: string;

interface World {
  tenant: string;
  doomedTenant: string;
  subscription: string;
  doomedSubscription: string;
  fifoSubscription: string;
  event: string;
  delivery: string;
  eventType: string;
  doomedKey: string;
  cursor: string;
}
let world: World;

async function made(method: string, route: string, body?: unknown): Promise<any> {
  const answer = await stack.api(method, route, body);
  expect(answer.status, `${method} ${route}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
  return answer.body;
}

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1], apiRateLimitPerSecond: 100_000 });
  receiver = await startReceiver();
  const type = `${uniqueName('contract')}.happened`;
  const tenant = (await made('POST', '/v1/tenants', { name: 'contract' })).id;
  const doomedTenant = (await made('POST', '/v1/tenants', { name: 'deleted by the contract test' })).id;
  const subscription = (await made('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], tenantId: tenant })).id;
  const doomedSubscription = (await made('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], tenantId: tenant })).id;
  const fifoSubscription = (await made('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], tenantId: tenant, ordering: 'fifo' }))
    .id;
  await made('POST', '/v1/event-types', { name: type, schema: { type: 'object' }, examples: [{}] });
  const event = (await made('POST', '/v1/events', { type, payload: {}, tenantId: tenant })).id;
  const delivered = await waitFor('the first delivery', async () => {
    const read = await stack.api('GET', `/v1/events/${event}`);
    return read.body?.deliveries?.length === 3 ? read.body : undefined;
  });
  const doomedKey = (await made('POST', '/v1/keys', { name: 'revoked by the contract test', scopes: ['read'] })).id;
  const cursor = (await made('GET', `/v1/subscriptions?limit=1&tenantId=${tenant}`)).nextCursor;
  world = {
    tenant,
    doomedTenant,
    subscription,
    doomedSubscription,
    fifoSubscription,
    event,
    delivery: delivered.deliveries[0].id,
    eventType: type,
    doomedKey,
    cursor,
  };
  served = await serveApp(stack.app);
  workDir = await mkdtemp(path.join(tmpdir(), 'hookflow-contract-'));
}, 120_000);

afterAll(async () => {
  await served?.close();
  await receiver?.close();
  await stack?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Schemathesis's configuration: which existing resource each path's id names, and the fixed values that must exist. */
function config(w: World): string {
  const operation = (pathRegex: string, parameters: Record<string, string>, method?: string) =>
    [
      '[[operations]]',
      `include-path-regex = ${JSON.stringify(pathRegex)}`,
      ...(method ? [`include-method = ${JSON.stringify(method)}`] : []),
      `parameters = { ${Object.entries(parameters)
        .map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`)
        .join(', ')} }`,
      '',
    ].join('\n');
  return [
    '[parameters]',
    // A tenant named in a body or a filter must exist; a URL must be one the SSRF guard lets through.
    `"body.tenantId" = ${JSON.stringify(w.tenant)}`,
    `"query.tenantId" = ${JSON.stringify(w.tenant)}`,
    `"body.url" = ${JSON.stringify(receiver.url)}`,
    // A cursor is one the API returned (opaque by design).
    `"query.cursor" = ${JSON.stringify(w.cursor)}`,
    '',
    operation('^/v1/subscriptions/\\{id\\}/stream$', { 'path.id': w.fifoSubscription }),
    operation('^/v1/subscriptions/\\{id\\}$', { 'path.id': w.doomedSubscription }, 'DELETE'),
    operation('^/v1/subscriptions/\\{id\\}(/(secret|secret/rotate|test|health|recover))?$', { 'path.id': w.subscription }),
    operation('^/v1/tenants/\\{id\\}$', { 'path.id': w.doomedTenant }, 'DELETE'),
    operation('^/v1/tenants/\\{id\\}', { 'path.id': w.tenant }),
    operation('^/v1/events/\\{id\\}$', { 'path.id': w.event }),
    operation('^/v1/deliveries/\\{id\\}', { 'path.id': w.delivery }),
    operation('^/v1/event-types/\\{name\\}', { 'path.name': w.eventType }),
    operation('^/v1/keys/\\{id\\}$', { 'path.id': w.doomedKey }),
  ].join('\n');
}

function schemathesis(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'python3',
      ['-m', 'schemathesis.cli', ...args],
      {
        cwd: workDir,
        env: {
          ...process.env,
          PYTHONPATH: [path.join(REPO_ROOT, '.tools/python'), path.join(REPO_ROOT, 'test/contract')].join(path.delimiter),
          // The rules the document states in prose, kept by the requests (test/contract/hookflow_hooks.py).
          SCHEMATHESIS_HOOKS: 'hookflow_hooks',
          HOOKFLOW_CONTRACT_WORLD: JSON.stringify({ ...world, receiverUrl: receiver.url }),
          NO_COLOR: '1',
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 240_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('the API contract', () => {
  it(`is installed: Schemathesis ${SCHEMATHESIS_VERSION}`, async () => {
    const { output } = await schemathesis(['--version']);
    expect(output).toContain(SCHEMATHESIS_VERSION);
  });

  it('holds for generated requests, valid and invalid, with every check: zero findings', async () => {
    const configFile = path.join(workDir, 'schemathesis.toml');
    await writeFile(configFile, config(world));
    const { code, output } = await schemathesis([
      '--config-file',
      configFile,
      'run',
      `${served.url}/openapi.json`,
      '--checks',
      'all',
      '--mode',
      'all',
      '--phases',
      'examples,coverage,fuzzing',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      '--workers',
      '1',
      '--generation-database',
      'none',
      // PostgreSQL cannot store NUL: text fields say so with a pattern, JSON payloads in prose.
      '--generation-allow-x00',
      'false',
      '--header',
      `Authorization: Bearer ${stack.adminKey}`,
      '--no-color',
      '--output-truncate',
      'false',
    ]);
    if (code !== 0) console.log(output);
    expect(code, 'Schemathesis found disagreements between the document and the server (printed above)').toBe(0);
    // It did run: every operation it loaded, with more cases than the fuzzing phase alone makes.
    const operations = Number(output.match(/Selected:\s+\d+\/(\d+)/)?.[1]);
    expect(operations, output).toBeGreaterThanOrEqual(30);
    expect(output.match(/Tested:\s+(\d+)/)?.[1], output).toBe(String(operations));
    expect(Number(output.match(/(\d+) generated/)?.[1]), output).toBeGreaterThan(operations * MAX_EXAMPLES);
  }, 300_000);
});

// Nobody gets in without a key: every /v1 route refuses missing, wrong and
// revoked keys; a publish key can only publish; callers over their rate wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { startTestStack, uniqueName, type TestStack } from '../support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
});

afterAll(async () => {
  await stack?.close();
});

/** Every registered /v1 route, with its parameters filled in. */
function v1Routes(): Array<{ method: string; path: string }> {
  const seen = new Set<string>();
  return stack.app.routes
    .filter((r) => r.path.startsWith('/v1/') && r.method !== 'ALL' && !r.path.endsWith('*'))
    .map((r) => ({ method: r.method, path: r.path.replace(/:[A-Za-z]+/g, 'x_unknown') }))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`) !== undefined);
}

async function expectProblem(answer: { status: number; headers: Headers; body: any }, status: number, type: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.body.type).toBe(`https://hookflow.dev/problems/${type}`);
}

describe('API keys', () => {
  it('covers a meaningful set of routes', () => {
    const routes = v1Routes().map((r) => `${r.method} ${r.path}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /v1/subscriptions',
        'GET /v1/subscriptions',
        'GET /v1/subscriptions/x_unknown',
        'PATCH /v1/subscriptions/x_unknown',
        'DELETE /v1/subscriptions/x_unknown',
        'GET /v1/subscriptions/x_unknown/secret',
        'POST /v1/subscriptions/x_unknown/secret/rotate',
        'POST /v1/subscriptions/x_unknown/test',
        'POST /v1/events',
        'GET /v1/events/x_unknown',
        'GET /v1/deliveries',
        'GET /v1/deliveries/x_unknown',
        'POST /v1/deliveries/x_unknown/redeliver',
        'POST /v1/keys',
        'GET /v1/keys',
        'DELETE /v1/keys/x_unknown',
      ]),
    );
  });

  it('refuses every /v1 route without a key, with a malformed header, with a wrong key, and with a revoked key', async () => {
    const { body: revokable } = await stack.api('POST', '/v1/keys', { name: 'soon revoked', scopes: ['admin'] });
    expect((await stack.api('DELETE', `/v1/keys/${revokable.id}`)).status).toBe(204);

    const attempts: Array<[string, Record<string, string>]> = [
      ['no key', { authorization: '' }],
      ['basic auth', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['wrong key', { authorization: `Bearer hfk_${'A'.repeat(43)}` }],
      ['revoked key', { authorization: `Bearer ${revokable.key}` }],
    ];
    for (const route of v1Routes()) {
      for (const [why, headers] of attempts) {
        const answer = await stack.api(route.method, route.path, route.method === 'GET' || route.method === 'DELETE' ? undefined : {}, headers);
        expect({ route, why, status: answer.status }).toEqual({ route, why, status: 401 });
        await expectProblem(answer, 401, 'unauthorized');
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
  });

  it('lets a publish key publish and nothing else', async () => {
    const { status, body: publisher } = await stack.api('POST', '/v1/keys', { name: 'producer', scopes: ['publish'] });
    expect(status).toBe(201);
    expect(publisher.key).toMatch(/^hfk_[A-Za-z0-9_-]{43}$/);
    const headers = { authorization: `Bearer ${publisher.key}` };

    const published = await stack.api('POST', '/v1/events', { type: `${uniqueName('p')}.done`, payload: {} }, headers);
    expect(published.status).toBe(202);

    // Asking who it is needs no scope: the one other route a publish key may call.
    const whoami = await stack.api('GET', '/v1/whoami', undefined, headers);
    expect(whoami).toMatchObject({ status: 200, body: { kind: 'api-key', keyId: publisher.id, scopes: ['publish'], tenantId: null } });
    expect(JSON.stringify(whoami.body)).not.toContain(publisher.key);

    const others = v1Routes().filter((r) => !(r.method === 'POST' && r.path === '/v1/events') && !(r.method === 'GET' && r.path === '/v1/whoami'));
    for (const route of others) {
      const answer = await stack.api(route.method, route.path, route.method === 'GET' || route.method === 'DELETE' ? undefined : {}, headers);
      expect({ route, status: answer.status }).toEqual({ route, status: 403 });
      await expectProblem(answer, 403, 'forbidden');
    }
  });

  it('shows a key once, lists keys without them, and revokes', async () => {
    const { body: created } = await stack.api('POST', '/v1/keys', { name: 'ci', scopes: ['admin', 'publish'] });
    const listed = await stack.api('GET', '/v1/keys?limit=100');
    const entry = listed.body.data.find((k: { id: string }) => k.id === created.id);
    expect(entry).toEqual({
      id: created.id,
      name: 'ci',
      prefix: created.key.slice(0, 10),
      scopes: ['admin', 'publish'],
      tenantId: null,
      createdAt: created.createdAt,
      revokedAt: null,
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.key);

    const headers = { authorization: `Bearer ${created.key}` };
    expect((await stack.api('GET', '/v1/subscriptions', undefined, headers)).status).toBe(200);
    expect((await stack.api('DELETE', `/v1/keys/${created.id}`)).status).toBe(204);
    expect((await stack.api('GET', '/v1/subscriptions', undefined, headers)).status).toBe(401);
    expect((await stack.api('DELETE', `/v1/keys/${created.id}`)).status).toBe(404);
  });

  it('accepts the admin key given in the environment', async () => {
    const adminKey = 'env-admin-key-0123456789abcdefghijklmnop';
    const app = createApp({ ...stack.apiDeps, adminKey });
    expect((await app.request('/v1/subscriptions', { headers: { authorization: `Bearer ${adminKey}` } })).status).toBe(200);
    expect((await app.request('/v1/subscriptions', { headers: { authorization: `Bearer ${adminKey}x` } })).status).toBe(401);
  });

  it('reads the Authorization scheme case-insensitively (RFC 9110), and nothing but "bearer" as the scheme', async () => {
    const { body: created } = await stack.api('POST', '/v1/keys', { name: 'any case', scopes: ['read'] });
    const status = async (authorization: string) => (await stack.api('GET', '/v1/subscriptions', undefined, { authorization })).status;
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      expect({ scheme, status: await status(`${scheme} ${created.key}`) }).toEqual({ scheme, status: 200 });
    }
    // One or more spaces separate scheme and credential (1*SP), nothing else does.
    expect(await status(`bearer   ${created.key}`)).toBe(200);
    for (const malformed of [
      `bearer${created.key}`,
      `bearer\t${created.key}`,
      `bearers ${created.key}`,
      `xbearer ${created.key}`,
      `bearer ${created.key} extra`,
    ]) {
      expect({ malformed, status: await status(malformed) }).toEqual({ malformed, status: 401 });
    }
    const adminKey = 'env-admin-key-0123456789abcdefghijklmnop';
    const app = createApp({ ...stack.apiDeps, adminKey });
    expect((await app.request('/v1/subscriptions', { headers: { authorization: `BEARER ${adminKey}` } })).status).toBe(200);
  });

  it('leaves /healthz and /readyz open', async () => {
    expect((await stack.app.request('/healthz')).status).toBe(200);
    expect((await stack.app.request('/readyz')).status).toBe(200);
  });

  it('answers 429 with Retry-After once a key exceeds its rate', async () => {
    // 2 requests per second, burst of 4: the fifth request in a row is refused.
    const app = createApp({ ...stack.apiDeps, rateLimit: { ratePerSecond: 2, capacity: 4 } });
    const headers = { authorization: `Bearer ${stack.adminKey}` };
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 5; i++) {
      const response = await app.request('/v1/subscriptions', { headers });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(refused!.headers.get('retry-after')).toBe('1');
    expect(refused!.headers.get('content-type')).toBe('application/problem+json');
    // Another key has its own bucket.
    const { body: other } = await stack.api('POST', '/v1/keys', { name: 'other', scopes: ['admin'] });
    expect((await app.request('/v1/subscriptions', { headers: { authorization: `Bearer ${other.key}` } })).status).toBe(200);
  });
});

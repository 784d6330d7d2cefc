// A caller limited to one tenant (a tenant's API key, a portal token) reaches
// that tenant only: across every /v1 route, another tenant's ids answer 404
// exactly like ids that do not exist, a body naming another tenant is refused
// like an unknown tenant, the platform's own routes answer 403, and nothing
// of the other tenant changes. Portal tokens expire and are revoked by tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createTenantDirectory } from '../../src/services/tenant-directory.js';
import { recoveryIdFor } from '../../src/services/recoveries.js';
import { createLogger } from '../../src/logger.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type ApiAnswer, type TestStack } from '../support/stack.js';

let stack: TestStack;
let receiver: Receiver;

interface TenantWorld {
  tenant: string;
  sub: string;
  evt: string;
  dlv: string;
  key: string;
  keyId: string;
}
let a: TenantWorld;
let b: TenantWorld;
let bToken: string;
const type = `${uniqueName('iso')}.event`;

async function world(name: string): Promise<TenantWorld> {
  const { body: tenant } = await stack.api('POST', '/v1/tenants', { name });
  const { body: sub } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], tenantId: tenant.id });
  const { body: evt } = await stack.api('POST', '/v1/events', { type, payload: { tenant: name }, tenantId: tenant.id });
  const recorded = await waitFor(`${name}'s delivery`, async () => {
    const read = await stack.api('GET', `/v1/events/${evt.id}`);
    return read.body?.deliveries?.[0]?.status === 'succeeded' ? read.body : undefined;
  });
  const { body: key } = await stack.api('POST', '/v1/keys', { name, scopes: ['admin'], tenantId: tenant.id });
  return { tenant: tenant.id, sub: sub.id, evt: evt.id, dlv: recorded.deliveries[0].id, key: key.key, keyId: key.id };
}

/** Everything of tenant A that a request could change, to compare before and after. */
async function snapshot(w: TenantWorld) {
  const get = async (path: string) => (await stack.api('GET', path)).body;
  return {
    tenant: await get(`/v1/tenants/${w.tenant}`),
    subscription: await get(`/v1/subscriptions/${w.sub}`),
    secret: await get(`/v1/subscriptions/${w.sub}/secret`),
    delivery: await get(`/v1/deliveries/${w.dlv}`),
    event: await get(`/v1/events/${w.evt}`),
    keys: (await get(`/v1/keys?tenantId=${w.tenant}`)).data,
  };
}

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  receiver = await startReceiver();
  a = await world('A');
  b = await world('B');
  const issued = await stack.api('POST', `/v1/tenants/${b.tenant}/portal-token`, {});
  expect(issued.status).toBe(201);
  bToken = issued.body.token;
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

type Ids = Pick<TenantWorld, 'tenant' | 'sub' | 'evt' | 'dlv' | 'keyId'>;
interface Case {
  method: string;
  /** The route as the app registers it. */
  route: string;
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  /** What a tenant-B caller gets when the request names tenant A's resources. */
  other: number;
  /** What it gets for its own (proof the route works for it), when the request is safe to repeat. */
  own?: number;
}

// A recovery's window is 31 days at most.
const sinceLongAgo = { since: new Date(Date.now() - 30 * 86_400_000).toISOString() };
const cases: Case[] = [
  {
    method: 'POST',
    route: '/v1/subscriptions',
    path: () => '/v1/subscriptions',
    body: (t) => ({ url: 'https://x.example/h', eventTypes: ['a.b'], tenantId: t.tenant }),
    other: 422,
    own: 201,
  },
  { method: 'GET', route: '/v1/subscriptions', path: (t) => `/v1/subscriptions?tenantId=${t.tenant}`, other: 404, own: 200 },
  { method: 'GET', route: '/v1/subscriptions/:id', path: (t) => `/v1/subscriptions/${t.sub}`, other: 404, own: 200 },
  {
    method: 'PATCH',
    route: '/v1/subscriptions/:id',
    path: (t) => `/v1/subscriptions/${t.sub}`,
    body: () => ({ description: 'changed' }),
    other: 404,
    own: 200,
  },
  { method: 'DELETE', route: '/v1/subscriptions/:id', path: (t) => `/v1/subscriptions/${t.sub}`, other: 404 },
  { method: 'GET', route: '/v1/subscriptions/:id/secret', path: (t) => `/v1/subscriptions/${t.sub}/secret`, other: 404, own: 200 },
  {
    method: 'POST',
    route: '/v1/subscriptions/:id/secret/rotate',
    path: (t) => `/v1/subscriptions/${t.sub}/secret/rotate`,
    body: () => ({ overlapSeconds: 60 }),
    other: 404,
    own: 200,
  },
  { method: 'GET', route: '/v1/subscriptions/:id/health', path: (t) => `/v1/subscriptions/${t.sub}/health`, other: 404, own: 200 },
  {
    method: 'POST',
    route: '/v1/subscriptions/:id/test',
    path: (t) => `/v1/subscriptions/${t.sub}/test`,
    body: () => ({ payload: { ping: true } }),
    other: 404,
    own: 200,
  },
  // The world's subscription is unordered: its own caller reaches the route and gets its 409.
  { method: 'GET', route: '/v1/subscriptions/:id/stream', path: (t) => `/v1/subscriptions/${t.sub}/stream`, other: 404, own: 409 },
  {
    method: 'POST',
    route: '/v1/subscriptions/:id/recover',
    path: (t) => `/v1/subscriptions/${t.sub}/recover`,
    body: () => sinceLongAgo,
    other: 404,
    own: 202,
  },
  // The recovery the case above started (its id is derived from the subscription and the window).
  {
    method: 'GET',
    route: '/v1/subscriptions/:id/recoveries/:recoveryId',
    path: (t) => `/v1/subscriptions/${t.sub}/recoveries/${recoveryIdFor(t.sub, sinceLongAgo)}`,
    other: 404,
    own: 200,
  },
  { method: 'POST', route: '/v1/events', path: () => '/v1/events', body: (t) => ({ type, payload: {}, tenantId: t.tenant }), other: 422, own: 202 },
  { method: 'GET', route: '/v1/events', path: (t) => `/v1/events?tenantId=${t.tenant}`, other: 404, own: 200 },
  { method: 'GET', route: '/v1/events/:id', path: (t) => `/v1/events/${t.evt}`, other: 404, own: 200 },
  { method: 'GET', route: '/v1/deliveries', path: (t) => `/v1/deliveries?tenantId=${t.tenant}`, other: 404, own: 200 },
  { method: 'GET', route: '/v1/deliveries/:id', path: (t) => `/v1/deliveries/${t.dlv}`, other: 404, own: 200 },
  { method: 'POST', route: '/v1/deliveries/:id/skip', path: (t) => `/v1/deliveries/${t.dlv}/skip`, other: 404, own: 409 },
  { method: 'POST', route: '/v1/deliveries/:id/redeliver', path: (t) => `/v1/deliveries/${t.dlv}/redeliver`, other: 404, own: 202 },
  {
    method: 'POST',
    route: '/v1/keys',
    path: () => '/v1/keys',
    body: (t) => ({ name: 'x', scopes: ['admin'], tenantId: t.tenant }),
    other: 403,
    own: 403,
  },
  { method: 'GET', route: '/v1/keys', path: (t) => `/v1/keys?tenantId=${t.tenant}`, other: 403, own: 403 },
  { method: 'DELETE', route: '/v1/keys/:id', path: (t) => `/v1/keys/${t.keyId}`, other: 403, own: 403 },
  { method: 'POST', route: '/v1/tenants', path: () => '/v1/tenants', body: () => ({ name: 'new' }), other: 403, own: 403 },
  { method: 'GET', route: '/v1/tenants', path: () => '/v1/tenants', other: 200, own: 200 },
  { method: 'GET', route: '/v1/tenants/:id', path: (t) => `/v1/tenants/${t.tenant}`, other: 404, own: 200 },
  {
    method: 'PATCH',
    route: '/v1/tenants/:id',
    path: (t) => `/v1/tenants/${t.tenant}`,
    body: () => ({ metadata: { touched: true } }),
    other: 404,
    own: 200,
  },
  { method: 'DELETE', route: '/v1/tenants/:id', path: (t) => `/v1/tenants/${t.tenant}`, other: 404, own: 403 },
  {
    method: 'POST',
    route: '/v1/tenants/:id/portal-token',
    path: (t) => `/v1/tenants/${t.tenant}/portal-token`,
    body: () => ({}),
    other: 403,
    own: 403,
  },
  { method: 'DELETE', route: '/v1/tenants/:id/portal-tokens', path: (t) => `/v1/tenants/${t.tenant}/portal-tokens`, other: 403, own: 403 },
  { method: 'GET', route: '/v1/tenants/:id/usage', path: (t) => `/v1/tenants/${t.tenant}/usage`, other: 404, own: 200 },
  { method: 'GET', route: '/v1/usage', path: () => '/v1/usage', other: 403, own: 403 },
  // Answers about the caller alone, whatever tenant it is asked from.
  { method: 'GET', route: '/v1/whoami', path: () => '/v1/whoami', other: 200, own: 200 },
  // The event catalog is the platform's, shared by every tenant: read by all, changed by the platform alone.
  {
    method: 'POST',
    route: '/v1/event-types',
    path: () => '/v1/event-types',
    body: () => ({ name: uniqueName('tenant').replace(/_/g, '-') }),
    other: 403,
    own: 403,
  },
  { method: 'GET', route: '/v1/event-types', path: () => '/v1/event-types', other: 200, own: 200 },
  { method: 'GET', route: '/v1/event-types/:name', path: () => '/v1/event-types/subscription.disabled', other: 200, own: 200 },
  {
    method: 'PATCH',
    route: '/v1/event-types/:name',
    path: () => '/v1/event-types/subscription.disabled',
    body: () => ({ deprecated: true }),
    other: 403,
    own: 403,
  },
  // The audit trail: a limited caller reads its own tenant's; asking for another's is a 404.
  { method: 'GET', route: '/v1/audit-events', path: (t) => `/v1/audit-events?tenantId=${t.tenant}`, other: 404, own: 200 },
  // The overview's figures: a limited caller's own tenant's; asking for another's is a 404.
  { method: 'GET', route: '/v1/stats', path: (t) => `/v1/stats?tenantId=${t.tenant}`, other: 404, own: 200 },
  { method: 'GET', route: '/v1/event-types/:name/schemas', path: () => '/v1/event-types/subscription.disabled/schemas', other: 200, own: 200 },
];

/** Ids of nothing at all. */
const ghost: Ids = { tenant: 'tnt_ghost', sub: 'sub_ghost', evt: 'evt_ghost', dlv: 'dlv_ghost', keyId: 'key_ghost' };

/** An answer about tenant A with A's ids written as the ghost's. */
function asGhost(body: unknown): unknown {
  let text = JSON.stringify(body ?? null);
  for (const field of ['tenant', 'sub', 'evt', 'dlv', 'keyId'] as const) text = text.replaceAll(a[field], ghost[field]);
  return JSON.parse(text);
}

function call(credential: string, c: Case, ids: Ids): Promise<ApiAnswer> {
  return stack.api(c.method, c.path(ids), c.body?.(ids), { authorization: `Bearer ${credential}` });
}

describe('tenant isolation', () => {
  it('has a case for every /v1 route', () => {
    const registered = new Set(
      stack.app.routes.filter((r) => r.path.startsWith('/v1/') && r.method !== 'ALL' && !r.path.endsWith('*')).map((r) => `${r.method} ${r.path}`),
    );
    expect(new Set(cases.map((c) => `${c.method} ${c.route}`))).toEqual(registered);
  });

  for (const holder of ['API key', 'portal token'] as const) {
    it(`keeps a tenant-B ${holder} out of tenant A on every route, and changes nothing of A`, async () => {
      const credential = holder === 'API key' ? b.key : bToken;
      const before = await snapshot(a);
      const answers = [];
      for (const c of cases) {
        const answer = await call(credential, c, a);
        answers.push({ route: `${c.method} ${c.route}`, status: answer.status });
        // Word for word what ids that exist nowhere get: the answer tells nothing of A.
        const nowhere = await call(credential, c, ghost);
        expect({ status: answer.status, body: asGhost(answer.body) }).toEqual({ status: nowhere.status, body: nowhere.body });
      }
      expect(answers).toEqual(cases.map((c) => ({ route: `${c.method} ${c.route}`, status: c.other })));
      expect(await snapshot(a)).toEqual(before);
    });
  }

  it('lets the same caller do the same on its own tenant (the 404s above are not broken routes)', async () => {
    const answers = [];
    for (const c of cases.filter((c) => c.own !== undefined)) {
      answers.push({ route: `${c.method} ${c.route}`, status: (await call(b.key, c, b)).status });
    }
    expect(answers).toEqual(cases.filter((c) => c.own !== undefined).map((c) => ({ route: `${c.method} ${c.route}`, status: c.own })));
  });

  it("lists only the caller's own tenant's items when no tenant is named", async () => {
    const headers = { authorization: `Bearer ${b.key}` };
    const lists = ['/v1/subscriptions?limit=100', '/v1/deliveries?limit=100', '/v1/tenants?limit=100'];
    for (const path of lists) {
      const { body } = await stack.api('GET', path, undefined, headers);
      expect(body.data.length).toBeGreaterThan(0);
      for (const item of body.data) expect(item.tenantId ?? item.id).toBe(b.tenant);
    }
    // Filters by another tenant's subscription or event find nothing rather than A's deliveries.
    for (const filter of [`subscriptionId=${a.sub}`, `eventId=${a.evt}`]) {
      expect((await stack.api('GET', `/v1/deliveries?${filter}`, undefined, headers)).body.data).toEqual([]);
    }
  });
});

describe('portal tokens', () => {
  it('carry their scopes: a read-only token reads and changes nothing', async () => {
    const { body } = await stack.api('POST', `/v1/tenants/${b.tenant}/portal-token`, { scopes: ['read'], expiresInSeconds: 600 });
    expect(body).toMatchObject({ tenantId: b.tenant, scopes: ['read'] });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    const headers = { authorization: `Bearer ${body.token}` };
    expect((await stack.api('GET', `/v1/subscriptions/${b.sub}`, undefined, headers)).status).toBe(200);
    const change = await stack.api('PATCH', `/v1/subscriptions/${b.sub}`, { description: 'no' }, headers);
    expect(change.status).toBe(403);
    expect(change.body.detail).toBe('this portal token lacks the "admin" scope');
  });

  it('refuse a tampered or foreign token', async () => {
    const [header, payload, signature] = bToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = [header, Buffer.from(JSON.stringify({ ...claims, sub: a.tenant })).toString('base64url'), signature].join('.');
    const answer = await stack.api('GET', '/v1/subscriptions', undefined, { authorization: `Bearer ${forged}` });
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toBe('the portal token is not valid');
  });

  it('are revoked by tenant: at once in this process, within the refresh interval in another', async () => {
    const issue = async () => (await stack.api('POST', `/v1/tenants/${b.tenant}/portal-token`, {})).body.token as string;
    const token = await issue();
    // Another API process: its own app and tenant directory over the same database.
    const otherDirectory = createTenantDirectory(stack.pool, createLogger('silent'), 200);
    const other = createApp({ ...stack.apiDeps, tenants: otherDirectory });
    const viaOther = async (t: string) => (await other.request('/v1/subscriptions', { headers: { authorization: `Bearer ${t}` } })).status;
    try {
      await otherDirectory.refresh();
      expect(await viaOther(token)).toBe(200);

      expect((await stack.api('DELETE', `/v1/tenants/${b.tenant}/portal-tokens`)).status).toBe(204);
      const here = await stack.api('GET', '/v1/subscriptions', undefined, { authorization: `Bearer ${token}` });
      expect(here.status).toBe(401);
      expect(here.body.detail).toBe('the portal token has been revoked');
      await waitFor('the other process to refuse the token', async () => ((await viaOther(token)) === 401 ? true : undefined), 5_000);

      // A token issued after the revocation works again.
      const fresh = await issue();
      expect((await stack.api('GET', '/v1/subscriptions', undefined, { authorization: `Bearer ${fresh}` })).status).toBe(200);
    } finally {
      otherDirectory.stop();
    }
  });
});

// The audit trail: every change route under /v1, called once over real HTTP
// (so the source address is a real socket's), leaves exactly one audit event
// naming the key or portal token by id, the action, the resource, the address
// and the redacted before/after; no credential ever lands in the table; a
// refused request records nothing; a tenant's caller reads its own trail only;
// old events go by deleteAuditEventsBefore.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/audit/redact.js';
import { auditRetentionCutoff } from '../../src/audit/retention.js';
import { deleteAuditEventsBefore } from '../../src/db/audit-events.js';
import { startApiServer, type ApiServer } from '../../src/runtime/api-server.js';
import type { AuditEvent } from '../../src/schemas/audit-event.js';
import { alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let server: ApiServer;
let receiver: Receiver;
let failing: Receiver;

/** The key every table call is made with (a key in PostgreSQL, so its id is known). */
const auditor = { id: '', key: '' };
/** Ids and credentials the table's calls create and use, filled as they run. */
const ctx: Record<string, string> = {};
/** Every credential seen in an answer: none may appear in the audit table. */
const credentials = new Set<string>();
const HEADER_SECRET = `header-secret-${uniqueName('h')}`;
const type = `${uniqueName('audit')}.event`.replace(/_/g, '-');

async function http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${auditor.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function trail(queryString: string, credential = auditor.key): Promise<AuditEvent[]> {
  const { status, body } = await http('GET', `/v1/audit-events?${queryString}`, undefined, { authorization: `Bearer ${credential}` });
  expect(status).toBe(200);
  return body.data;
}

async function auditRowCount(): Promise<number> {
  return Number((await stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM audit_events')).rows[0]!.n);
}

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1], fifoHoldBackMs: 200 });
  receiver = await startReceiver(alwaysOk);
  failing = await startReceiver(() => ({ status: 500 }));
  server = await startApiServer(stack.apiDeps, 0);
  const created = await stack.api('POST', '/v1/keys', { name: 'auditor', scopes: ['admin'] });
  Object.assign(auditor, { id: created.body.id, key: created.body.key });
  credentials.add(auditor.key).add(stack.adminKey);

  // What the delivery routes act on: a succeeded delivery, and a dead letter blocking a fifo stream.
  const { body: sub } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] });
  const { body: fifo } = await stack.api('POST', '/v1/subscriptions', { url: failing.url, eventTypes: [`${type}.fifo`], ordering: 'fifo' });
  credentials.add(sub.secret).add(fifo.secret);
  const { body: evt } = await stack.api('POST', '/v1/events', { type, payload: { n: 1 } });
  await stack.api('POST', '/v1/events', { type: `${type}.fifo`, payload: { n: 1 } });
  ctx.dlv = await waitFor('a succeeded delivery', async () => {
    const read = await stack.api('GET', `/v1/events/${evt.id}`);
    return read.body?.deliveries?.[0]?.status === 'succeeded' ? read.body.deliveries[0].id : undefined;
  });
  ctx.dead = await waitFor('a dead fifo delivery', async () => {
    const read = await stack.api('GET', `/v1/deliveries?subscriptionId=${fifo.id}&status=dead`);
    return read.body?.data?.[0]?.id;
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await receiver?.close();
  await failing?.close();
  await stack?.close();
});

interface Case {
  method: string;
  /** The route as the app registers it. */
  route: string;
  path: () => string;
  body?: () => unknown;
  /** A credential other than the auditor's key, by its name in ctx. */
  as?: string;
  status: number;
  /** Stores what later cases need. */
  keep?: (body: any) => void;
  action: string;
  resource: () => { type: string; id: string };
  tenantId: () => string | null;
  /** The event's before and after. */
  change: (event: AuditEvent) => void;
}

// A recovery's window is 31 days at most.
const since = { since: new Date(Date.now() - 86_400_000).toISOString() };
const sub = () => ({ type: 'subscription', id: ctx.sub! });
const tenant = () => ({ type: 'tenant', id: ctx.tenant! });

const cases: Case[] = [
  {
    method: 'POST',
    route: '/v1/tenants',
    path: () => '/v1/tenants',
    body: () => ({ name: 'Audited', metadata: { plan: 'a' } }),
    status: 201,
    keep: (b) => (ctx.tenant = b.id),
    action: 'tenant.create',
    resource: tenant,
    tenantId: () => ctx.tenant!,
    change: (e) => {
      expect(e.before).toBeNull();
      expect(e.after).toMatchObject({ id: ctx.tenant, name: 'Audited', metadata: { plan: 'a' } });
    },
  },
  {
    method: 'PATCH',
    route: '/v1/tenants/:id',
    path: () => `/v1/tenants/${ctx.tenant}`,
    body: () => ({ name: 'Renamed' }),
    status: 200,
    action: 'tenant.update',
    resource: tenant,
    tenantId: () => ctx.tenant!,
    change: (e) => expect([e.before, e.after]).toEqual([{ name: 'Audited' }, { name: 'Renamed' }]),
  },
  {
    method: 'POST',
    route: '/v1/tenants/:id/portal-token',
    path: () => `/v1/tenants/${ctx.tenant}/portal-token`,
    body: () => ({ scopes: ['admin'] }),
    status: 201,
    keep: (b) => {
      ctx.token = b.token;
      credentials.add(b.token);
      ctx.tokenId = JSON.parse(Buffer.from(b.token.split('.')[1], 'base64url').toString()).jti;
    },
    action: 'tenant.portal-token.issue',
    resource: tenant,
    tenantId: () => ctx.tenant!,
    change: (e) => {
      expect(e.before).toBeNull();
      expect(e.after).toMatchObject({ tokenId: ctx.tokenId, scopes: ['admin'] });
    },
  },
  {
    method: 'POST',
    route: '/v1/keys',
    path: () => '/v1/keys',
    body: () => ({ name: 'tenant key', scopes: ['admin'], tenantId: ctx.tenant }),
    status: 201,
    keep: (b) => {
      ctx.keyId = b.id;
      ctx.tenantKey = b.key;
      credentials.add(b.key);
    },
    action: 'api-key.create',
    resource: () => ({ type: 'api-key', id: ctx.keyId! }),
    tenantId: () => ctx.tenant!,
    change: (e) => expect(e.after).toMatchObject({ id: ctx.keyId, name: 'tenant key', key: REDACTED, tenantId: ctx.tenant }),
  },
  {
    method: 'POST',
    route: '/v1/subscriptions',
    path: () => '/v1/subscriptions',
    status: 201,
    body: () => ({ url: receiver.url, eventTypes: [type], tenantId: ctx.tenant, headers: { 'x-receiver-auth': HEADER_SECRET } }),
    keep: (b) => {
      ctx.sub = b.id;
      credentials.add(b.secret).add(HEADER_SECRET);
    },
    action: 'subscription.create',
    resource: sub,
    tenantId: () => ctx.tenant!,
    change: (e) => {
      expect(e.before).toBeNull();
      expect(e.after).toMatchObject({ id: ctx.sub, url: receiver.url, secret: REDACTED, headers: { 'x-receiver-auth': REDACTED } });
    },
  },
  {
    // A portal token acts as itself: named by its id (jti), never by the token.
    method: 'PATCH',
    route: '/v1/subscriptions/:id',
    path: () => `/v1/subscriptions/${ctx.sub}`,
    body: () => ({ description: 'changed' }),
    as: 'token',
    status: 200,
    action: 'subscription.update',
    resource: sub,
    tenantId: () => ctx.tenant!,
    change: (e) => {
      expect([e.before, e.after]).toEqual([{ description: null }, { description: 'changed' }]);
      expect(e.actor).toEqual({ kind: 'portal-token', id: ctx.tokenId });
    },
  },
  {
    method: 'PATCH',
    route: '/v1/subscriptions/:id',
    path: () => `/v1/subscriptions/${ctx.sub}`,
    body: () => ({ status: 'paused' }),
    status: 200,
    action: 'subscription.pause',
    resource: sub,
    tenantId: () => ctx.tenant!,
    change: (e) => expect([e.before, e.after]).toEqual([{ status: 'active' }, { status: 'paused' }]),
  },
  {
    method: 'PATCH',
    route: '/v1/subscriptions/:id',
    path: () => `/v1/subscriptions/${ctx.sub}`,
    body: () => ({ status: 'active' }),
    status: 200,
    action: 'subscription.resume',
    resource: sub,
    tenantId: () => ctx.tenant!,
    change: (e) => expect([e.before, e.after]).toEqual([{ status: 'paused' }, { status: 'active' }]),
  },
  {
    method: 'GET',
    route: '/v1/subscriptions/:id/secret',
    path: () => `/v1/subscriptions/${ctx.sub}/secret`,
    status: 200,
    keep: (b) => credentials.add(b.secret),
    action: 'subscription.secret.reveal',
    resource: sub,
    tenantId: () => ctx.tenant!,
    change: (e) => expect([e.before, e.after]).toEqual([null, null]),
  },
  {
    method: 'POST',
    route: '/v1/subscriptions/:id/secret/rotate',
    path: () => `/v1/subscriptions/${ctx.sub}/secret/rotate`,
    body: () => ({ overlapSeconds: 60 }),
    status: 200,
    keep: (b) => credentials.add(b.secret),
    action: 'subscription.secret.rotate',
    resource: sub,
    tenantId: () => ctx.tenant!,
    change: (e) => expect([e.before, e.after]).toEqual([null, { signatureScheme: 'v1', previousSignatureScheme: 'v1', overlapSeconds: 60 }]),
  },
  {
    method: 'POST',
    route: '/v1/subscriptions/:id/test',
    path: () => `/v1/subscriptions/${ctx.sub}/test`,
    body: () => ({ payload: { ping: true } }),
    status: 200,
    action: 'subscription.test',
    resource: sub,
    tenantId: () => ctx.tenant!,
    change: (e) => expect(e.after).toMatchObject({ eventType: type, statusCode: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/subscriptions/:id/recover',
    path: () => `/v1/subscriptions/${ctx.sub}/recover`,
    body: () => since,
    status: 202,
    action: 'subscription.recover',
    resource: sub,
    tenantId: () => ctx.tenant!,
    change: (e) => expect(e.after).toEqual({ ...since, recoveryId: expect.stringMatching(/^rcv_/) }),
  },
  {
    method: 'POST',
    route: '/v1/event-types',
    path: () => '/v1/event-types',
    body: () => ({ name: `${type}.typed`, description: 'first' }),
    status: 201,
    action: 'event-type.create',
    resource: () => ({ type: 'event-type', id: `${type}.typed` }),
    tenantId: () => null,
    change: (e) => expect(e.after).toMatchObject({ name: `${type}.typed`, description: 'first' }),
  },
  {
    method: 'PATCH',
    route: '/v1/event-types/:name',
    path: () => `/v1/event-types/${type}.typed`,
    body: () => ({ description: 'second' }),
    status: 200,
    action: 'event-type.update',
    resource: () => ({ type: 'event-type', id: `${type}.typed` }),
    tenantId: () => null,
    change: (e) => expect([e.before, e.after]).toEqual([{ description: 'first' }, { description: 'second' }]),
  },
  {
    method: 'POST',
    route: '/v1/deliveries/:id/redeliver',
    path: () => `/v1/deliveries/${ctx.dlv}/redeliver`,
    status: 202,
    action: 'delivery.redeliver',
    resource: () => ({ type: 'delivery', id: ctx.dlv! }),
    tenantId: () => 'default',
    change: (e) => expect(e.after).toMatchObject({ subscriptionId: expect.any(String), eventId: expect.any(String) }),
  },
  {
    method: 'POST',
    route: '/v1/deliveries/:id/skip',
    path: () => `/v1/deliveries/${ctx.dead}/skip`,
    status: 202,
    action: 'delivery.skip',
    resource: () => ({ type: 'delivery', id: ctx.dead! }),
    tenantId: () => 'default',
    change: (e) => expect(e.after).toMatchObject({ subscriptionId: expect.any(String), eventId: expect.any(String) }),
  },
  {
    method: 'DELETE',
    route: '/v1/keys/:id',
    path: () => `/v1/keys/${ctx.keyId}`,
    status: 204,
    action: 'api-key.revoke',
    resource: () => ({ type: 'api-key', id: ctx.keyId! }),
    tenantId: () => ctx.tenant!,
    change: (e) => expect(e.after).toEqual({ revokedAt: expect.any(String) }),
  },
  {
    method: 'DELETE',
    route: '/v1/tenants/:id/portal-tokens',
    path: () => `/v1/tenants/${ctx.tenant}/portal-tokens`,
    status: 204,
    action: 'tenant.portal-tokens.revoke',
    resource: tenant,
    tenantId: () => ctx.tenant!,
    change: (e) => expect(e.after).toEqual({ tokensNotBefore: expect.any(String) }),
  },
  {
    method: 'DELETE',
    route: '/v1/subscriptions/:id',
    path: () => `/v1/subscriptions/${ctx.sub}`,
    status: 204,
    action: 'subscription.delete',
    resource: sub,
    tenantId: () => ctx.tenant!,
    change: (e) => {
      expect(e.after).toBeNull();
      expect(e.before).toMatchObject({ id: ctx.sub, description: 'changed', headers: { 'x-receiver-auth': REDACTED } });
    },
  },
  {
    method: 'DELETE',
    route: '/v1/tenants/:id',
    path: () => `/v1/tenants/${ctx.tenant}`,
    status: 204,
    action: 'tenant.delete',
    resource: tenant,
    tenantId: () => ctx.tenant!,
    change: (e) => expect([e.before?.name, e.after]).toEqual(['Renamed', null]),
  },
];

describe.sequential('audit trail', () => {
  it('has a case for every route that changes something (publishing events is traffic, not audited)', () => {
    const changing = stack.app.routes
      .filter((r) => r.path.startsWith('/v1/') && !r.path.endsWith('*'))
      // ALL: middleware and the 405 catch-alls (src/api/method-not-allowed.ts), not routes.
      .filter((r) => r.method !== 'ALL' && (r.method !== 'GET' || r.path === '/v1/subscriptions/:id/secret'))
      .map((r) => `${r.method} ${r.path}`)
      .filter((route) => route !== 'POST /v1/events');
    expect(new Set(cases.map((c) => `${c.method} ${c.route}`))).toEqual(new Set(changing));
  });

  it.each(cases.map((c, i) => [`${c.action} (${c.method} ${c.route})`, c, i] as const))('%s records one event', async (_, c, i) => {
    const requestId = `req-${i}-${uniqueName('r')}`;
    const credential: Record<string, string> = c.as ? { authorization: `Bearer ${ctx[c.as]}` } : {};
    const answer = await http(c.method, c.path(), c.body?.(), { 'x-request-id': requestId, ...credential });
    expect(answer.status, JSON.stringify(answer.body)).toBe(c.status);
    c.keep?.(answer.body);

    const found = await trail(`action=${c.action}&resourceId=${encodeURIComponent(c.resource().id)}&limit=100`);
    const mine = found.filter((e) => e.requestId === requestId);
    expect(mine).toHaveLength(1);
    const recorded = mine[0]!;
    expect(recorded).toMatchObject({
      action: c.action,
      resource: c.resource(),
      tenantId: c.tenantId(),
      sourceAddress: '127.0.0.1',
      requestId,
    });
    if (!c.as) expect(recorded.actor).toEqual({ kind: 'api-key', id: auditor.id });
    expect(Date.now() - Date.parse(recorded.at)).toBeLessThan(60_000);
    c.change(recorded);
  });

  it('holds no credential anywhere: secrets, keys, tokens, custom header values', async () => {
    const { rows } = await stack.pool.query<{ row: string }>('SELECT row_to_json(a)::text AS row FROM audit_events a');
    expect(rows.length).toBeGreaterThanOrEqual(cases.length);
    const all = rows.map((r) => r.row).join('\n');
    expect(credentials.size).toBeGreaterThanOrEqual(8);
    for (const credential of credentials) expect(all.includes(credential), 'a credential in the audit table').toBe(false);
    expect(all).not.toMatch(/whsec_|hfk_|eyJ/);
  });

  it('records nothing for a refused or failed request', async () => {
    const before = await auditRowCount();
    const { body: other } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] });
    const afterSetup = await auditRowCount();
    expect(afterSetup).toBe(before + 1);
    const refused = [
      await http('PATCH', `/v1/subscriptions/${other.id}`, { url: 'not a url' }),
      await http('PATCH', '/v1/subscriptions/sub_nope', { description: 'x' }),
      await http('DELETE', '/v1/keys/key_nope'),
      await http('POST', `/v1/deliveries/${ctx.dlv}/skip`),
      await http('POST', '/v1/tenants', { name: 'x' }, { authorization: 'Bearer hfk_unknown' }),
      await http('DELETE', '/v1/tenants/default'),
    ];
    expect(refused.map((r) => r.status)).toEqual([422, 404, 404, 409, 401, 409]);
    expect(await auditRowCount()).toBe(afterSetup);
  });

  it('a change made in PostgreSQL alone is undone when its audit event cannot be written', async () => {
    const { body: t } = await stack.api('POST', '/v1/tenants', { name: 'Atomic' });
    const { body: s } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], tenantId: t.id });
    // A real failure of the audit write, for these two resources only.
    await stack.pool.query(`
      CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.resource_id IN ('${t.id}', '${s.id}') THEN RAISE EXCEPTION 'audit write refused'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit();`);
    try {
      expect((await http('PATCH', `/v1/tenants/${t.id}`, { name: 'Changed' })).status).toBe(500);
      expect((await http('DELETE', `/v1/subscriptions/${s.id}`)).status).toBe(500);
      expect((await http('PATCH', `/v1/subscriptions/${s.id}`, { status: 'paused' })).status).toBe(500);
      expect((await http('DELETE', `/v1/tenants/${t.id}`)).status).toBe(500);
    } finally {
      await stack.pool.query('DROP TRIGGER refuse_audit ON audit_events; DROP FUNCTION refuse_audit();');
    }
    expect((await stack.api('GET', `/v1/tenants/${t.id}`)).body.name).toBe('Atomic');
    const after = await stack.api('GET', `/v1/subscriptions/${s.id}`);
    expect([after.status, after.body.status]).toEqual([200, 'active']);
  });

  it("a tenant-limited caller reads only its own tenant's trail", async () => {
    const { body: t } = await stack.api('POST', '/v1/tenants', { name: 'Reader' });
    const { body: key } = await stack.api('POST', '/v1/keys', { name: 'reader', scopes: ['admin'], tenantId: t.id });
    await http('PATCH', `/v1/tenants/${t.id}`, { metadata: { seen: true } }, { authorization: `Bearer ${key.key}` });
    const own = await trail('limit=100', key.key);
    expect(own.map((e) => e.action).sort()).toEqual(['api-key.create', 'tenant.create', 'tenant.update']);
    expect(own.every((e) => e.tenantId === t.id)).toBe(true);
    expect(own.find((e) => e.action === 'tenant.update')!.actor).toEqual({ kind: 'api-key', id: key.id });
    const other = await http('GET', `/v1/audit-events?tenantId=${ctx.tenant}`, undefined, { authorization: `Bearer ${key.key}` });
    expect(other.status).toBe(404);
    // The platform sees every tenant's and the platform-wide changes.
    expect((await trail(`tenantId=${t.id}&limit=100`)).map((e) => e.id)).toEqual(own.map((e) => e.id));
    expect((await trail('resourceType=event-type')).length).toBe(2);
  });

  it('filters and pages with a cursor', async () => {
    const whole = await trail(`actorId=${auditor.id}&limit=100`);
    expect(whole.length).toBeGreaterThanOrEqual(cases.length - 1);
    const paged: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await http('GET', `/v1/audit-events?actorId=${auditor.id}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      expect(body.data.length).toBeLessThanOrEqual(4);
      paged.push(...body.data);
      cursor = body.nextCursor;
    } while (cursor);
    expect(paged.map((e) => e.id)).toEqual(whole.map((e) => e.id));
    expect(whole.every((e) => e.actor.id === auditor.id)).toBe(true);

    // Sorted: events of the same millisecond are ordered by id, not by when.
    expect((await trail(`resourceType=subscription&resourceId=${ctx.sub}&limit=100`)).map((e) => e.action).sort()).toEqual(
      cases
        .filter((c) => c.resource === sub)
        .map((c) => c.action)
        .sort(),
    );
    const middle = whole[Math.floor(whole.length / 2)]!;
    const fromMiddle = await trail(`actorId=${auditor.id}&since=${encodeURIComponent(middle.at)}&limit=100`);
    expect(fromMiddle.every((e) => e.at >= middle.at)).toBe(true);
    expect(fromMiddle.map((e) => e.id)).toContain(middle.id);
    const untilMiddle = await trail(`actorId=${auditor.id}&until=${encodeURIComponent(middle.at)}&limit=100`);
    expect(untilMiddle.every((e) => e.at < middle.at)).toBe(true);
    expect(untilMiddle.length + fromMiddle.length).toBe(whole.length);
  });

  it('refuses bad filters with a problem naming the field', async () => {
    for (const [q, field] of [
      ['resourceType=planet', 'query.resourceType'],
      ['since=yesterday', 'query.since'],
      ['limit=0', 'query.limit'],
      ['cursor=nonsense', 'query.cursor'],
      ['colour=blue', 'query'],
    ] as const) {
      const { status, body } = await http('GET', `/v1/audit-events?${q}`);
      expect(status, q).toBe(422);
      expect(
        body.errors.map((e: { path: string }) => e.path),
        q,
      ).toContain(field);
    }
  });

  it('deleteAuditEventsBefore deletes what is past retention, a bounded batch at a time', async () => {
    const { rows } = await stack.pool.query<{ id: string }>(
      `UPDATE audit_events SET created_at = '2000-01-01T00:00:00Z'
       WHERE id IN (SELECT id FROM audit_events ORDER BY created_at, id LIMIT 3) RETURNING id`,
    );
    expect(rows).toHaveLength(3);
    const total = await auditRowCount();
    const cutoff = auditRetentionCutoff(365, new Date());
    expect(await deleteAuditEventsBefore(stack.pool, cutoff, 2)).toBe(2);
    expect(await deleteAuditEventsBefore(stack.pool, cutoff, 2)).toBe(1);
    expect(await deleteAuditEventsBefore(stack.pool, cutoff, 2)).toBe(0);
    expect(await auditRowCount()).toBe(total - 3);
    const left = await stack.pool.query('SELECT 1 FROM audit_events WHERE id = ANY($1)', [rows.map((r) => r.id)]);
    expect(left.rowCount).toBe(0);
  });
});

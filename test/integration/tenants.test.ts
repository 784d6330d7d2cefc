// Tenants on a real PostgreSQL and Temporal: an event reaches its own tenant's
// subscriptions only, deleting a tenant stops its deliveries and keeps its
// history, single-tenant use goes on in the default tenant, and the migration
// moves every existing row there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { SEARCH_ATTRIBUTES, eventWorkflowId, orderedStreamWorkflowId } from '../../workflows/definitions.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

async function createTenant(name: string, id?: string) {
  const created = await stack.api('POST', '/v1/tenants', { ...(id ? { id } : {}), name, metadata: { plan: 'pro' } });
  expect(created.status).toBe(201);
  return created.body as { id: string; name: string };
}

async function subscribe(tenantId: string | undefined, path: string, eventType: string) {
  const created = await stack.api('POST', '/v1/subscriptions', {
    url: `${receiver.url}/${path}`,
    eventTypes: [eventType],
    ...(tenantId ? { tenantId } : {}),
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; tenantId: string };
}

const receivedAt = (path: string) =>
  receiver.requests.filter((r) => r.path === new URL(`${receiver.url}/${path}`).pathname).map((r) => JSON.parse(r.body).data);

describe('tenants', () => {
  it('are created (id given or generated), read, listed, renamed and deleted; ids are never reused', async () => {
    const given = await createTenant('Acme', uniqueName('acme'));
    const generated = await createTenant('Globex');
    expect(generated.id).toMatch(/^tnt_/);
    expect(given).toMatchObject({ name: 'Acme', metadata: { plan: 'pro' } });

    expect((await stack.api('GET', `/v1/tenants/${given.id}`)).body).toEqual(given);
    const listed = await stack.api('GET', '/v1/tenants?limit=100');
    expect(listed.body.data.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(['default', given.id, generated.id]));

    const renamed = await stack.api('PATCH', `/v1/tenants/${given.id}`, { name: 'Acme Corp' });
    expect(renamed.body).toMatchObject({ id: given.id, name: 'Acme Corp', metadata: { plan: 'pro' } });

    expect((await stack.api('POST', '/v1/tenants', { id: given.id, name: 'again' })).status).toBe(409);
    expect((await stack.api('DELETE', `/v1/tenants/${given.id}`)).status).toBe(204);
    expect((await stack.api('GET', `/v1/tenants/${given.id}`)).status).toBe(404);
    expect((await stack.api('DELETE', `/v1/tenants/${given.id}`)).status).toBe(404);
    expect((await stack.api('POST', '/v1/tenants', { id: given.id, name: 'reborn' })).status).toBe(409);
    expect((await stack.api('DELETE', '/v1/tenants/default')).status).toBe(409);
  });

  it('refuses bad input with the field named, and creates nothing', async () => {
    const bad = await stack.api('POST', '/v1/tenants', { id: 'has space', name: '' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['id', 'name']);
    expect((await stack.api('GET', '/v1/tenants/has%20space')).status).toBe(404);

    const unknownTenant = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: ['x.y'], tenantId: 'nobody' });
    expect(unknownTenant.status).toBe(422);
    expect(unknownTenant.body.errors).toEqual([{ path: 'tenantId', message: 'no tenant "nobody"' }]);
    const unknownPublish = await stack.api('POST', '/v1/events', { type: 'x.y', payload: {}, tenantId: 'nobody' });
    expect(unknownPublish.status).toBe(422);
    expect(unknownPublish.body.errors).toEqual([{ path: 'tenantId', message: 'no tenant "nobody"' }]);
  });

  it("fans an event out to its own tenant's subscriptions only", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const type = `${uniqueName('order')}.created`;
    const subA = await subscribe(a.id, 'a', type);
    await subscribe(b.id, 'b', type);
    await subscribe(undefined, 'default', type);
    expect(subA.tenantId).toBe(a.id);

    const published = await stack.api('POST', '/v1/events', { type, payload: { n: 1 }, tenantId: a.id });
    expect(published.status).toBe(202);
    expect(published.body.tenantId).toBe(a.id);
    await waitFor('the delivery to A', async () => (receivedAt('a').length === 1 ? true : undefined));
    // The event is recorded with its one delivery: nothing else was created for B or the default tenant.
    const event = await waitFor('the event recorded', async () => {
      const read = await stack.api('GET', `/v1/events/${published.body.id}`);
      return read.body?.state === 'recorded' && read.body.deliveries[0]?.status === 'succeeded' ? read.body : undefined;
    });
    expect(event.tenantId).toBe(a.id);
    expect(event.deliveries.map((d: { subscriptionId: string }) => d.subscriptionId)).toEqual([subA.id]);
    expect(receivedAt('b')).toEqual([]);
    expect(receivedAt('default')).toEqual([]);

    // Lists filter by tenant.
    const aDeliveries = await stack.api('GET', `/v1/deliveries?tenantId=${a.id}`);
    expect(aDeliveries.body.data.map((d: { tenantId: string }) => d.tenantId)).toEqual([a.id]);
    const bSubscriptions = await stack.api('GET', `/v1/subscriptions?tenantId=${b.id}`);
    expect(bSubscriptions.body.data.map((s: { tenantId: string }) => s.tenantId)).toEqual([b.id]);

    // The Temporal side knows the tenant (the Web UI's query: HookflowTenantId = '…').
    const description = await stack.temporal.workflow.getHandle(eventWorkflowId(published.body.id)).describe();
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.tenantId as never)).toBe(a.id);
  });

  it("names the tenant on a fifo subscription's stream workflow too", async () => {
    const tenant = await createTenant('Ordered');
    const type = `${uniqueName('seq')}.event`;
    const created = await stack.api('POST', '/v1/subscriptions', {
      url: `${receiver.url}/ordered`,
      eventTypes: [type],
      tenantId: tenant.id,
      ordering: 'fifo',
    });
    expect(created.status).toBe(201);
    await stack.api('POST', '/v1/events', { type, payload: { n: 1 }, tenantId: tenant.id });
    await waitFor('the ordered delivery', async () => (receivedAt('ordered').length === 1 ? true : undefined));
    const stream = await stack.temporal.workflow.getHandle(orderedStreamWorkflowId(created.body.id)).describe();
    expect(stream.typedSearchAttributes.get(SEARCH_ATTRIBUTES.tenantId as never)).toBe(tenant.id);
  });

  it('goes on as before for single-tenant use: no tenant named is the default tenant', async () => {
    const type = `${uniqueName('legacy')}.created`;
    const sub = await subscribe(undefined, 'legacy', type);
    expect(sub.tenantId).toBe('default');
    const published = await stack.api('POST', '/v1/events', { type, payload: { legacy: true } });
    expect(published.body.tenantId).toBe('default');
    await waitFor('the delivery', async () => (receivedAt('legacy').length === 1 ? true : undefined));
    expect(receivedAt('legacy')).toEqual([{ legacy: true }]);
  });

  it('keeps Idempotency-Keys apart per tenant: the same key in two tenants is two events', async () => {
    const a = await createTenant('keys A');
    const b = await createTenant('keys B');
    const type = `${uniqueName('pay')}.done`;
    const key = uniqueName('same-key');
    const inA = await stack.api('POST', '/v1/events', { type, payload: {}, tenantId: a.id }, { 'idempotency-key': key });
    const inB = await stack.api('POST', '/v1/events', { type, payload: {}, tenantId: b.id }, { 'idempotency-key': key });
    const againA = await stack.api('POST', '/v1/events', { type, payload: {}, tenantId: a.id }, { 'idempotency-key': key });
    expect([inA.status, inB.status, againA.status]).toEqual([202, 202, 202]);
    expect(inA.body.id).not.toBe(inB.body.id);
    expect(againA.body.id).toBe(inA.body.id);
    expect(againA.headers.get('idempotent-replayed')).toBe('true');
    // An explicit id already used by another tenant is a conflict that says nothing of it.
    const taken = await stack.api('POST', '/v1/events', { type, payload: {}, id: inA.body.id, tenantId: b.id });
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toBe(`event id ${inA.body.id} is already in use`);
  });

  it('stops delivering to a deleted tenant and keeps its history', async () => {
    const gone = await createTenant('Leaving');
    const type = `${uniqueName('bye')}.event`;
    const sub = await subscribe(gone.id, 'leaving', type);
    const before = await stack.api('POST', '/v1/events', { type, payload: { before: true }, tenantId: gone.id });
    await waitFor('the delivery before deletion', async () => (receivedAt('leaving').length === 1 ? true : undefined));
    const key = await stack.api('POST', '/v1/keys', { name: 'leaving', scopes: ['admin'], tenantId: gone.id });

    expect((await stack.api('DELETE', `/v1/tenants/${gone.id}`)).status).toBe(204);
    const subscription = await stack.api('GET', `/v1/subscriptions/${sub.id}`);
    expect(subscription.body).toMatchObject({ status: 'disabled', disabledReason: 'tenant deleted' });
    // History stays: the event and its delivery are still there for the platform.
    const event = await stack.api('GET', `/v1/events/${before.body.id}`);
    expect(event.body.deliveries).toHaveLength(1);
    // Its key is revoked, and nothing more can be published into it.
    expect((await stack.api('GET', '/v1/subscriptions', undefined, { authorization: `Bearer ${key.body.key}` })).status).toBe(401);
    const after = await stack.api('POST', '/v1/events', { type, payload: {}, tenantId: gone.id });
    expect(after.status).toBe(422);
  });
});

describe('the tenants migration', () => {
  it('moves every existing subscription, event, delivery and key into the default tenant', async () => {
    const admin = new pg.Client({ connectionString: inject('databaseUrl') });
    await admin.connect();
    const name = uniqueName('hookflow_migration');
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    const pool = createPool(url.toString());
    try {
      await migrate(pool, () => {}, { upTo: '004_event_recorded_by_run.sql' });
      await pool.query(`INSERT INTO subscriptions (id, url, event_types, sealed_secret) VALUES ('sub_old', 'https://x.example', '{a.b}', 'v1.x')`);
      await pool.query(`INSERT INTO events (id, type, payload, created_at) VALUES ('evt_old', 'a.b', '{}', now())`);
      await pool.query(`INSERT INTO deliveries (id, event_id, subscription_id, status) VALUES ('dlv_old', 'evt_old', 'sub_old', 'dead')`);
      await pool.query(`INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code) VALUES ('dlv_old', 1, now(), 5, 500)`);
      await pool.query(`INSERT INTO api_keys (id, name, prefix, key_hash, scopes) VALUES ('key_old', 'old', 'hfk_x', 'h', '{admin}')`);

      expect(await migrate(pool)).toContain('005_tenants.sql');
      const tenants = async (table: string) => (await pool.query(`SELECT id, tenant_id FROM ${table} ORDER BY id`)).rows;
      expect(await tenants('subscriptions')).toEqual([{ id: 'sub_old', tenant_id: 'default' }]);
      expect(await tenants('events')).toEqual([{ id: 'evt_old', tenant_id: 'default' }]);
      expect(await tenants('deliveries')).toEqual([{ id: 'dlv_old', tenant_id: 'default' }]);
      // A key from before tenants reaches every tenant, as it did.
      expect(await tenants('api_keys')).toEqual([{ id: 'key_old', tenant_id: null }]);
      expect((await pool.query('SELECT count(*)::int AS n FROM attempts')).rows[0].n).toBe(1);
      expect((await pool.query(`SELECT id, name FROM tenants`)).rows).toEqual([{ id: 'default', name: 'Default tenant' }]);
    } finally {
      await pool.end();
    }
  });
});

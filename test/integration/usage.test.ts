// Usage per tenant per day, counted as the work happens, and the events-per-day
// quota: a known workload (including a receiver that always fails) is counted
// exactly, per tenant and for the platform; the quota refuses the (n+1)th event
// with 429, lets a repeat through without counting it, and is shared between
// two API processes through PostgreSQL within the refresh interval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createLogger } from '../../src/logger.js';
import { createEventQuota } from '../../src/services/event-quota.js';
import { secondsUntilUtcMidnight } from '../../src/services/quota-ledger.js';
import { addDays } from '../../src/schemas/usage.js';
import { recordEvent } from '../../src/db/events.js';
import { createHookflowClient } from '../../src/index.js';
import { startApiServer } from '../../src/runtime/api-server.js';
import { alwaysFail, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let ok: Receiver;
let failing: Receiver;
const type = `${uniqueName('usage')}.event`;
// Yesterday to tomorrow: the counts are whole even if the test runs across midnight UTC.
const today = new Date().toISOString().slice(0, 10);
const range = `from=${addDays(today, -1)}&to=${addDays(today, 1)}`;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1, 0.1] });
  ok = await startReceiver();
  failing = await startReceiver(alwaysFail);
}, 120_000);

afterAll(async () => {
  await ok?.close();
  await failing?.close();
  await stack?.close();
});

async function newTenant(name: string): Promise<string> {
  const { status, body } = await stack.api('POST', '/v1/tenants', { name });
  expect(status).toBe(201);
  return body.id;
}

async function subscribe(tenantId: string, url: string): Promise<void> {
  expect((await stack.api('POST', '/v1/subscriptions', { url, eventTypes: [type], tenantId })).status).toBe(201);
}

/** Every delivery of the tenant, once none is pending any more. */
async function settledDeliveries(tenantId: string, expected: number) {
  return waitFor(`tenant ${tenantId}'s ${expected} deliveries to settle`, async () => {
    const { body } = await stack.api('GET', `/v1/deliveries?tenantId=${tenantId}&limit=100`);
    const done = body.data.filter((d: { status: string }) => d.status === 'succeeded' || d.status === 'dead');
    return done.length === expected ? (body.data as Array<{ status: string; attemptCount: number }>) : undefined;
  });
}

const bodyBytes = (receiver: Receiver, tenant: string) =>
  receiver.requests.filter((r) => JSON.parse(r.body).data.tenant === tenant).reduce((sum, r) => sum + Buffer.byteLength(r.body), 0);

describe('usage per tenant', () => {
  it('counts events, deliveries, attempts, failed attempts and bytes delivered, per tenant and for the platform', async () => {
    const a = await newTenant('usage A');
    const b = await newTenant('usage B');
    await subscribe(a, ok.url);
    await subscribe(a, failing.url);
    await subscribe(b, ok.url);
    // Payloads of different sizes, non-ASCII included: bytes, not characters.
    for (const note of ['x', 'ünïcødé'.repeat(20), 'y'.repeat(1000)]) {
      expect((await stack.api('POST', '/v1/events', { type, payload: { tenant: a, note }, tenantId: a })).status).toBe(202);
    }
    expect((await stack.api('POST', '/v1/events', { type, payload: { tenant: b }, tenantId: b })).status).toBe(202);

    const aDeliveries = await settledDeliveries(a, 6);
    await settledDeliveries(b, 1);
    const attempts = aDeliveries.reduce((sum, d) => sum + d.attemptCount, 0);
    // Three deliveries succeed at once; the failing receiver's three are tried three times each, then dead.
    expect(aDeliveries.filter((d) => d.status === 'dead')).toHaveLength(3);
    expect(attempts).toBe(3 + 3 * 3);
    expect(failing.requests.filter((r) => JSON.parse(r.body).data.tenant === a)).toHaveLength(9);
    const aExpected = { events: 3, deliveries: 6, attempts: 12, failedAttempts: 9, bytesDelivered: bodyBytes(ok, a) };
    const bExpected = { events: 1, deliveries: 1, attempts: 1, failedAttempts: 0, bytesDelivered: bodyBytes(ok, b) };
    expect(aExpected.bytesDelivered).toBeGreaterThan(1000 + 2 * 140);

    const aUsage = await stack.api('GET', `/v1/tenants/${a}/usage?${range}`);
    expect(aUsage.status).toBe(200);
    expect(aUsage.body.total).toEqual(aExpected);
    expect(aUsage.body.days.map((d: { day: string }) => d.day)).toEqual([addDays(today, -1), today, addDays(today, 1)]);
    expect(aUsage.body.days[2]).toEqual({ day: addDays(today, 1), events: 0, deliveries: 0, attempts: 0, failedAttempts: 0, bytesDelivered: 0 });

    const platform = await stack.api('GET', `/v1/usage?${range}`);
    expect(platform.status).toBe(200);
    expect(platform.body.tenants).toEqual(
      expect.arrayContaining([
        { tenantId: a, ...aExpected },
        { tenantId: b, ...bExpected },
      ]),
    );
    const summed = platform.body.tenants.reduce(
      (sum: Record<string, number>, t: Record<string, number>) => Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, v + t[k]!])),
      { events: 0, deliveries: 0, attempts: 0, failedAttempts: 0, bytesDelivered: 0 },
    );
    expect(platform.body.total).toEqual(summed);

    // The typed HTTP client reads the same, over a real API server.
    const server = await startApiServer(stack.apiDeps, 0);
    try {
      const hookflow = createHookflowClient({ baseUrl: server.url, apiKey: stack.adminKey });
      const fromTo = { from: addDays(today, -1), to: addDays(today, 1) };
      expect(await hookflow.tenants.usage(a, fromTo)).toEqual(aUsage.body);
      expect((await hookflow.usage(fromTo)).tenants).toContainEqual({ tenantId: b, ...bExpected });
    } finally {
      await server.close();
    }

    // A tenant's own key reads its own usage, nobody else's, and not the platform's.
    const { body: key } = await stack.api('POST', '/v1/keys', { name: 'a reader', scopes: ['read'], tenantId: a });
    const asA = { authorization: `Bearer ${key.key}` };
    expect((await stack.api('GET', `/v1/tenants/${a}/usage?${range}`, undefined, asA)).body.total).toEqual(aExpected);
    expect((await stack.api('GET', `/v1/tenants/${b}/usage?${range}`, undefined, asA)).status).toBe(404);
    expect((await stack.api('GET', `/v1/usage?${range}`, undefined, asA)).status).toBe(403);
  });

  it('counts an event once however often its workflow records it (a lost answer, a later run)', async () => {
    const t = await newTenant('usage once');
    await subscribe(t, ok.url);
    const event = {
      id: `evt_${uniqueName('once')}`,
      type,
      payload: { tenant: t },
      idempotencyKey: null,
      createdAt: new Date().toISOString(),
      tenantId: t,
    };
    for (const run of ['run-1', 'run-1', 'run-2']) await recordEvent(stack.pool, event, 100, run);
    const { body } = await stack.api('GET', `/v1/tenants/${t}/usage?${range}`);
    expect(body.total).toEqual({ events: 1, deliveries: 1, attempts: 0, failedAttempts: 0, bytesDelivered: 0 });
  });

  it('refuses a bad range with a problem naming the parameter', async () => {
    for (const [query, path] of [
      ['from=2026-02-30', 'query.from'],
      ['to=yesterday', 'query.to'],
      ['tenantId=default', 'query'],
    ] as const) {
      for (const route of ['/v1/usage', '/v1/tenants/default/usage']) {
        const answer = await stack.api('GET', `${route}?${query}`);
        expect(answer.status, `${route}?${query}`).toBe(422);
        expect(answer.headers.get('content-type')).toBe('application/problem+json');
        expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
      }
    }
    expect((await stack.api('GET', `/v1/tenants/tnt_nobody/usage`)).status).toBe(404);
  });

  it('answers a backwards range as empty and cuts a longer one to 366 days, naming the days it covers', async () => {
    const backwards = await stack.api('GET', '/v1/tenants/default/usage?from=2026-11-02&to=2026-11-01');
    expect(backwards.status).toBe(200);
    expect(backwards.body).toMatchObject({ from: '2026-11-02', to: '2026-11-01', days: [], total: { events: 0, deliveries: 0 } });
    const long = await stack.api('GET', '/v1/tenants/default/usage?from=2024-01-01&to=2026-01-01');
    expect(long.status).toBe(200);
    expect(long.body).toMatchObject({ from: '2025-01-01', to: '2026-01-01' });
    expect(long.body.days).toHaveLength(366);
    const platform = await stack.api('GET', '/v1/usage?from=2024-01-01&to=2026-01-01');
    expect(platform.body).toMatchObject({ from: '2025-01-01', to: '2026-01-01' });
  });
});

describe('events-per-day quota', () => {
  const publish = (app: { request: TestStack['app']['request'] } | undefined, tenantId: string, key?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${stack.adminKey}` };
    if (key) headers['idempotency-key'] = key;
    const body = JSON.stringify({ type, payload: { tenant: tenantId }, tenantId });
    return (app ?? stack.app).request('/v1/events', { method: 'POST', headers, body });
  };
  const recordedEvents = async (tenantId: string) => (await stack.api('GET', `/v1/tenants/${tenantId}/usage?${range}`)).body.total.events;

  it('answers the (n+1)th event of the day 429 naming the quota, counts no repeat, and accepts again after a raise', async () => {
    const q = await newTenant('quota');
    const { body: key } = await stack.api('POST', '/v1/keys', { name: 'q admin', scopes: ['admin'], tenantId: q });
    const raise = await stack.api('PATCH', `/v1/tenants/${q}`, { quotas: { eventsPerDay: 5 } }, { authorization: `Bearer ${key.key}` });
    expect(raise.status).toBe(403);
    expect(raise.body.detail).toBe("a tenant's quotas need an API key that is not limited to a tenant");
    const bad = await stack.api('PATCH', `/v1/tenants/${q}`, { quotas: { eventsPerDay: 0 } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['quotas.eventsPerDay']);
    expect((await stack.api('GET', `/v1/tenants/${q}`)).body.quotas).toEqual({ eventsPerDay: null });

    const set = await stack.api('PATCH', `/v1/tenants/${q}`, { quotas: { eventsPerDay: 2 } });
    expect(set.status).toBe(200);
    expect(set.body.quotas).toEqual({ eventsPerDay: 2 });

    const idempotencyKey = uniqueName('once');
    expect((await publish(undefined, q, idempotencyKey)).status).toBe(202);
    const repeat = await publish(undefined, q, idempotencyKey);
    expect([repeat.status, repeat.headers.get('idempotent-replayed')]).toEqual([202, 'true']);
    expect((await publish(undefined, q)).status).toBe(202);
    const refused = await publish(undefined, q);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toEqual({
      type: 'https://hookflow.dev/problems/quota-exceeded',
      title: 'Quota exceeded',
      status: 429,
      detail: "the tenant's quota eventsPerDay (2) is used up until 00:00 UTC",
    });
    expect(Math.abs(Number(refused.headers.get('retry-after')) - secondsUntilUtcMidnight(new Date()))).toBeLessThanOrEqual(2);
    // Other tenants are not capped.
    expect((await publish(undefined, 'default')).status).toBe(202);
    await waitFor('both events recorded', async () => ((await recordedEvents(q)) === 2 ? true : undefined));

    // A second API process over the same database counts the first's events once it has read them.
    const otherQuota = createEventQuota(stack.pool, createLogger('silent'), 60_000);
    const other = createApp({ ...stack.apiDeps, eventQuota: otherQuota });
    try {
      await otherQuota.refresh();
      expect((await publish(other, q)).status).toBe(429);

      // Raised through the first process: it applies there at once, in the other at its next read.
      expect((await stack.api('PATCH', `/v1/tenants/${q}`, { quotas: { eventsPerDay: 4 } })).body.quotas).toEqual({ eventsPerDay: 4 });
      expect((await publish(undefined, q)).status).toBe(202);
      expect((await publish(other, q)).status).toBe(429);
      await waitFor('the third event recorded', async () => ((await recordedEvents(q)) === 3 ? true : undefined));
      await otherQuota.refresh();
      expect((await publish(other, q)).status).toBe(202);
      await waitFor('the fourth event recorded', async () => ((await recordedEvents(q)) === 4 ? true : undefined));
      await stack.apiDeps.eventQuota.refresh();
      await otherQuota.refresh();
      expect([(await publish(undefined, q)).status, (await publish(other, q)).status]).toEqual([429, 429]);

      // Lifted: no cap at all.
      expect((await stack.api('PATCH', `/v1/tenants/${q}`, { quotas: { eventsPerDay: null } })).body.quotas).toEqual({ eventsPerDay: null });
      expect((await publish(undefined, q)).status).toBe(202);
    } finally {
      otherQuota.stop();
    }
    expect(await waitFor('five events recorded', async () => ((await recordedEvents(q)) === 5 ? 5 : undefined))).toBe(5);
  });
});

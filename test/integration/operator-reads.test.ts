// What the console's events, delivery and dead-letter pages read from /v1:
// the list of events (newest first, by type, tenant and time, by cursor), the
// deliveries' filters by event type and time, and each attempt's request
// headers exactly as the receiver got them, the subscription's credentials
// redacted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  receiver = await startReceiver(alwaysOk);
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

/** Publishes an event and waits until its workflow has recorded it in PostgreSQL (what the list reads). */
async function publishRecorded(type: string, extra: { tenantId?: string } = {}, headers?: Record<string, string>) {
  const published = await stack.api('POST', '/v1/events', { type, payload: { n: uniqueName('p') }, ...extra }, headers);
  expect(published.status).toBe(202);
  return waitFor(`event ${published.body.id} recorded`, async () => {
    const read = await stack.api('GET', `/v1/events/${published.body.id}`, undefined, headers);
    return read.body?.state === 'recorded' ? (read.body as { id: string; createdAt: string; tenantId: string }) : undefined;
  });
}

const ids = (page: { data: Array<{ id: string }> }) => page.data.map((item) => item.id);

describe('GET /v1/events', () => {
  it('lists events newest first, by type, by cursor, in a time range, with their deliveries counted', async () => {
    const type = `${uniqueName('list')}.happened`;
    await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] });
    const first = await publishRecorded(type);
    const second = await publishRecorded(type);
    const third = await publishRecorded(type);
    await publishRecorded(`${uniqueName('other')}.happened`);

    const all = await stack.api('GET', `/v1/events?type=${type}`);
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual([third.id, second.id, first.id]);
    expect(all.body.data[0]).toEqual({ id: third.id, tenantId: 'default', type, createdAt: third.createdAt, deliveries: expect.any(Object) });
    await waitFor('the third delivery succeeded', async () => {
      const read = await stack.api('GET', `/v1/events?type=${type}&limit=1`);
      return read.body.data[0].deliveries.succeeded === 1 ? true : undefined;
    });
    expect((await stack.api('GET', `/v1/events?type=${type}&limit=1`)).body.data[0].deliveries).toEqual({ pending: 0, succeeded: 1, dead: 0 });

    const page1 = await stack.api('GET', `/v1/events?type=${type}&limit=2`);
    expect(ids(page1.body)).toEqual([third.id, second.id]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await stack.api('GET', `/v1/events?type=${type}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(ids(page2.body)).toEqual([first.id]);
    expect(page2.body.nextCursor).toBeNull();

    const since = await stack.api('GET', `/v1/events?type=${type}&since=${encodeURIComponent(second.createdAt)}`);
    expect(ids(since.body)).toEqual([third.id, second.id]);
    const until = await stack.api('GET', `/v1/events?type=${type}&until=${encodeURIComponent(second.createdAt)}`);
    expect(ids(until.body)).toEqual([first.id]);
    const window = await stack.api(
      'GET',
      `/v1/events?type=${type}&since=${encodeURIComponent(second.createdAt)}&until=${encodeURIComponent(third.createdAt)}`,
    );
    expect(ids(window.body)).toEqual([second.id]);
  });

  it("shows a tenant's caller its own tenant's events only, and the platform any tenant's on request", async () => {
    const type = `${uniqueName('tenancy')}.happened`;
    const { body: tenant } = await stack.api('POST', '/v1/tenants', { name: 'Listing tenant' });
    const { body: key } = await stack.api('POST', '/v1/keys', { name: 'reader', scopes: ['read', 'publish'], tenantId: tenant.id });
    const asTenant = { authorization: `Bearer ${key.key}` };
    const theirs = await publishRecorded(type, {}, asTenant);
    const ours = await publishRecorded(type);

    expect(ids((await stack.api('GET', `/v1/events?type=${type}`, undefined, asTenant)).body)).toEqual([theirs.id]);
    expect((await stack.api('GET', `/v1/events?type=${type}&tenantId=default`, undefined, asTenant)).status).toBe(404);
    expect(ids((await stack.api('GET', `/v1/events?type=${type}`)).body)).toEqual([ours.id, theirs.id]);
    expect(ids((await stack.api('GET', `/v1/events?type=${type}&tenantId=${tenant.id}`)).body)).toEqual([theirs.id]);
  });

  it('refuses bad filters with a problem naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['since=yesterday', 'query.since'],
      ['until=2026-01-01', 'query.until'],
      ['type=not%20a%20type', 'query.type'],
      ['tenantId=a:b', 'query.tenantId'],
      ['limit=0', 'query.limit'],
    ];
    for (const [query, path] of cases) {
      const answer = await stack.api('GET', `/v1/events?${query}`);
      expect(answer.status, query).toBe(422);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(
        answer.body.errors.map((e: { path: string }) => e.path),
        query,
      ).toContain(path);
    }
    expect((await stack.api('GET', '/v1/events?color=red')).status).toBe(422);
  });
});

describe('GET /v1/deliveries filters', () => {
  it('filters by event type and by the time a delivery was created', async () => {
    const typeA = `${uniqueName('filter')}.a`;
    const typeB = `${uniqueName('filter')}.b`;
    const { body: sub } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [typeA, typeB] });
    const a = await publishRecorded(typeA);
    const b = await publishRecorded(typeB);
    const deliveryOf = async (eventId: string) => (await stack.api('GET', `/v1/deliveries?eventId=${eventId}`)).body.data[0];
    const [dA, dB] = [await deliveryOf(a.id), await deliveryOf(b.id)];

    expect(ids((await stack.api('GET', `/v1/deliveries?subscriptionId=${sub.id}&eventType=${typeA}`)).body)).toEqual([dA.id]);
    expect(ids((await stack.api('GET', `/v1/deliveries?subscriptionId=${sub.id}&since=${encodeURIComponent(dB.createdAt)}`)).body)).toEqual([dB.id]);
    expect(ids((await stack.api('GET', `/v1/deliveries?subscriptionId=${sub.id}&until=${encodeURIComponent(dB.createdAt)}`)).body)).toEqual([dA.id]);
    // Any RFC 3339 offset, even one PostgreSQL would refuse to parse (found by the contract test as a 500).
    for (const route of ['/v1/deliveries', '/v1/events', '/v1/audit-events']) {
      const far = await stack.api(
        'GET',
        `${route}?since=${encodeURIComponent('2026-01-01T00:00:00-23:59')}&until=${encodeURIComponent('2934-08-30T16:32:15+21:28')}`,
      );
      expect({ route, status: far.status }).toEqual({ route, status: 200 });
    }
    // A window that ends before it starts is empty, not an error (as everywhere in the API: issue #15's contract).
    const backwards = await stack.api(
      'GET',
      `/v1/deliveries?subscriptionId=${sub.id}&since=${encodeURIComponent(dB.createdAt)}&until=${encodeURIComponent(dA.createdAt)}`,
    );
    expect(backwards.status).toBe(200);
    expect(ids(backwards.body)).toEqual([]);
  });
});

describe("an attempt's request headers", () => {
  it('records the headers the receiver got, with the credentials among the custom headers redacted', async () => {
    const type = `${uniqueName('headers')}.sent`;
    const secrets = { Authorization: 'Bearer s3cret-receiver-token', 'X-Api-Key': 'key-0f9e8d', 'X-Forward-Auth': 'opaque-42' };
    const { body: sub } = await stack.api('POST', '/v1/subscriptions', {
      url: receiver.url,
      eventTypes: [type],
      headers: { ...secrets, 'X-Tenant': 'acme' },
    });
    expect(sub.id).toBeDefined();
    const event = await publishRecorded(type);
    const delivery = await waitFor('the delivery succeeded', async () => {
      const list = await stack.api('GET', `/v1/deliveries?eventId=${event.id}`);
      const found = list.body.data[0];
      return found?.status === 'succeeded' ? (await stack.api('GET', `/v1/deliveries/${found.id}`)).body : undefined;
    });
    const received = receiver.requests.find((request) => request.headers['webhook-id'] === event.id);
    expect(received).toBeDefined();
    const recorded: Record<string, string> = delivery.attempts[0].requestHeaders;

    // Everything hookflow set is recorded, as received; only what the transport adds is not.
    const transport = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);
    expect(Object.keys(recorded).sort()).toEqual(
      Object.keys(received!.headers)
        .filter((name) => !transport.has(name))
        .sort(),
    );
    for (const [name, value] of Object.entries(recorded)) {
      if (['authorization', 'x-api-key', 'x-forward-auth'].includes(name)) expect(value, name).toBe('[redacted]');
      else expect(value, name).toBe(received!.headers[name]);
    }
    // The receiver did get the credentials; the record never holds them.
    expect(received!.headers.authorization).toBe(secrets.Authorization);
    expect(recorded['x-tenant']).toBe('acme');
    expect(recorded['webhook-signature']).toMatch(/^v1,/);
    const stored = JSON.stringify((await stack.pool.query('SELECT request_headers FROM attempts')).rows);
    for (const secret of Object.values(secrets)) expect(stored).not.toContain(secret);
  });
});

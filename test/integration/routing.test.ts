// Routing by event type patterns and payload filters, against a real Temporal
// server, a real PostgreSQL and real HTTP receivers on loopback: each event
// reaches exactly the subscriptions that select it, and a bad pattern or
// filter is a 422 naming the path that stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

interface Subscriber {
  id: string;
  receiver: Receiver;
}

async function subscriber(eventTypes: string[], filter?: unknown, tenantId?: string): Promise<Subscriber> {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const { status, body } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes, filter, tenantId });
  expect(status).toBe(201);
  expect(body.filter).toEqual(filter ?? null);
  return { id: body.id, receiver };
}

/** Publishes an event and waits until every delivery it got is done; returns who it was delivered to. */
async function publishAndSettle(type: string, payload: unknown, tenantId?: string): Promise<{ id: string; deliveredTo: string[] }> {
  const accepted = await stack.api('POST', '/v1/events', { type, payload, tenantId });
  expect(accepted.status).toBe(202);
  const event = await waitFor(`event ${accepted.body.id} to settle`, async () => {
    const { status, body } = await stack.api('GET', `/v1/events/${accepted.body.id}`);
    if (status !== 200 || body.state !== 'recorded') return undefined;
    return body.deliveries.every((d: { status: string }) => d.status === 'succeeded') ? body : undefined;
  });
  return { id: event.id, deliveredTo: event.deliveries.map((d: { subscriptionId: string }) => d.subscriptionId).sort() };
}

const idsOf = (...subscribers: Subscriber[]) => subscribers.map((s) => s.id).sort();

describe('routing', () => {
  it('delivers each event to exactly the subscriptions whose patterns and filters select it', async () => {
    const shop = uniqueName('shop');
    const allOrders = await subscriber([`${shop}.order.*`]);
    const bigOrders = await subscriber([`${shop}.order.*`], { amount: { $gte: 100 } });
    const beneluxCreated = await subscriber([`${shop}.order.created`], {
      'customer.country': { $in: ['NL', 'BE'] },
      $not: { 'flags.test': true },
    });
    const vipOrHuge = await subscriber(['*'], { $or: [{ 'customer.vip': true }, { amount: { $gt: 1000 } }] });
    const exactOrder = await subscriber([`${shop}.order`]);
    const euroInvoicesAndRefunds = await subscriber([`${shop}.invoice.*`, `${shop}.order.refunded`], { currency: 'EUR' });
    const firstItemSku = await subscriber([`${shop}.*`], { 'items.0.sku': 'A-1', 'items.1': { $exists: false } });

    const cases: Array<[type: string, payload: unknown, expected: Subscriber[]]> = [
      [`${shop}.order.created`, { amount: 150, currency: 'EUR', customer: { country: 'NL' } }, [allOrders, bigOrders, beneluxCreated]],
      [`${shop}.order.created`, { amount: 50, customer: { country: 'DE', vip: true } }, [allOrders, vipOrHuge]],
      [`${shop}.order.item.added`, { amount: 2000 }, [allOrders, bigOrders, vipOrHuge]],
      [`${shop}.order`, { amount: 1 }, [exactOrder]],
      [`${shop}.invoice.paid`, { currency: 'USD' }, []],
      [`${shop}.invoice.paid`, { currency: 'EUR', items: [{ sku: 'A-1' }] }, [euroInvoicesAndRefunds, firstItemSku]],
      [`${shop}.order.refunded`, { currency: 'EUR', amount: '100' }, [allOrders, euroInvoicesAndRefunds]],
      [`${shop}.order.created`, { amount: 100, customer: { country: 'BE' }, flags: { test: true } }, [allOrders, bigOrders]],
      [`${shop}.order.created`, { amount: 99, customer: { country: 'BE' }, items: [{ sku: 'A-1' }, { sku: 'B-2' }] }, [allOrders, beneluxCreated]],
      [`${uniqueName('other')}.order.created`, { amount: 5000, customer: { country: 'NL' } }, [vipOrHuge]],
    ];

    const expectedEvents = new Map<Subscriber, string[]>();
    for (const [type, payload, expected] of cases) {
      const event = await publishAndSettle(type, payload);
      expect({ type, payload, deliveredTo: event.deliveredTo }).toEqual({ type, payload, deliveredTo: idsOf(...expected) });
      for (const s of expected) expectedEvents.set(s, [...(expectedEvents.get(s) ?? []), event.id]);
    }

    // Each receiver got exactly its events over HTTP, each once, and nothing else.
    for (const s of [allOrders, bigOrders, beneluxCreated, vipOrHuge, exactOrder, euroInvoicesAndRefunds, firstItemSku]) {
      const received = s.receiver.requests.map((request) => request.headers['webhook-id']);
      expect(received.sort()).toEqual((expectedEvents.get(s) ?? []).sort());
    }
    expect(exactOrder.receiver.requests).toHaveLength(1);
  });

  it('routes by a changed filter or pattern from the next event on, and a null filter lets every event through', async () => {
    const shop = uniqueName('shop');
    const s = await subscriber([`${shop}.order.created`], { amount: { $gte: 100 } });
    expect((await publishAndSettle(`${shop}.order.created`, { amount: 5 })).deliveredTo).toEqual([]);

    const cleared = await stack.api('PATCH', `/v1/subscriptions/${s.id}`, { filter: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.filter).toBeNull();
    expect((await publishAndSettle(`${shop}.order.created`, { amount: 5 })).deliveredTo).toEqual([s.id]);

    const changed = await stack.api('PATCH', `/v1/subscriptions/${s.id}`, {
      eventTypes: [`${shop}.invoice.*`],
      filter: { 'lines.0.amount': { $lt: 0 } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ eventTypes: [`${shop}.invoice.*`], filter: { 'lines.0.amount': { $lt: 0 } } });
    expect((await stack.api('GET', `/v1/subscriptions/${s.id}`)).body.filter).toEqual({ 'lines.0.amount': { $lt: 0 } });
    expect((await publishAndSettle(`${shop}.order.created`, { amount: 5 })).deliveredTo).toEqual([]);
    expect((await publishAndSettle(`${shop}.invoice.credited`, { lines: [{ amount: 10 }] })).deliveredTo).toEqual([]);
    expect((await publishAndSettle(`${shop}.invoice.credited`, { lines: [{ amount: -10 }] })).deliveredTo).toEqual([s.id]);
    expect(s.receiver.requests).toHaveLength(2);
  });

  it("routes within the event's tenant only", async () => {
    const shop = uniqueName('shop');
    const tenant = await stack.api('POST', '/v1/tenants', { name: shop });
    expect(tenant.status).toBe(201);
    const filter = { amount: { $gte: 100 } };
    const inDefault = await subscriber([`${shop}.order.*`], filter);
    const inTenant = await subscriber([`${shop}.order.*`], filter, tenant.body.id);
    const everythingInTenant = await subscriber(['*'], undefined, tenant.body.id);

    expect((await publishAndSettle(`${shop}.order.created`, { amount: 500 })).deliveredTo).toEqual([inDefault.id]);
    expect((await publishAndSettle(`${shop}.order.created`, { amount: 500 }, tenant.body.id)).deliveredTo).toEqual(
      idsOf(inTenant, everythingInTenant),
    );
    expect((await publishAndSettle(`${shop}.order.created`, { amount: 5 }, tenant.body.id)).deliveredTo).toEqual([everythingInTenant.id]);
  });

  describe('a bad pattern or filter is a 422 naming the path, and stores nothing', () => {
    let existing: { id: string; row: unknown };

    beforeAll(async () => {
      const { body } = await stack.api('POST', '/v1/subscriptions', {
        url: 'http://127.0.0.1:9/never-called',
        eventTypes: ['kept.*'],
        filter: { kept: true },
      });
      existing = { id: body.id, row: (await stack.api('GET', `/v1/subscriptions/${body.id}`)).body };
    });

    async function subscriptionRows(): Promise<string> {
      const { rows } = await stack.pool.query(`SELECT json_agg(s ORDER BY id)::text AS rows FROM subscriptions s`);
      return rows[0].rows;
    }

    const base = { url: 'http://127.0.0.1:9/never-called', eventTypes: ['order.*'] };
    const cases: Array<[name: string, method: 'POST' | 'PATCH', body: Record<string, unknown>, paths: string[]]> = [
      ['a comparison with a boolean', 'POST', { ...base, filter: { amount: { $gte: true } } }, ['filter.amount.$gte']],
      ['an unknown operator deep inside', 'POST', { ...base, filter: { $or: [{ a: 1 }, { b: { $like: 'x%' } }] } }, ['filter.$or.1.b.$like']],
      ['a nested object instead of a path', 'POST', { ...base, filter: { customer: { country: 'NL' } } }, ['filter.customer.country']],
      ['an empty $in', 'POST', { ...base, filter: { country: { $in: [] } } }, ['filter.country.$in']],
      ['a NUL character, which jsonb cannot store', 'POST', { ...base, filter: { note: { $in: ['ok', 'a\u0000b'] } } }, ['filter.note.$in.1']],
      ['a filter that is a string', 'POST', { ...base, filter: 'amount >= 100' }, ['filter']],
      ['a wildcard in the middle', 'POST', { ...base, eventTypes: ['order.*.added'] }, ['eventTypes.0']],
      ['a suffix wildcard', 'POST', { ...base, eventTypes: ['order.created', '*.created'] }, ['eventTypes.1']],
      ['a bad filter on PATCH', 'PATCH', { filter: { amount: { $exists: 'yes' } } }, ['filter.amount.$exists']],
      ['a bad pattern with a good filter on PATCH', 'PATCH', { eventTypes: ['order*'], filter: { amount: 1 } }, ['eventTypes.0']],
      [
        'a good pattern with a too deep filter on PATCH',
        'PATCH',
        {
          eventTypes: ['order.*'],
          filter: { $not: { $not: { $not: { $not: { $not: { $not: { a: 1 } } } } } } },
        },
        ['filter.$not.$not.$not.$not.$not.$not'],
      ],
    ];

    it.each(cases)('%s (%s)', async (_, method, body, paths) => {
      const before = await subscriptionRows();
      const answer = await stack.api(method, method === 'POST' ? '/v1/subscriptions' : `/v1/subscriptions/${existing.id}`, body);
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(paths);
      expect(answer.body.detail).toContain(paths[0]);
      expect(await subscriptionRows()).toEqual(before);
      expect((await stack.api('GET', `/v1/subscriptions/${existing.id}`)).body).toEqual(existing.row);
    });
  });
});

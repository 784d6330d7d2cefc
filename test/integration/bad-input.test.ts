// Bad input gets a 4xx problem+json that names the field, and changes nothing:
// no row in Postgres, no workflow in Temporal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let existingSubscriptionId: string;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  const { body } = await stack.api('POST', '/v1/subscriptions', {
    url: 'http://127.0.0.1:9/never-called',
    eventTypes: ['nobody.listens'],
  });
  existingSubscriptionId = body.id;
});

afterAll(async () => {
  await stack?.close();
});

async function snapshot() {
  const { rows } = await stack.pool.query(`
    SELECT (SELECT count(*) FROM subscriptions)::int AS subscriptions,
           (SELECT count(*) FROM events)::int AS events,
           (SELECT count(*) FROM deliveries)::int AS deliveries,
           (SELECT json_agg(s ORDER BY id) FROM subscriptions s)::text AS subscription_rows`);
  const workflows = await stack.temporal.workflow.count(`TaskQueue = '${stack.taskQueue}'`);
  return { ...rows[0], workflows: workflows.count };
}

interface Case {
  name: string;
  method: string;
  path: () => string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  type: string;
  /** Field paths the problem must name. */
  fields?: string[];
}

const cases: Case[] = [
  { name: 'event without type', method: 'POST', path: () => '/v1/events', body: { payload: {} }, status: 422, type: 'validation', fields: ['type'] },
  { name: 'event without payload', method: 'POST', path: () => '/v1/events', body: { type: 'a.b' }, status: 422, type: 'validation', fields: ['payload'] },
  { name: 'event type with spaces', method: 'POST', path: () => '/v1/events', body: { type: 'order created', payload: 1 }, status: 422, type: 'validation', fields: ['type'] },
  { name: 'event with unknown field', method: 'POST', path: () => '/v1/events', body: { type: 'a.b', payload: 1, extra: true }, status: 422, type: 'validation' },
  { name: 'event id with a colon', method: 'POST', path: () => '/v1/events', body: { type: 'a.b', payload: 1, id: 'a:b' }, status: 422, type: 'validation', fields: ['id'] },
  { name: 'malformed JSON event', method: 'POST', path: () => '/v1/events', body: '{"type": "a.b", "payload":', status: 400, type: 'malformed-json' },
  { name: 'event as text/plain', method: 'POST', path: () => '/v1/events', body: '{"type":"a.b","payload":1}', headers: { 'content-type': 'text/plain' }, status: 415, type: 'unsupported-media-type' },
  { name: 'bad Idempotency-Key', method: 'POST', path: () => '/v1/events', body: { type: 'a.b', payload: 1 }, headers: { 'Idempotency-Key': 'has spaces in it' }, status: 422, type: 'validation', fields: ['header.Idempotency-Key'] },
  { name: 'oversize event body', method: 'POST', path: () => '/v1/events', body: { type: 'a.b', payload: 'x'.repeat(300 * 1024) }, status: 413, type: 'payload-too-large' },
  { name: 'subscription with a non-URL url', method: 'POST', path: () => '/v1/subscriptions', body: { url: 'not a url', eventTypes: ['a.b'] }, status: 422, type: 'validation', fields: ['url'] },
  { name: 'subscription with an ftp url', method: 'POST', path: () => '/v1/subscriptions', body: { url: 'ftp://example.com/x', eventTypes: ['a.b'] }, status: 422, type: 'validation', fields: ['url'] },
  { name: 'subscription without event types', method: 'POST', path: () => '/v1/subscriptions', body: { url: 'https://example.com/x', eventTypes: [] }, status: 422, type: 'validation', fields: ['eventTypes'] },
  { name: 'subscription overriding the signature header', method: 'POST', path: () => '/v1/subscriptions', body: { url: 'https://example.com/x', eventTypes: ['a.b'], headers: { 'Webhook-Signature': 'forged' } }, status: 422, type: 'validation', fields: ['headers.Webhook-Signature'] },
  { name: 'subscription with a header value holding a newline', method: 'POST', path: () => '/v1/subscriptions', body: { url: 'https://example.com/x', eventTypes: ['a.b'], headers: { 'X-Team': 'a\r\nInjected: 1' } }, status: 422, type: 'validation', fields: ['headers.X-Team'] },
  { name: 'subscription with a negative retry wait', method: 'POST', path: () => '/v1/subscriptions', body: { url: 'https://example.com/x', eventTypes: ['a.b'], retrySchedule: [-1] }, status: 422, type: 'validation', fields: ['retrySchedule.0'] },
  { name: 'malformed JSON subscription', method: 'POST', path: () => '/v1/subscriptions', body: '{url:', status: 400, type: 'malformed-json' },
  { name: 'unknown subscription', method: 'GET', path: () => '/v1/subscriptions/sub_unknown', status: 404, type: 'not-found' },
  { name: 'patch of an unknown subscription', method: 'PATCH', path: () => '/v1/subscriptions/sub_unknown', body: { description: 'x' }, status: 404, type: 'not-found' },
  { name: 'delete of an unknown subscription', method: 'DELETE', path: () => '/v1/subscriptions/sub_unknown', status: 404, type: 'not-found' },
  { name: 'secret of an unknown subscription', method: 'GET', path: () => '/v1/subscriptions/sub_unknown/secret', status: 404, type: 'not-found' },
  { name: 'empty patch', method: 'PATCH', path: () => `/v1/subscriptions/${existingSubscriptionId}`, body: {}, status: 422, type: 'validation' },
  { name: 'patch with a bad status', method: 'PATCH', path: () => `/v1/subscriptions/${existingSubscriptionId}`, body: { status: 'sleeping' }, status: 422, type: 'validation', fields: ['status'] },
  { name: 'patch with a bad url', method: 'PATCH', path: () => `/v1/subscriptions/${existingSubscriptionId}`, body: { url: 'javascript:alert(1)' }, status: 422, type: 'validation', fields: ['url'] },
  { name: 'unknown event', method: 'GET', path: () => '/v1/events/evt_unknown', status: 404, type: 'not-found' },
  { name: 'unknown delivery', method: 'GET', path: () => '/v1/deliveries/dlv_unknown', status: 404, type: 'not-found' },
  { name: 'deliveries with a bad status filter', method: 'GET', path: () => '/v1/deliveries?status=lost', status: 422, type: 'validation', fields: ['query.status'] },
  { name: 'deliveries with a forged cursor', method: 'GET', path: () => '/v1/deliveries?cursor=bm90IGEgY3Vyc29y', status: 422, type: 'validation', fields: ['query.cursor'] },
  { name: 'subscriptions with a huge limit', method: 'GET', path: () => '/v1/subscriptions?limit=100000', status: 422, type: 'validation', fields: ['query.limit'] },
  { name: 'unknown route', method: 'GET', path: () => '/v1/nothing-here', status: 404, type: 'not-found' },
];

describe('bad input', () => {
  it.each(cases)('$name → $status $type, nothing changed', async (c) => {
    const before = await snapshot();
    const answer = await stack.api(c.method, c.path(), c.body, c.headers);

    expect(answer.status).toBe(c.status);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ type: `https://hookflow.dev/problems/${c.type}`, status: c.status });
    expect(answer.body.title).toEqual(expect.any(String));
    for (const field of c.fields ?? []) {
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers readiness with both stores up', async () => {
    const answer = await stack.api('GET', '/readyz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });
  });
});

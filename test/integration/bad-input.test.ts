// Bad input gets a 4xx problem+json that names the field, and changes nothing:
// no row in Postgres, no workflow in Temporal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let existingSubscriptionId: string;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  const { body } = await stack.api('POST', '/v1/subscriptions', {
    url: 'http://127.0.0.1:9/never-called',
    eventTypes: ['nobody.listens'],
  });
  existingSubscriptionId = body.id;
  await stack.api('POST', '/v1/event-types', {
    name: 'shaped.event',
    schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
    examples: [{ n: 1 }],
  });
});

afterAll(async () => {
  await stack?.close();
});

async function snapshot() {
  const { rows } = await stack.pool.query(`
    SELECT (SELECT count(*) FROM subscriptions)::int AS subscriptions,
           (SELECT count(*) FROM events)::int AS events,
           (SELECT count(*) FROM deliveries)::int AS deliveries,
           (SELECT json_agg(s ORDER BY id) FROM subscriptions s)::text AS subscription_rows,
           (SELECT json_agg(k ORDER BY id) FROM api_keys k)::text AS api_key_rows,
           (SELECT json_agg(t ORDER BY name) FROM event_types t)::text AS event_type_rows,
           (SELECT json_agg(v ORDER BY name, version) FROM event_type_schemas v)::text AS event_type_schema_rows`);
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
  {
    name: 'event without payload',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'a.b' },
    status: 422,
    type: 'validation',
    fields: ['payload'],
  },
  {
    name: 'event type with spaces',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'order created', payload: 1 },
    status: 422,
    type: 'validation',
    fields: ['type'],
  },
  {
    name: 'event with unknown field',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'a.b', payload: 1, extra: true },
    status: 422,
    type: 'validation',
  },
  {
    name: 'event id with a colon',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'a.b', payload: 1, id: 'a:b' },
    status: 422,
    type: 'validation',
    fields: ['id'],
  },
  { name: 'malformed JSON event', method: 'POST', path: () => '/v1/events', body: '{"type": "a.b", "payload":', status: 400, type: 'malformed-json' },
  {
    name: 'event as text/plain',
    method: 'POST',
    path: () => '/v1/events',
    body: '{"type":"a.b","payload":1}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    type: 'unsupported-media-type',
  },
  {
    name: 'bad Idempotency-Key',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'a.b', payload: 1 },
    headers: { 'Idempotency-Key': 'has spaces in it' },
    status: 422,
    type: 'validation',
    fields: ['header.Idempotency-Key'],
  },
  {
    name: 'oversize event body',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'a.b', payload: 'x'.repeat(300 * 1024) },
    status: 413,
    type: 'payload-too-large',
  },
  {
    name: 'subscription with a non-URL url',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'not a url', eventTypes: ['a.b'] },
    status: 422,
    type: 'validation',
    fields: ['url'],
  },
  {
    name: 'subscription with an ftp url',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'ftp://example.com/x', eventTypes: ['a.b'] },
    status: 422,
    type: 'validation',
    fields: ['url'],
  },
  {
    name: 'subscription without event types',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: [] },
    status: 422,
    type: 'validation',
    fields: ['eventTypes'],
  },
  {
    name: 'subscription overriding the signature header',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: ['a.b'], headers: { 'Webhook-Signature': 'forged' } },
    status: 422,
    type: 'validation',
    fields: ['headers.Webhook-Signature'],
  },
  {
    name: 'subscription with a header value holding a newline',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: ['a.b'], headers: { 'X-Team': 'a\r\nInjected: 1' } },
    status: 422,
    type: 'validation',
    fields: ['headers.X-Team'],
  },
  {
    name: 'subscription with a negative retry wait',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: ['a.b'], retrySchedule: [-1] },
    status: 422,
    type: 'validation',
    fields: ['retrySchedule.0'],
  },
  { name: 'malformed JSON subscription', method: 'POST', path: () => '/v1/subscriptions', body: '{url:', status: 400, type: 'malformed-json' },
  { name: 'unknown subscription', method: 'GET', path: () => '/v1/subscriptions/sub_unknown', status: 404, type: 'not-found' },
  {
    name: 'patch of an unknown subscription',
    method: 'PATCH',
    path: () => '/v1/subscriptions/sub_unknown',
    body: { description: 'x' },
    status: 404,
    type: 'not-found',
  },
  { name: 'delete of an unknown subscription', method: 'DELETE', path: () => '/v1/subscriptions/sub_unknown', status: 404, type: 'not-found' },
  { name: 'secret of an unknown subscription', method: 'GET', path: () => '/v1/subscriptions/sub_unknown/secret', status: 404, type: 'not-found' },
  {
    name: 'empty Idempotency-Key',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'a.b', payload: 1 },
    headers: { 'Idempotency-Key': '' },
    status: 422,
    type: 'validation',
    fields: ['header.Idempotency-Key'],
  },
  {
    name: 'patch with a bad status',
    method: 'PATCH',
    path: () => `/v1/subscriptions/${existingSubscriptionId}`,
    body: { status: 'sleeping' },
    status: 422,
    type: 'validation',
    fields: ['status'],
  },
  {
    name: 'patch with a bad url',
    method: 'PATCH',
    path: () => `/v1/subscriptions/${existingSubscriptionId}`,
    body: { url: 'javascript:alert(1)' },
    status: 422,
    type: 'validation',
    fields: ['url'],
  },
  { name: 'unknown event', method: 'GET', path: () => '/v1/events/evt_unknown', status: 404, type: 'not-found' },
  { name: 'unknown delivery', method: 'GET', path: () => '/v1/deliveries/dlv_unknown', status: 404, type: 'not-found' },
  {
    name: 'deliveries with a bad status filter',
    method: 'GET',
    path: () => '/v1/deliveries?status=lost',
    status: 422,
    type: 'validation',
    fields: ['query.status'],
  },
  {
    name: 'deliveries with a forged cursor',
    method: 'GET',
    path: () => '/v1/deliveries?cursor=bm90IGEgY3Vyc29y',
    status: 422,
    type: 'validation',
    fields: ['query.cursor'],
  },
  {
    name: 'subscriptions with a huge limit',
    method: 'GET',
    path: () => '/v1/subscriptions?limit=100000',
    status: 422,
    type: 'validation',
    fields: ['query.limit'],
  },
  { name: 'unknown route', method: 'GET', path: () => '/v1/nothing-here', status: 404, type: 'not-found' },
  {
    name: 'event type too long',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: `a.${'b'.repeat(127)}`, payload: 1 },
    status: 422,
    type: 'validation',
    fields: ['type'],
  },
  {
    name: 'event type with non-ASCII letters',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'ordér.created', payload: 1 },
    status: 422,
    type: 'validation',
    fields: ['type'],
  },
  {
    name: 'event type with an injection string',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: "x'; DROP TABLE events;--", payload: 1 },
    status: 422,
    type: 'validation',
    fields: ['type'],
  },
  {
    name: 'event body that is an array',
    method: 'POST',
    path: () => '/v1/events',
    body: [{ type: 'a.b', payload: 1 }],
    status: 422,
    type: 'validation',
  },
  { name: 'event body that is null', method: 'POST', path: () => '/v1/events', body: 'null', status: 422, type: 'validation' },
  {
    name: 'Idempotency-Key too long',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'a.b', payload: 1 },
    headers: { 'Idempotency-Key': 'k'.repeat(256) },
    status: 422,
    type: 'validation',
    fields: ['header.Idempotency-Key'],
  },
  {
    name: 'subscription with 101 event types',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: Array.from({ length: 101 }, (_, i) => `t.e${i}`) },
    status: 422,
    type: 'validation',
    fields: ['eventTypes'],
  },
  {
    name: 'subscription with 21 headers',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: ['a.b'], headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])) },
    status: 422,
    type: 'validation',
    fields: ['headers'],
  },
  {
    name: 'subscription with null event types',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: null },
    status: 422,
    type: 'validation',
    fields: ['eventTypes'],
  },
  {
    name: 'subscription with an overlong description',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: ['a.b'], description: 'd'.repeat(1001) },
    status: 422,
    type: 'validation',
    fields: ['description'],
  },
  {
    name: 'subscription with a NUL in its description',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: ['a.b'], description: 'a\u0000b' },
    status: 422,
    type: 'validation',
    fields: ['description'],
  },
  {
    name: 'subscription with a timeout of a day',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: ['a.b'], timeoutMs: 86_400_000 },
    status: 422,
    type: 'validation',
    fields: ['timeoutMs'],
  },
  {
    name: 'subscription as text/plain',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: '{"url":"https://example.com/x","eventTypes":["a.b"]}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    type: 'unsupported-media-type',
  },
  {
    name: 'oversize subscription body',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: ['a.b'], description: 'x'.repeat(300 * 1024) },
    status: 413,
    type: 'payload-too-large',
  },
  {
    name: 'patch with an unknown field',
    method: 'PATCH',
    path: () => `/v1/subscriptions/${existingSubscriptionId}`,
    body: { secret: 'whsec_mine' },
    status: 422,
    type: 'validation',
  },
  {
    name: 'subscription id with an injection string',
    method: 'GET',
    path: () => `/v1/subscriptions/${encodeURIComponent("' OR '1'='1")}`,
    status: 404,
    type: 'not-found',
  },
  {
    name: 'deliveries filtered by an injection string',
    method: 'GET',
    path: () => `/v1/deliveries?subscriptionId=${encodeURIComponent("x' OR 1=1--")}`,
    status: 422,
    type: 'validation',
    fields: ['query.subscriptionId'],
  },
  {
    name: 'subscriptions with limit 0',
    method: 'GET',
    path: () => '/v1/subscriptions?limit=0',
    status: 422,
    type: 'validation',
    fields: ['query.limit'],
  },
  {
    name: 'subscriptions with a non-numeric limit',
    method: 'GET',
    path: () => '/v1/subscriptions?limit=ten',
    status: 422,
    type: 'validation',
    fields: ['query.limit'],
  },
  {
    name: 'rotation with a negative overlap',
    method: 'POST',
    path: () => `/v1/subscriptions/${existingSubscriptionId}/secret/rotate`,
    body: { overlapSeconds: -1 },
    status: 422,
    type: 'validation',
    fields: ['overlapSeconds'],
  },
  {
    name: 'rotation of an unknown subscription',
    method: 'POST',
    path: () => '/v1/subscriptions/sub_unknown/secret/rotate',
    status: 404,
    type: 'not-found',
  },
  {
    name: 'subscription with an unknown signature scheme',
    method: 'POST',
    path: () => '/v1/subscriptions',
    body: { url: 'https://example.com/x', eventTypes: ['a.b'], signatureScheme: 'v2' },
    status: 422,
    type: 'validation',
    fields: ['signatureScheme'],
  },
  {
    name: 'patch of the signature scheme (a rotation changes it)',
    method: 'PATCH',
    path: () => `/v1/subscriptions/${existingSubscriptionId}`,
    body: { signatureScheme: 'v1a' },
    status: 422,
    type: 'validation',
  },
  {
    name: 'rotation to an unknown scheme',
    method: 'POST',
    path: () => `/v1/subscriptions/${existingSubscriptionId}/secret/rotate`,
    body: { signatureScheme: 'ed25519' },
    status: 422,
    type: 'validation',
    fields: ['signatureScheme'],
  },
  {
    name: 'test send without a payload and no catalog example',
    method: 'POST',
    path: () => `/v1/subscriptions/${existingSubscriptionId}/test`,
    status: 422,
    type: 'validation',
    fields: ['payload'],
  },
  {
    name: 'test send with a malformed event type',
    method: 'POST',
    path: () => `/v1/subscriptions/${existingSubscriptionId}/test`,
    body: { eventType: 'a b', payload: {} },
    status: 422,
    type: 'validation',
    fields: ['eventType'],
  },
  {
    name: 'test send with an unknown field',
    method: 'POST',
    path: () => `/v1/subscriptions/${existingSubscriptionId}/test`,
    body: { data: {} },
    status: 422,
    type: 'validation',
  },
  {
    name: 'test send as text/plain',
    method: 'POST',
    path: () => `/v1/subscriptions/${existingSubscriptionId}/test`,
    body: '{"payload":{}}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    type: 'unsupported-media-type',
  },
  {
    name: 'test send to an unknown subscription',
    method: 'POST',
    path: () => '/v1/subscriptions/sub_unknown/test',
    body: { payload: {} },
    status: 404,
    type: 'not-found',
  },
  {
    name: 'API key without scopes',
    method: 'POST',
    path: () => '/v1/keys',
    body: { name: 'k', scopes: [] },
    status: 422,
    type: 'validation',
    fields: ['scopes'],
  },
  {
    name: 'API key with an unknown scope',
    method: 'POST',
    path: () => '/v1/keys',
    body: { name: 'k', scopes: ['root'] },
    status: 422,
    type: 'validation',
    fields: ['scopes.0'],
  },
  {
    name: 'API key with an empty name',
    method: 'POST',
    path: () => '/v1/keys',
    body: { name: '', scopes: ['admin'] },
    status: 422,
    type: 'validation',
    fields: ['name'],
  },
  { name: 'revocation of an unknown API key', method: 'DELETE', path: () => '/v1/keys/key_unknown', status: 404, type: 'not-found' },
  {
    name: 'event refused by its type schema',
    method: 'POST',
    path: () => '/v1/events',
    body: { type: 'shaped.event', payload: { n: 'one' } },
    status: 422,
    type: 'validation',
    fields: ['payload/n'],
  },
  {
    name: 'event type with a bad name',
    method: 'POST',
    path: () => '/v1/event-types',
    body: { name: 'order created' },
    status: 422,
    type: 'validation',
    fields: ['name'],
  },
  {
    name: 'event type with an unknown field',
    method: 'POST',
    path: () => '/v1/event-types',
    body: { name: 'a.b', version: 2 },
    status: 422,
    type: 'validation',
  },
  {
    name: 'event type with a schema that is not an object',
    method: 'POST',
    path: () => '/v1/event-types',
    body: { name: 'a.b', schema: [] },
    status: 422,
    type: 'validation',
    fields: ['schema'],
  },
  {
    name: 'event type with an oversize schema',
    method: 'POST',
    path: () => '/v1/event-types',
    body: { name: 'a.b', schema: { description: 'x'.repeat(70 * 1024) } },
    status: 422,
    type: 'validation',
    fields: ['schema'],
  },
  {
    name: 'event type with a schema Ajv refuses',
    method: 'POST',
    path: () => '/v1/event-types',
    body: { name: 'a.b', schema: { type: 'object', properties: { n: { minimum: 'zero' } } } },
    status: 422,
    type: 'validation',
    fields: ['schema/properties/n/minimum'],
  },
  {
    name: 'event type with an example its schema refuses',
    method: 'POST',
    path: () => '/v1/event-types',
    body: { name: 'a.b', schema: { type: 'integer' }, examples: [1, 'two'] },
    status: 422,
    type: 'validation',
    fields: ['examples/1'],
  },
  {
    name: 'event type with examples not a list',
    method: 'POST',
    path: () => '/v1/event-types',
    body: { name: 'a.b', examples: { n: 1 } },
    status: 422,
    type: 'validation',
    fields: ['examples'],
  },
  {
    name: 'event type described with a NUL',
    method: 'POST',
    path: () => '/v1/event-types',
    body: { name: 'a.b', description: 'a\u0000b' },
    status: 422,
    type: 'validation',
    fields: ['description'],
  },
  {
    name: 'existing event type created again',
    method: 'POST',
    path: () => '/v1/event-types',
    body: { name: 'shaped.event' },
    status: 409,
    type: 'conflict',
  },
  {
    name: 'event type patch renaming it',
    method: 'PATCH',
    path: () => '/v1/event-types/shaped.event',
    body: { name: 'shaped.event.v2' },
    status: 422,
    type: 'validation',
  },
  {
    name: 'event type patch with a bad deprecated flag',
    method: 'PATCH',
    path: () => '/v1/event-types/shaped.event',
    body: { deprecated: 'yes' },
    status: 422,
    type: 'validation',
    fields: ['deprecated'],
  },
  {
    name: 'event type patch breaking the stored example',
    method: 'PATCH',
    path: () => '/v1/event-types/shaped.event',
    body: { schema: { type: 'object', required: ['n', 'm'] } },
    status: 422,
    type: 'validation',
    fields: ['schema'],
  },
  {
    name: 'patch of an unknown event type',
    method: 'PATCH',
    path: () => '/v1/event-types/no.such.type',
    body: { description: 'x' },
    status: 404,
    type: 'not-found',
  },
];

describe('bad input', () => {
  it('has a broad table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

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

  // What the published contract allows is accepted (issue #15's fuzzer found these refused).
  it('accepts an empty PATCH, an empty cursor and an empty recover window, changing nothing', async () => {
    const before = await snapshot();
    const subscription = await stack.api('GET', `/v1/subscriptions/${existingSubscriptionId}`);
    const patched = await stack.api('PATCH', `/v1/subscriptions/${existingSubscriptionId}`, {});
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual(subscription.body);
    const eventType = await stack.api('PATCH', '/v1/event-types/shaped.event', {});
    expect(eventType.status).toBe(200);
    expect(eventType.body).toEqual((await stack.api('GET', '/v1/event-types/shaped.event')).body);
    const tenant = await stack.api('PATCH', '/v1/tenants/default', {});
    expect(tenant.status).toBe(200);
    expect(tenant.body.id).toBe('default');
    const firstPage = await stack.api('GET', '/v1/subscriptions?cursor=');
    expect(firstPage.status).toBe(200);
    expect(firstPage.body).toEqual((await stack.api('GET', '/v1/subscriptions')).body);
    const recovered = await stack.api('POST', `/v1/subscriptions/${existingSubscriptionId}/recover`, {
      since: '2026-01-02T00:00:00Z',
      until: '2026-01-01T00:00:00Z',
    });
    expect(recovered.status).toBe(202);
    expect(recovered.body).toMatchObject({ subscriptionId: existingSubscriptionId, status: 'running' });
    // A window ending before it starts finds nothing, and so redelivers nothing.
    const location = recovered.headers.get('location')!;
    const finished = await waitFor('the empty recovery to finish', async () => {
      const progress = await stack.api('GET', location);
      return progress.body.status === 'done' ? progress.body : undefined;
    });
    expect(finished).toMatchObject({ found: 0, redelivered: 0, skipped: 0 });
    // Nothing changed but the recovery's own workflow, which found nothing to do.
    expect(await snapshot()).toEqual({ ...before, workflows: before.workflows + 1 });
    // A no-op leaves no trail either (the recover call, a real request, does).
    const trail = await stack.api('GET', `/v1/audit-events?resourceId=${existingSubscriptionId}`);
    expect(trail.body.data.map((e: { action: string }) => e.action)).not.toContain('subscription.update');
  });

  it('answers readiness with both stores up', async () => {
    const answer = await stack.api('GET', '/readyz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });
  });
});

// Test sends: POST /v1/subscriptions/:id/test signs and sends one request to
// the endpoint now, as a delivery would be sent (keys, headers, SSRF guard,
// timeout), marked as a test, and answers the attempt with 200 whatever the
// receiver said. Nothing is recorded as a delivery, nor counted against the
// endpoint's health.
import type { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { AppEnv } from '../../src/api/env.js';
import { createAddressPolicy } from '../../src/delivery/url-guard.js';
import { createGuardedAgent } from '../../src/net/guarded-connect.js';
import { USER_AGENT } from '../../src/version.js';
import { alwaysFail, alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, type TestStack } from '../support/stack.js';

// A name the tests resolve to loopback: allowed by the stack, refused by the guarded variant.
const hosts = { 'receiver.hookflow.test': ['127.0.0.1'] };

let stack: TestStack;
let ok: Receiver;
let failing: Receiver;
let slow: Receiver;
/** The same API with the SSRF guard's default policy (no loopback), for refused targets. */
let guardedApp: Hono<AppEnv>;
let guardedHttp: Agent;
/** The same API with an event catalog that has an example for order.created. */
let catalogApp: Hono<AppEnv>;

beforeAll(async () => {
  [stack, ok, failing, slow] = await Promise.all([
    startTestStack({ retryScheduleSeconds: [0.1], hosts }),
    startReceiver(alwaysOk),
    startReceiver(alwaysFail),
    startReceiver(() => ({ status: 200, delayMs: 1_000 })),
  ]);
  const guardedPolicy = createAddressPolicy({});
  guardedHttp = createGuardedAgent(guardedPolicy, stack.apiDeps.resolve);
  guardedApp = createApp({ ...stack.apiDeps, addressPolicy: guardedPolicy, webhookHttp: guardedHttp });
  catalogApp = createApp({
    ...stack.apiDeps,
    exampleFor: async (eventType) => (eventType === 'order.created' ? { orderId: 'ord_example', total: '9.99' } : undefined),
  });
});

afterAll(async () => {
  await guardedHttp?.close();
  await Promise.all([ok?.close(), failing?.close(), slow?.close()]);
  await stack?.close();
});

/** A test send through one of the variant apps (the stack's api() calls its own). */
async function testSendThrough(app: Hono<AppEnv>, subscriptionId: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await app.request(`/v1/subscriptions/${subscriptionId}/test`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

async function subscribe(url: string, extra: Record<string, unknown> = {}) {
  const created = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: ['*', 'order.created', 'order.paid'], ...extra });
  expect(created.status).toBe(201);
  return created.body as { id: string; secret: string };
}

/** Nothing of a test send is kept as a delivery or counted against the endpoint. */
async function expectNoTrace(subscriptionId: string) {
  expect((await stack.api('GET', `/v1/deliveries?subscriptionId=${subscriptionId}`)).body.data).toEqual([]);
  expect((await stack.api('GET', `/v1/subscriptions/${subscriptionId}/health`)).body).toMatchObject({ consecutiveFailures: 0, failingSince: null });
}

describe('test sends', () => {
  it('sends the given payload, signed and marked as a test, and answers the attempt', async () => {
    const sub = await subscribe(ok.url, { headers: { 'X-Tenant': 'acme' } });
    const answer = await stack.api('POST', `/v1/subscriptions/${sub.id}/test`, { payload: { hello: 'test' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      webhookId: expect.stringMatching(/^test_[A-Za-z0-9_-]{22}$/),
      eventType: 'order.created', // the first exact type: '*' is skipped
      statusCode: 200,
      durationMs: expect.any(Number),
      responseBody: 'ok',
      error: null,
    });
    expect(ok.requests).toHaveLength(1);
    const request = ok.requests[0]!;
    expect(request.headers).toMatchObject({
      'webhook-id': answer.body.webhookId,
      'webhook-test': 'true',
      'x-tenant': 'acme',
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
    });
    // Signed like a delivery: the receiver's usual check passes, and the test marker is inside the signed id.
    const verified = new Webhook(sub.secret).verify(request.body, request.headers as Record<string, string>);
    expect(verified).toEqual({ type: 'order.created', timestamp: expect.any(String), data: { hello: 'test' } });
    await expectNoTrace(sub.id);
  });

  it("answers 200 with the receiver's 500 and its answer, and counts nothing against the endpoint", async () => {
    const sub = await subscribe(failing.url);
    const answer = await stack.api('POST', `/v1/subscriptions/${sub.id}/test`, { eventType: 'order.paid', payload: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ eventType: 'order.paid', statusCode: 500, responseBody: 'receiver is broken', error: null });
    expect(JSON.parse(failing.requests.at(-1)!.body)).toMatchObject({ type: 'order.paid', data: null });
    await expectNoTrace(sub.id);
  });

  it('without a payload and without a catalog example: 422 naming payload, and nothing sent', async () => {
    const sub = await subscribe(ok.url);
    const before = ok.requests.length;
    const answer = await stack.api('POST', `/v1/subscriptions/${sub.id}/test`);
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body.errors).toEqual([{ path: 'payload', message: 'the event catalog has no example for order.created; give a payload' }]);
    expect(ok.requests.length).toBe(before);
  });

  it('422 naming eventType when the subscription has only patterns and none is given; a given one is used', async () => {
    const created = await stack.api('POST', '/v1/subscriptions', { url: ok.url, eventTypes: ['*'] });
    const missing = await stack.api('POST', `/v1/subscriptions/${created.body.id}/test`, { payload: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(['eventType']);
    const given = await stack.api('POST', `/v1/subscriptions/${created.body.id}/test`, { eventType: 'invoice.paid', payload: {} });
    expect(given.body).toMatchObject({ eventType: 'invoice.paid', statusCode: 200 });
  });

  it('refuses bad input with 422 naming the field, and an unknown subscription with 404', async () => {
    const sub = await subscribe(ok.url);
    const before = ok.requests.length;
    const bad = await stack.api('POST', `/v1/subscriptions/${sub.id}/test`, { eventType: 'not a type', payload: {} });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['eventType']);
    const unknown = await stack.api('POST', `/v1/subscriptions/${sub.id}/test`, { payload: {}, extra: 1 });
    expect(unknown.status).toBe(422);
    expect(ok.requests.length).toBe(before);
    expect((await stack.api('POST', '/v1/subscriptions/sub_missing/test', { payload: {} })).status).toBe(404);
  });

  it('a target the SSRF guard refuses gives an attempt with the error, not a 500, and sends nothing', async () => {
    const before = ok.requests.length;
    // An IP literal (refused by the URL check) and a name resolving to loopback (refused at connect).
    for (const url of [ok.url, ok.url.replace('127.0.0.1', 'receiver.hookflow.test')]) {
      const sub = await subscribe(url);
      const answer = await testSendThrough(guardedApp, sub.id, { payload: { n: 1 } });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        statusCode: null,
        responseBody: null,
        error: expect.stringMatching(/^refused by the SSRF guard: .*loopback/),
      });
      await expectNoTrace(sub.id);
    }
    expect(ok.requests.length).toBe(before);
  });

  it('without a payload sends the catalog example for the event type', async () => {
    const sub = await subscribe(ok.url);
    const answer = await testSendThrough(catalogApp, sub.id);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ eventType: 'order.created', statusCode: 200, error: null });
    const request = ok.requests.find((r) => r.headers['webhook-id'] === answer.body.webhookId)!;
    expect(JSON.parse(request.body)).toMatchObject({ type: 'order.created', data: { orderId: 'ord_example', total: '9.99' } });
    // An event type the catalog has no example for still needs a payload.
    const none = await testSendThrough(catalogApp, sub.id, { eventType: 'order.paid' });
    expect(none.status).toBe(422);
    expect(none.body.errors.map((e: { path: string }) => e.path)).toEqual(['payload']);
  });

  it("uses the subscription's timeout, as deliveries do", async () => {
    const sub = await subscribe(slow.url, { timeoutMs: 200 });
    const answer = await stack.api('POST', `/v1/subscriptions/${sub.id}/test`, { payload: {} });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: null, error: 'timeout after 0.2 s' });
    expect(answer.body.durationMs).toBeGreaterThanOrEqual(190);
    expect(answer.body.durationMs).toBeLessThan(1_000);
  });
});

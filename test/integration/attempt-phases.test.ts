// The delivery attempt's phases one by one, each with its real dependencies
// injected: the delivery's rows in a real PostgreSQL, the breaker's state in
// that database, and a real receiver on loopback behind the SSRF-guarded agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAfterAttempt } from '../../activities/attempt/decide.js';
import { loadAttempt, type LoadedAttempt } from '../../activities/attempt/load.js';
import { recordSentAttempt } from '../../activities/attempt/record.js';
import { sendAttempt } from '../../activities/attempt/send.js';
import { loadDeliveryTarget } from '../../src/db/deliveries.js';
import { findEndpointHealth, postgresBreakerStore } from '../../src/db/endpoint-health.js';
import { createBreaker, type BreakerPass } from '../../src/delivery/breaker.js';
import { createAddressPolicy } from '../../src/delivery/url-guard.js';
import { createGuardedAgent } from '../../src/net/guarded-connect.js';
import { signingSecrets } from '../../src/services/secrets.js';
import { alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  [stack, receiver] = await Promise.all([startTestStack({ retryScheduleSeconds: [0.1] }), startReceiver(alwaysOk)]);
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

// The API's test-send agent: the same SSRF-guarded agent as the worker's, loopback allowed.
const deps = () => ({ ...stack.workerOptions.activities, http: stack.apiDeps.webhookHttp, pausedRecheckMs: 300, userAgent: 'hookflow-test' });

async function subscribe(status: 'active' | 'paused' = 'active', url = receiver.url) {
  const type = `${uniqueName('phases')}.event`;
  const { body: subscription } = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: [type] });
  if (status === 'paused') await stack.api('PATCH', `/v1/subscriptions/${subscription.id}`, { status: 'paused' });
  return { type, subscriptionId: subscription.id as string };
}

/** Publishes one event to the subscription and returns its delivery's id. */
async function publish(type: string): Promise<string> {
  const { body: event } = await stack.api('POST', '/v1/events', { type, payload: { n: 1 } });
  return waitFor('the delivery row', async () => (await stack.api('GET', `/v1/events/${event.id}`)).body.deliveries?.[0]?.id as string | undefined);
}

/** A held delivery's rows, loaded past the pause: what the send phase gets once it is resumed. */
async function heldAttempt(url = receiver.url): Promise<LoadedAttempt> {
  const { type } = await subscribe('paused', url);
  const target = (await loadDeliveryTarget(stack.pool, await publish(type)))!;
  return { target, signingKeys: signingSecrets(stack.apiDeps.secretBox, target, new Date()) };
}

describe('load', () => {
  it('answers DeliveryNotFound for a delivery that does not exist', async () => {
    expect(await loadAttempt(deps(), 'dlv_doesnotexist')).toEqual({
      outcome: { kind: 'give-up', failureType: 'DeliveryNotFound', message: 'delivery dlv_doesnotexist does not exist' },
    });
  });

  it("holds a paused subscription's delivery without an attempt, rechecking after the configured wait", async () => {
    const { type, subscriptionId } = await subscribe('paused');
    const deliveryId = await publish(type);
    expect(await loadAttempt(deps(), deliveryId)).toEqual({
      outcome: { kind: 'retry', failureType: 'SubscriptionPaused', message: `subscription ${subscriptionId} is paused; delivery held`, delayMs: 300 },
    });
  });

  it('does not send again a delivery already recorded as delivered', async () => {
    const { type } = await subscribe();
    const deliveryId = await publish(type);
    await waitFor('the delivery to succeed', async () =>
      (await stack.api('GET', `/v1/deliveries/${deliveryId}`)).body.status === 'succeeded' ? true : undefined,
    );
    expect(await loadAttempt(deps(), deliveryId)).toEqual({ outcome: { kind: 'succeeded', statusCode: 200, attemptNumber: 1 } });
  });

  it("loads an active subscription's delivery with its signing keys opened (a dead letter, as a redelivery finds it)", async () => {
    const { type, subscriptionId } = await subscribe('active', 'http://127.0.0.1:9/nobody-listens');
    const deliveryId = await publish(type);
    await waitFor('the delivery to be dead-lettered', async () =>
      (await stack.api('GET', `/v1/deliveries/${deliveryId}`)).body.status === 'dead' ? true : undefined,
    );
    const loaded = await loadAttempt(deps(), deliveryId);
    expect(loaded).toMatchObject({ target: { deliveryId, subscriptionId, subscriptionStatus: 'active', url: 'http://127.0.0.1:9/nobody-listens' } });
    expect('signingKeys' in loaded && loaded.signingKeys).toEqual([expect.stringMatching(/^whsec_/)]);
  });
});

describe('send, through the SSRF-guarded agent', () => {
  it('refuses an IP literal the policy forbids, before any connection', async () => {
    const strict = createGuardedAgent(createAddressPolicy({ allowedCidrs: '' }));
    const before = receiver.requests.length;
    const sent = await sendAttempt({ ...deps(), http: strict }, await heldAttempt(), 2_000);
    expect(sent).toMatchObject({ forbidden: true, succeeded: false, result: undefined });
    expect(sent.networkError).toMatch(/^refused by the SSRF guard: 127\.0\.0\.1 is a loopback address/);
    expect(receiver.requests.length).toBe(before);
    await strict.close();
  });

  it('POSTs the signed event where the policy allows it, and the record phase counts the attempt', async () => {
    const loaded = await heldAttempt();
    const sent = await sendAttempt(deps(), loaded, 2_000);
    expect(sent).toMatchObject({ forbidden: false, succeeded: true, result: { statusCode: 200 } });
    const request = receiver.requests.at(-1)!;
    expect(request.headers['webhook-id']).toBe(loaded.target.eventId);
    expect(request.headers['webhook-signature']).toMatch(/^v1,/);
    expect(Buffer.byteLength(request.body)).toBe(sent.bodyBytes);

    expect(await recordSentAttempt(deps(), loaded.target, sent)).toEqual({ number: 1, attemptInRound: 1 });
    const shown = (await stack.api('GET', `/v1/deliveries/${loaded.target.deliveryId}`)).body;
    expect(shown).toMatchObject({ status: 'succeeded', attempts: [{ statusCode: 200 }] });
  });
});

describe('admit: the breaker, its state in PostgreSQL', () => {
  const settings = { failureThreshold: 2, baseCooldownMs: 60_000, maxCooldownMs: 60_000 };

  it('lets a closed endpoint through, opens after the threshold, then makes the next attempt wait without a call', async () => {
    const { subscriptionId } = await subscribe();
    const breaker = createBreaker(postgresBreakerStore(stack.pool), settings);
    const target = { subscriptionId, timeoutMs: 1_000, rateLimitPerSecond: null };
    const pass = (await breaker.pass(target)) as BreakerPass;
    expect(pass.passedAs).toBe('closed');
    expect((await breaker.failed(pass)).state).toBe('closed');
    const opened = await breaker.failed(pass);
    expect(opened).toMatchObject({ state: 'open', consecutiveFailures: 2, trips: 1 });

    const held = await breaker.pass(target);
    expect(held).toEqual({
      wait: { kind: 'retry', failureType: 'CircuitOpen', message: expect.stringMatching(/^circuit open until /), delayMs: expect.any(Number) },
    });
    expect(('wait' in held && held.wait.kind === 'retry' && held.wait.delayMs) || 0).toBeGreaterThan(50_000);
    const health = await findEndpointHealth(stack.pool, subscriptionId);
    expect(health.transitions.map((t) => [t.from, t.to])).toEqual([['closed', 'open']]);
  });

  it('spaces attempts by the rate limit, sleeping a short wait inside the attempt', async () => {
    const { subscriptionId } = await subscribe();
    const breaker = createBreaker(postgresBreakerStore(stack.pool), settings);
    const target = { subscriptionId, timeoutMs: 1_000, rateLimitPerSecond: 2 };
    await breaker.pass(target);
    const started = Date.now();
    expect(await breaker.pass(target)).toMatchObject({ passedAs: 'closed' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});

describe('decide', () => {
  it('a 410 gives up, disables the subscription and announces it; a success closes the breaker', async () => {
    const loaded = await heldAttempt();
    const { subscriptionId } = loaded.target;
    await stack.api('PATCH', `/v1/subscriptions/${subscriptionId}`, { status: 'active' });
    const breaker = createBreaker(postgresBreakerStore(stack.pool), { failureThreshold: 5, baseCooldownMs: 1_000, maxCooldownMs: 1_000 });
    const pass = (await breaker.pass({ subscriptionId, timeoutMs: 1_000, rateLimitPerSecond: null })) as BreakerPass;
    receiver.setBehaviour(() => ({ status: 410 }));
    try {
      const sent = await sendAttempt(deps(), loaded, 2_000);
      const numbers = await recordSentAttempt(deps(), loaded.target, sent);
      const outcome = await decideAfterAttempt({ ...deps(), breaker }, loaded.target, pass, sent, numbers);
      expect(outcome).toEqual({
        kind: 'give-up',
        failureType: 'PermanentFailure',
        message: expect.stringMatching(/^HTTP 410 from http:\/\/127\.0\.0\.1:\d+\/webhook; subscription disabled$/),
      });
    } finally {
      receiver.setBehaviour(alwaysOk);
    }
    const subscription = (await stack.api('GET', `/v1/subscriptions/${subscriptionId}`)).body;
    expect(subscription).toMatchObject({ status: 'disabled', disabledReason: 'the receiver answered 410 Gone' });
    expect((await findEndpointHealth(stack.pool, subscriptionId)).consecutiveFailures).toBe(1);
    const announced = await waitFor('subscription.disabled to be published', async () => {
      const { rows } = await stack.pool.query("SELECT payload FROM events WHERE type = 'subscription.disabled' AND payload->>'subscriptionId' = $1", [
        subscriptionId,
      ]);
      return rows[0]?.payload;
    });
    expect(announced).toMatchObject({ subscriptionId, reason: 'the receiver answered 410 Gone' });

    // The next attempt passes the breaker afresh: a pass is one attempt's, and its peek saw no failure yet.
    const next = (await breaker.pass({ subscriptionId, timeoutMs: 1_000, rateLimitPerSecond: null })) as BreakerPass;
    const sent = await sendAttempt(deps(), loaded, 2_000);
    await decideAfterAttempt({ ...deps(), breaker }, loaded.target, next, sent, { number: 2, attemptInRound: 2 });
    expect((await findEndpointHealth(stack.pool, subscriptionId)).consecutiveFailures).toBe(0);
  });
});

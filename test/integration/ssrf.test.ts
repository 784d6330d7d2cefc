// The SSRF guard against a matrix of forbidden targets: refused when a
// subscription names them, and refused again at delivery time, when a name
// resolves to them (DNS rebinding included). Redirects are never followed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSubscription } from '../../src/db/subscriptions.js';
import { newId } from '../../src/ids.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

// A hosts table for names the tests control (DNS itself is not under a test's control).
const hosts: Record<string, string[]> = {
  'private.hookflow.test': ['10.0.0.5'],
  'metadata.hookflow.test': ['169.254.169.254'],
  'cgnat.hookflow.test': ['100.64.0.1'],
  'mapped.hookflow.test': ['::ffff:127.0.0.1'],
  'loopback6.hookflow.test': ['::1'],
  'ula.hookflow.test': ['fd00:ec2::254'],
  'mixed.hookflow.test': ['93.184.216.34', '192.168.1.1'],
  'public.hookflow.test': ['93.184.216.34'],
};

let guarded: TestStack; // nothing re-opened
let loopbackAllowed: TestStack; // 127.0.0.0/8 re-opened, nothing else
let receiver: Receiver;
let other: Receiver;

beforeAll(async () => {
  [guarded, loopbackAllowed, receiver, other] = await Promise.all([
    startTestStack({ retryScheduleSeconds: [0.1], allowedCidrs: '', hosts }),
    startTestStack({ retryScheduleSeconds: [0.1], allowedCidrs: '127.0.0.0/8', hosts }),
    startReceiver(),
    startReceiver(),
  ]);
});

afterAll(async () => {
  await Promise.all([receiver?.close(), other?.close()]);
  await Promise.all([guarded?.close(), loopbackAllowed?.close()]);
});

const forbiddenUrls = [
  'http://127.0.0.1/',
  'http://127.1/',
  'http://0x7f.0.0.1/',
  'http://0177.0.0.1/',
  'http://2130706433/',
  'http://0.0.0.0/',
  'http://10.1.2.3/',
  'http://172.16.0.1/',
  'http://192.168.0.1/',
  'http://100.64.0.1/',
  'http://169.254.169.254/latest/meta-data/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  'http://[::1]/',
  'http://[::]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://[fe80::1]/',
  'http://[fd00:ec2::254]/',
  'http://[ff02::1]/',
  'http://localhost/',
  'http://private.hookflow.test/',
  'http://metadata.hookflow.test/',
  'http://cgnat.hookflow.test/',
  'http://mapped.hookflow.test/',
  'http://loopback6.hookflow.test/',
  'http://ula.hookflow.test/',
  'http://mixed.hookflow.test/',
];

describe('SSRF guard', () => {
  it.each(forbiddenUrls)('refuses a subscription to %s, naming the url field', async (url) => {
    const answer = await guarded.api('POST', '/v1/subscriptions', { url, eventTypes: ['a.b'] });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([{ path: 'url', message: expect.stringMatching(/address|resolves to/) }]);
  });

  it('refuses the same on update', async () => {
    const { body: sub } = await guarded.api('POST', '/v1/subscriptions', { url: 'https://public.hookflow.test/hook', eventTypes: ['a.b'] });
    const answer = await guarded.api('PATCH', `/v1/subscriptions/${sub.id}`, { url: 'http://metadata.hookflow.test/' });
    expect(answer.status).toBe(422);
    expect((await guarded.api('GET', `/v1/subscriptions/${sub.id}`)).body.url).toBe('https://public.hookflow.test/hook');
  });

  it('refuses at delivery time a name that resolved to a public address when subscribed (DNS rebinding)', async () => {
    const port = new URL(receiver.url).port;
    hosts['rebind.hookflow.test'] = ['93.184.216.34'];
    const type = `${uniqueName('rebind')}.event`;
    const created = await guarded.api('POST', '/v1/subscriptions', { url: `http://rebind.hookflow.test:${port}/webhook`, eventTypes: [type] });
    expect(created.status).toBe(201);
    hosts['rebind.hookflow.test'] = ['127.0.0.1']; // the name now points inside

    const delivery = await deliverOnce(guarded, type);
    expect(delivery.status).toBe('dead');
    expect(delivery.lastError).toMatch(/refused by the SSRF guard: rebind\.hookflow\.test resolves to 127\.0\.0\.1 is a loopback address/);
    expect(delivery.attempts).toHaveLength(1);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses at delivery time a forbidden IP literal that got into the database', async () => {
    const type = `${uniqueName('literal')}.event`;
    // Written past the API (as an older version or an operator might have): delivery must still refuse.
    const id = newId('sub');
    await insertSubscription(
      guarded.pool,
      id,
      { sealed: guarded.apiDeps.secretBox.seal('whsec_AAAA', id), scheme: 'v1', publicKey: null },
      { url: receiver.url, eventTypes: [type], tenantId: 'default' },
    );
    const delivery = await deliverOnce(guarded, type);
    expect(delivery.status).toBe('dead');
    expect(delivery.lastError).toMatch(/refused by the SSRF guard: 127\.0\.0\.1 is a loopback address/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('re-opens exactly the ranges the allowlist names', async () => {
    const type = `${uniqueName('allowed')}.event`;
    const ok = await loopbackAllowed.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], tenantId: 'default' });
    expect(ok.status).toBe(201);
    for (const url of [
      'http://[::1]/',
      'http://10.1.2.3/',
      'http://169.254.169.254/',
      'http://loopback6.hookflow.test/',
      'http://private.hookflow.test/',
    ]) {
      expect((await loopbackAllowed.api('POST', '/v1/subscriptions', { url, eventTypes: [type] })).status).toBe(422);
    }
    const delivery = await deliverOnce(loopbackAllowed, type);
    expect(delivery.status).toBe('succeeded');
    expect(receiver.requests).toHaveLength(1);
  });

  it('never follows a redirect', async () => {
    const type = `${uniqueName('redirect')}.event`;
    const redirecting = await startReceiver(() => ({ status: 302, headers: { location: other.url } }));
    try {
      await loopbackAllowed.api('POST', '/v1/subscriptions', { url: redirecting.url, eventTypes: [type] });
      const delivery = await deliverOnce(loopbackAllowed, type);
      expect(delivery.status).toBe('dead');
      expect(delivery.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([302, 302]);
      expect(redirecting.requests).toHaveLength(2);
      expect(other.requests).toHaveLength(0);
    } finally {
      await redirecting.close();
    }
  });
});

/** Publishes one event of `type` and waits for its single delivery to settle. */
async function deliverOnce(stack: TestStack, type: string) {
  const { body: event } = await stack.api('POST', '/v1/events', { type, payload: { probe: true } });
  return waitFor('the delivery to settle', async () => {
    const { body } = await stack.api('GET', `/v1/events/${event.id}`);
    const summary = body?.deliveries?.[0];
    if (!summary || summary.status === 'pending') return undefined;
    return (await stack.api('GET', `/v1/deliveries/${summary.id}`)).body;
  });
}

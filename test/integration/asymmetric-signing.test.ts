// Standard Webhooks v1a (ed25519): hookflow signs with a private key sealed
// like HMAC secrets and serves only the public key. What real loopback
// receivers got is verified with TweetNaCl (an independent ed25519) against
// the public key the API serves, through a rotation's overlap and a switch
// from v1; the private keys never show in API answers, logs or histories.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { historiesAsText } from '../support/histories.js';
import { useSignedTraffic } from '../support/signed-traffic.js';
import { uniqueName } from '../support/stack.js';
import { signatureVersions, v1aVerifies } from '../support/v1a-verifier.js';

const traffic = useSignedTraffic();
const { recorded, publishAndReceive, logLines, apiAnswers } = traffic;

const servedPublicKey = async (id: string): Promise<string> => (await recorded('GET', `/v1/subscriptions/${id}/secret`)).body.publicKey;

describe('v1a (ed25519) signatures', () => {
  it('a v1a subscription shows its public key, never a secret, and its deliveries verify with it', async () => {
    const type = `${uniqueName('v1a')}.event`;
    const created = await recorded('POST', '/v1/subscriptions', { url: traffic.receiver.url, eventTypes: [type], signatureScheme: 'v1a' });
    expect(created.status).toBe(201);
    expect(created.body.signatureScheme).toBe('v1a');
    expect(created.body.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(created.body).not.toHaveProperty('secret');
    expect(await servedPublicKey(created.body.id)).toBe(created.body.publicKey);
    expect((await recorded('GET', `/v1/subscriptions/${created.body.id}/secret`)).body).toEqual({ publicKey: created.body.publicKey });
    expect((await recorded('GET', `/v1/subscriptions/${created.body.id}`)).body).toMatchObject({
      signatureScheme: 'v1a',
      publicKey: created.body.publicKey,
    });

    const request = await publishAndReceive(type, 1);
    expect(signatureVersions(request.headers)).toEqual(['v1a']);
    expect(v1aVerifies(created.body.publicKey, request)).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({ type, data: { n: 1 } });
    // The check can fail: another body, or another key, does not verify.
    expect(v1aVerifies(created.body.publicKey, { ...request, body: request.body.replace('"n":1', '"n":2') })).toBe(false);
    const { body: other } = await recorded('POST', '/v1/subscriptions', {
      url: traffic.receiver.url,
      eventTypes: ['unused.v1a'],
      signatureScheme: 'v1a',
    });
    expect(v1aVerifies(other.publicKey, request)).toBe(false);
  });

  it('rotates with an overlap: both public keys verify during it, only the new one after', async () => {
    const type = `${uniqueName('v1a_rot')}.event`;
    const { body: created } = await recorded('POST', '/v1/subscriptions', { url: traffic.receiver.url, eventTypes: [type], signatureScheme: 'v1a' });
    const oldKey: string = created.publicKey;

    const rotated = await recorded('POST', `/v1/subscriptions/${created.id}/secret/rotate`, { overlapSeconds: 2 });
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual(['previousSecretExpiresAt', 'publicKey']);
    const newKey: string = rotated.body.publicKey;
    expect(newKey).toMatch(/^whpk_/);
    expect(newKey).not.toBe(oldKey);
    expect(await servedPublicKey(created.id)).toBe(newKey);
    expect((await recorded('GET', `/v1/subscriptions/${created.id}`)).body.publicKey).toBe(newKey);

    const during = await publishAndReceive(type, 1);
    expect(signatureVersions(during.headers)).toEqual(['v1a', 'v1a']);
    expect(v1aVerifies(newKey, during)).toBe(true);
    expect(v1aVerifies(oldKey, during)).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const after = await publishAndReceive(type, 2);
    expect(signatureVersions(after.headers)).toEqual(['v1a']);
    expect(v1aVerifies(newKey, after)).toBe(true);
    expect(v1aVerifies(oldKey, after)).toBe(false);
  });

  it('switches a v1 subscription to v1a by rotation: the old secret keeps verifying during the overlap', async () => {
    const type = `${uniqueName('switch')}.event`;
    const { body: created } = await recorded('POST', '/v1/subscriptions', { url: traffic.receiver.url, eventTypes: [type] });
    expect(created.signatureScheme).toBe('v1');
    expect(created.publicKey).toBeNull();
    const oldSecret: string = created.secret;

    const { body: rotated } = await recorded('POST', `/v1/subscriptions/${created.id}/secret/rotate`, { overlapSeconds: 60, signatureScheme: 'v1a' });
    expect(rotated).not.toHaveProperty('secret');
    expect((await recorded('GET', `/v1/subscriptions/${created.id}`)).body).toMatchObject({ signatureScheme: 'v1a', publicKey: rotated.publicKey });

    const request = await publishAndReceive(type, 1);
    expect(signatureVersions(request.headers)).toEqual(['v1a', 'v1']);
    expect(v1aVerifies(rotated.publicKey, request)).toBe(true);
    expect(new Webhook(oldSecret).verify(request.body, request.headers as Record<string, string>)).toMatchObject({ type });

    // And back: a v1a subscription rotated to v1 gets a shared secret again.
    const { body: back } = await recorded('POST', `/v1/subscriptions/${created.id}/secret/rotate`, { overlapSeconds: 0, signatureScheme: 'v1' });
    expect(back.secret).toMatch(/^whsec_/);
    expect((await recorded('GET', `/v1/subscriptions/${created.id}`)).body).toMatchObject({ signatureScheme: 'v1', publicKey: null });
  });

  it('test sends to a v1a subscription are signed with its key too', async () => {
    const { body: created } = await recorded('POST', '/v1/subscriptions', {
      url: traffic.receiver.url,
      eventTypes: ['test.v1a'],
      signatureScheme: 'v1a',
    });
    const sent = await recorded('POST', `/v1/subscriptions/${created.id}/test`, { payload: { hello: 'v1a' } });
    expect(sent.body.statusCode).toBe(200);
    const request = traffic.receiver.requests.find((r) => r.headers['webhook-id'] === sent.body.webhookId)!;
    expect(v1aVerifies(created.publicKey, request)).toBe(true);
  });

  it('keeps the private keys out of API answers, logs and Temporal histories', async () => {
    // Every v1a key this file made, current and rotated-out, opened from Postgres.
    const { rows } = await traffic.stack.pool.query<{ id: string; sealed_secret: string; previous_sealed_secret: string | null }>(
      'SELECT id, sealed_secret, previous_sealed_secret FROM subscriptions',
    );
    const privateKeys = rows
      .flatMap((row) =>
        [row.sealed_secret, row.previous_sealed_secret].flatMap((sealed) => (sealed ? [traffic.stack.apiDeps.secretBox.open(sealed, row.id)] : [])),
      )
      .filter((key) => key.startsWith('whsk_'));
    expect(privateKeys.length).toBeGreaterThanOrEqual(6);
    // The key as stored, its base64 alone, and its 32-byte seed in the encodings a leak would take.
    const needles = privateKeys.flatMap((key) => {
      const seed = Buffer.from(key.slice('whsk_'.length), 'base64').subarray(0, 32);
      return [key, key.slice('whsk_'.length), seed.toString('base64'), seed.toString('base64url'), seed.toString('hex')];
    });

    const histories = await historiesAsText(traffic.stack);
    // The four events published above, each holding its first attempt (the default mode).
    expect(histories.length).toBeGreaterThanOrEqual(4);
    const haystacks = { logs: logLines.join('\n'), api: apiAnswers.join('\n'), temporal: histories.join('\n') };
    // The haystacks are real: they hold what a leak would sit next to.
    expect(haystacks.logs).toContain('delivery attempt');
    expect(haystacks.logs).toContain('test send');
    expect(haystacks.api).toContain('whpk_');
    expect(haystacks.temporal).toContain('firstAttempts');
    for (const [where, text] of Object.entries(haystacks)) {
      for (const needle of needles) expect({ where, leaked: text.includes(needle) }).toEqual({ where, leaked: false });
    }
  });
});

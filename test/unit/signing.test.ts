import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { SECRET_PREFIX, generateSecret, secretKey, sign, webhookHeaders } from '../../src/delivery/signing.js';

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('generateSecret', () => {
  it('is whsec_ followed by standard base64 of 32 bytes', () => {
    const secret = generateSecret();
    expect(SECRET_PREFIX).toBe('whsec_');
    expect(secret.startsWith('whsec_')).toBe(true);
    const encoded = secret.slice('whsec_'.length);
    expect(encoded).toMatch(BASE64_32_BYTES);
    expect(Buffer.from(encoded, 'base64')).toHaveLength(32);
    expect(Buffer.from(encoded, 'base64').toString('base64')).toBe(encoded);
  });

  it('has a total length of 6 + 44 characters', () => {
    expect(generateSecret()).toHaveLength(50);
  });

  it('is unique across many calls', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateSecret()));
    expect(secrets.size).toBe(1000);
  });

  it('is accepted by the standardwebhooks reference library', () => {
    expect(() => new Webhook(generateSecret())).not.toThrow();
  });
});

describe('secretKey', () => {
  const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  const encoded = bytes.toString('base64');

  it('decodes the base64 part of a whsec_ secret', () => {
    expect(secretKey(`whsec_${encoded}`).equals(bytes)).toBe(true);
  });

  it('decodes a bare base64 secret without the prefix to the same key', () => {
    expect(secretKey(encoded).equals(bytes)).toBe(true);
    expect(secretKey(encoded).equals(secretKey(`whsec_${encoded}`))).toBe(true);
  });

  it('strips the prefix only once and only at the start', () => {
    const key = secretKey('whsec_whsec_');
    // "whsec_" is not valid base64 as a whole but Node decodes what it can; it must differ from an empty key.
    expect(key.equals(Buffer.from('whsec_', 'base64'))).toBe(true);
    expect(secretKey(`x${'whsec_'}${encoded}`).equals(bytes)).toBe(false);
  });

  it('returns a Buffer of the decoded length for a generated secret', () => {
    const key = secretKey(generateSecret());
    expect(Buffer.isBuffer(key)).toBe(true);
    expect(key).toHaveLength(32);
  });
});

describe('sign', () => {
  // A fixed vector: key bytes 0x00..0x1f.
  const secret = `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64')}`;
  const content = { webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1_614_265_330, body: '{"test": 2432232314}' };

  it('matches a hand-computed HMAC-SHA256 over `${id}.${timestamp}.${body}`', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const expected = createHmac('sha256', key)
      .update('msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}')
      .digest('base64');
    expect(sign([secret], content)).toBe(`v1,${expected}`);
  });

  it('matches the Standard Webhooks specification test vector', () => {
    // From the standard-webhooks spec / reference libraries.
    const specSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(
      sign([specSecret], { webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1_614_265_330, body: '{"test": 2432232314}' }),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('agrees with the reference library sign() for the same inputs', () => {
    const wh = new Webhook(secret);
    expect(sign([secret], content)).toBe(wh.sign(content.webhookId, new Date(content.timestamp * 1000), content.body));
  });

  it('is deterministic', () => {
    expect(sign([secret], content)).toBe(sign([secret], content));
  });

  it('changes when any of id, timestamp or body changes', () => {
    const base = sign([secret], content);
    expect(sign([secret], { ...content, webhookId: 'msg_other' })).not.toBe(base);
    expect(sign([secret], { ...content, timestamp: content.timestamp + 1 })).not.toBe(base);
    expect(sign([secret], { ...content, body: `${content.body} ` })).not.toBe(base);
  });

  it('gives one v1 signature per secret, space-separated, in order', () => {
    const other = generateSecret();
    const both = sign([secret, other], content);
    const parts = both.split(' ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(sign([secret], content));
    expect(parts[1]).toBe(sign([other], content));
    for (const part of parts) expect(part).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('gives an empty string for no secrets', () => {
    expect(sign([], content)).toBe('');
  });

  it('treats a secret with and without the whsec_ prefix the same', () => {
    expect(sign([secret.slice('whsec_'.length)], content)).toBe(sign([secret], content));
  });
});

describe('webhookHeaders', () => {
  it('returns exactly webhook-id, webhook-timestamp (string) and webhook-signature', () => {
    const secret = generateSecret();
    const content = { webhookId: 'evt_1', timestamp: 1_700_000_000, body: '{}' };
    expect(webhookHeaders([secret], content)).toEqual({
      'webhook-id': 'evt_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': sign([secret], content),
    });
  });
});

describe('interoperability with the standardwebhooks reference library', () => {
  const largeData = Array.from({ length: 5_000 }, (_, i) => ({ i, name: `item-${i}`, tags: ['a', 'b', 'c'] }));
  const payloads: Array<[string, unknown]> = [
    ['an empty object', {}],
    ['a simple event', { type: 'order.created', timestamp: '2025-06-01T12:00:00.000Z', data: { id: 42 } }],
    ['unicode', { text: 'héllo wörld — 日本語 🎉 \u2028 "quoted" \\ backslash', emoji: '👩‍👩‍👧‍👦' }],
    ['a large payload', { data: largeData }],
    ['an array', [1, 'two', null, true, { three: 3 }]],
  ];

  it('the large payload really is large', () => {
    expect(JSON.stringify({ data: largeData }).length).toBeGreaterThan(100_000);
  });

  it.each(payloads)('verifies %s and returns the parsed JSON', (_name, payload) => {
    const secret = generateSecret();
    const body = JSON.stringify(payload);
    const headers = webhookHeaders([secret], { webhookId: 'msg_abc123', timestamp: nowSeconds(), body });
    expect(new Webhook(secret).verify(body, headers)).toEqual(payload);
  });

  it.each(payloads)('rejects a tampered body for %s', (_name, payload) => {
    const secret = generateSecret();
    const body = JSON.stringify(payload);
    const headers = webhookHeaders([secret], { webhookId: 'msg_abc123', timestamp: nowSeconds(), body });
    const tampered = JSON.stringify({ tampered: true, original: payload });
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it('rejects a signature made with a different secret', () => {
    const body = JSON.stringify({ hello: 'world' });
    const headers = webhookHeaders([generateSecret()], { webhookId: 'msg_1', timestamp: nowSeconds(), body });
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('rejects a different webhook id', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ hello: 'world' });
    const headers = webhookHeaders([secret], { webhookId: 'msg_1', timestamp: nowSeconds(), body });
    expect(new Webhook(secret).verify(body, headers)).toEqual({ hello: 'world' });
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow();
  });

  it('rejects a different timestamp', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ hello: 'world' });
    const ts = nowSeconds();
    const headers = webhookHeaders([secret], { webhookId: 'msg_1', timestamp: ts, body });
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-timestamp': String(ts - 1) })).toThrow();
  });

  it('two secrets: two space-separated v1 signatures, verifiable with EITHER secret', () => {
    const first = generateSecret();
    const second = generateSecret();
    const body = JSON.stringify({ rotating: 'keys' });
    const headers = webhookHeaders([first, second], { webhookId: 'msg_rot', timestamp: nowSeconds(), body });
    const signatures = headers['webhook-signature']!.split(' ');
    expect(signatures).toHaveLength(2);
    for (const signature of signatures) expect(signature.startsWith('v1,')).toBe(true);
    expect(signatures[0]).not.toBe(signatures[1]);
    expect(new Webhook(first).verify(body, headers)).toEqual({ rotating: 'keys' });
    expect(new Webhook(second).verify(body, headers)).toEqual({ rotating: 'keys' });
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('verifies with a secret given without the whsec_ prefix on either side', () => {
    const secret = generateSecret();
    const bare = secret.slice('whsec_'.length);
    const body = '{"a":1}';
    const headers = webhookHeaders([bare], { webhookId: 'msg_bare', timestamp: nowSeconds(), body });
    expect(new Webhook(secret).verify(body, headers)).toEqual({ a: 1 });
    expect(new Webhook(bare).verify(body, webhookHeaders([secret], { webhookId: 'msg_bare', timestamp: nowSeconds(), body }))).toEqual({ a: 1 });
  });
});

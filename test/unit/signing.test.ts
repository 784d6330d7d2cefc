import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  PRIVATE_KEY_PREFIX,
  PUBLIC_KEY_PREFIX,
  SECRET_PREFIX,
  generatePrivateKey,
  generateSecret,
  generateSigningKey,
  publicKeyOf,
  schemeOf,
  secretKey,
  sign,
  webhookHeaders,
} from '../../src/delivery/signing.js';
import { v1aVerifies } from '../support/v1a-verifier.js';

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
    const expected = createHmac('sha256', key).update('msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}').digest('base64');
    expect(sign([secret], content)).toBe(`v1,${expected}`);
  });

  it('matches the Standard Webhooks specification test vector', () => {
    // From the standard-webhooks spec / reference libraries.
    const specSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(sign([specSecret], { webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1_614_265_330, body: '{"test": 2432232314}' })).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
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

// v1a: ed25519 (Standard Webhooks' asymmetric scheme), checked against
// TweetNaCl, an independent ed25519 implementation, and RFC 8032's vectors.
const RFC8032_TEST1 = {
  seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
};
const rfcPrivateKey = PRIVATE_KEY_PREFIX + Buffer.from(RFC8032_TEST1.seed + RFC8032_TEST1.publicKey, 'hex').toString('base64');
const rfcPublicKey = PUBLIC_KEY_PREFIX + Buffer.from(RFC8032_TEST1.publicKey, 'hex').toString('base64');

describe('v1a keys', () => {
  it('a private key is whsk_ + base64 of 64 bytes (seed then public key), and unique', () => {
    const key = generatePrivateKey();
    expect(key.startsWith('whsk_')).toBe(true);
    const bytes = Buffer.from(key.slice(5), 'base64');
    expect(bytes).toHaveLength(64);
    expect(bytes.toString('base64')).toBe(key.slice(5));
    expect(new Set(Array.from({ length: 200 }, () => generatePrivateKey())).size).toBe(200);
  });

  it('the public key is whpk_ + base64 of the raw 32-byte key, the one TweetNaCl derives from the same secret key', () => {
    const key = generatePrivateKey();
    const publicKey = publicKeyOf(key);
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const pair = nacl.sign.keyPair.fromSecretKey(Buffer.from(key.slice(5), 'base64'));
    expect(Buffer.from(pair.publicKey).toString('base64')).toBe(publicKey.slice(5));
  });

  it('derives RFC 8032 test 1 public key from its seed', () => {
    expect(publicKeyOf(rfcPrivateKey)).toBe(rfcPublicKey);
  });

  it('refuses a private key of the wrong length, or whose public half does not match its seed', () => {
    expect(() => publicKeyOf(`whsk_${Buffer.alloc(32).toString('base64')}`)).toThrow('not an ed25519 private key');
    const mismatched = PRIVATE_KEY_PREFIX + Buffer.concat([Buffer.from(RFC8032_TEST1.seed, 'hex'), Buffer.alloc(32)]).toString('base64');
    expect(() => publicKeyOf(mismatched)).toThrow('does not match');
  });

  it('generateSigningKey gives a whsec_ secret for v1 and a whsk_ private key for v1a; schemeOf reads the prefix back', () => {
    expect(generateSigningKey('v1')).toMatch(/^whsec_/);
    expect(generateSigningKey('v1a')).toMatch(/^whsk_/);
    expect(schemeOf(generateSigningKey('v1'))).toBe('v1');
    expect(schemeOf(generateSigningKey('v1a'))).toBe('v1a');
    expect(schemeOf('no-prefix')).toBe('v1');
  });
});

describe('v1a signatures', () => {
  const content = { webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1_614_265_330, body: '{"test": 2432232314}' };
  const signedContent = Buffer.from('msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}', 'utf8');

  it('is `v1a,` + base64 of a 64-byte ed25519 signature over `${id}.${timestamp}.${body}`', () => {
    const signature = sign([rfcPrivateKey], content);
    expect(signature).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(Buffer.from(signature.slice(4), 'base64')).toHaveLength(64);
  });

  it('is byte for byte what TweetNaCl signs with the same key (ed25519 is deterministic)', () => {
    const expected = nacl.sign.detached(signedContent, Buffer.from(rfcPrivateKey.slice(5), 'base64'));
    expect(sign([rfcPrivateKey], content)).toBe(`v1a,${Buffer.from(expected).toString('base64')}`);
  });

  it('verifies with TweetNaCl and the served public key; not with another key', () => {
    const key = generatePrivateKey();
    const headers = webhookHeaders([key], content);
    expect(v1aVerifies(publicKeyOf(key), { headers, body: content.body })).toBe(true);
    expect(v1aVerifies(publicKeyOf(generatePrivateKey()), { headers, body: content.body })).toBe(false);
  });

  it('fails verification when the id, timestamp or body changes', () => {
    const key = generatePrivateKey();
    const publicKey = publicKeyOf(key);
    const headers = webhookHeaders([key], content);
    expect(v1aVerifies(publicKey, { headers: { ...headers, 'webhook-id': 'msg_other' }, body: content.body })).toBe(false);
    expect(v1aVerifies(publicKey, { headers: { ...headers, 'webhook-timestamp': String(content.timestamp + 1) }, body: content.body })).toBe(false);
    expect(v1aVerifies(publicKey, { headers, body: `${content.body} ` })).toBe(false);
  });

  it('two keys during a rotation: two space-separated v1a entries, each verifying with its own public key', () => {
    const current = generatePrivateKey();
    const previous = generatePrivateKey();
    const headers = webhookHeaders([current, previous], content);
    const entries = headers['webhook-signature']!.split(' ');
    expect(entries).toHaveLength(2);
    expect(entries.every((entry) => entry.startsWith('v1a,'))).toBe(true);
    expect(entries[0]).toBe(sign([current], content));
    expect(entries[1]).toBe(sign([previous], content));
    expect(v1aVerifies(publicKeyOf(current), { headers, body: content.body })).toBe(true);
    expect(v1aVerifies(publicKeyOf(previous), { headers, body: content.body })).toBe(true);
  });

  it('mixes schemes when switching: a v1a entry for the new key and a v1 entry the reference library still verifies', () => {
    const key = generatePrivateKey();
    const oldSecret = generateSecret();
    const body = JSON.stringify({ switching: 'schemes' });
    const headers = webhookHeaders([key, oldSecret], { webhookId: 'msg_switch', timestamp: nowSeconds(), body });
    const [first, second] = headers['webhook-signature']!.split(' ');
    expect(first!.startsWith('v1a,')).toBe(true);
    expect(second!.startsWith('v1,')).toBe(true);
    expect(v1aVerifies(publicKeyOf(key), { headers, body })).toBe(true);
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual({ switching: 'schemes' });
  });

  it('gives no v1 entry the reference (HMAC) library could be fooled by', () => {
    const key = generatePrivateKey();
    const body = '{"a":1}';
    const headers = webhookHeaders([key], { webhookId: 'msg_only_v1a', timestamp: nowSeconds(), body });
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });
});

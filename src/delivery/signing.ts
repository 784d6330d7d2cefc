// Standard Webhooks signing (https://www.standardwebhooks.com), pure apart from
// randomness for new keys. The signed content is `${id}.${timestamp}.${body}`
// under either scheme:
// - v1: HMAC-SHA256 keyed with the base64 part of a `whsec_` secret, shared
//   with the receiver;
// - v1a: ed25519 with a `whsk_` private key that never leaves hookflow; the
//   receiver verifies with the `whpk_` public key.
// A key's prefix says its scheme, so one list of keys (the current one, and the
// previous one during a rotation's overlap) may mix both.
import { createHmac, createPrivateKey, generateKeyPairSync, randomBytes, sign as signWithKey, type KeyObject } from 'node:crypto';
import type { SignatureScheme } from '../schemas/subscription.js';

export const SECRET_PREFIX = 'whsec_';
export const PRIVATE_KEY_PREFIX = 'whsk_';
export const PUBLIC_KEY_PREFIX = 'whpk_';
const SECRET_BYTES = 32;
const ED25519_KEY_BYTES = 32;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/**
 * A new ed25519 private key as `whsk_` + base64 of seed ‖ public key (64
 * bytes, libsodium's and TweetNaCl's secret-key layout).
 */
export function generatePrivateKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { d, x } = privateKey.export({ format: 'jwk' });
  return PRIVATE_KEY_PREFIX + Buffer.concat([Buffer.from(d!, 'base64url'), Buffer.from(x!, 'base64url')]).toString('base64');
}

/** A new signing key of the scheme: what gets sealed and stored. */
export function generateSigningKey(scheme: SignatureScheme): string {
  return scheme === 'v1a' ? generatePrivateKey() : generateSecret();
}

export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

function ed25519KeyParts(privateKey: string): { seed: Buffer; publicKey: Buffer } {
  const bytes = Buffer.from(privateKey.slice(PRIVATE_KEY_PREFIX.length), 'base64');
  if (bytes.length !== 2 * ED25519_KEY_BYTES) throw new Error('not an ed25519 private key');
  return { seed: bytes.subarray(0, ED25519_KEY_BYTES), publicKey: bytes.subarray(ED25519_KEY_BYTES) };
}

function ed25519KeyObject(privateKey: string): KeyObject {
  const { seed, publicKey } = ed25519KeyParts(privateKey);
  return createPrivateKey({
    format: 'jwk',
    key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: publicKey.toString('base64url') },
  });
}

/**
 * The `whpk_` public key a receiver verifies v1a signatures with: base64 of
 * the raw 32-byte key. Derived from the private key (checked against the seed,
 * so a corrupted key fails here rather than signing with a mismatched pair).
 */
export function publicKeyOf(privateKey: string): string {
  const derived = ed25519KeyObject(privateKey).export({ format: 'jwk' }).x!;
  const { publicKey } = ed25519KeyParts(privateKey);
  if (!Buffer.from(derived, 'base64url').equals(publicKey)) throw new Error('the ed25519 private key does not match its public key');
  return PUBLIC_KEY_PREFIX + publicKey.toString('base64');
}

/** The scheme a stored signing key belongs to, from its prefix. */
export function schemeOf(key: string): SignatureScheme {
  return key.startsWith(PRIVATE_KEY_PREFIX) ? 'v1a' : 'v1';
}

export interface SignedContent {
  webhookId: string;
  /** Seconds since the epoch. */
  timestamp: number;
  body: string;
}

function signOne(key: string, signedContent: string): string {
  if (schemeOf(key) === 'v1a') {
    return `v1a,${signWithKey(null, Buffer.from(signedContent, 'utf8'), ed25519KeyObject(key)).toString('base64')}`;
  }
  return `v1,${createHmac('sha256', secretKey(key)).update(signedContent).digest('base64')}`;
}

/** One `v1,<base64>` or `v1a,<base64>` signature per key, space-separated, in the keys' order. */
export function sign(keys: readonly string[], content: SignedContent): string {
  const signedContent = `${content.webhookId}.${content.timestamp}.${content.body}`;
  return keys.map((key) => signOne(key, signedContent)).join(' ');
}

export function webhookHeaders(keys: readonly string[], content: SignedContent): Record<string, string> {
  return {
    'webhook-id': content.webhookId,
    'webhook-timestamp': String(content.timestamp),
    'webhook-signature': sign(keys, content),
  };
}

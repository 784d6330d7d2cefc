// Signing keys: generated here, sealed before they touch Postgres, opened only
// to show a v1 secret on request or to sign a delivery. A v1 (HMAC) secret is
// shared with the receiver and may be shown; a v1a (ed25519) private key never
// is, only the public key that goes with it.
import type { SecretBox } from '../crypto/secret-box.js';
import { findSigningKeys, insertSubscription, rotateSealedSecret, type StoredSigningKey } from '../db/subscriptions.js';
import type { Queryable } from '../db/pool.js';
import { generateSigningKey, publicKeyOf } from '../delivery/signing.js';
import { newId } from '../ids.js';
import type { CreateSubscription, RotatedKey, SignatureScheme, SubscriptionWithSecret, VerificationKey } from '../schemas/subscription.js';

export interface SecretsDeps {
  pool: Queryable;
  secretBox: SecretBox;
}

/** A new key of the scheme, sealed for `subscriptionId`, and what a receiver verifies it with. */
function newSigningKey(box: SecretBox, subscriptionId: string, scheme: SignatureScheme): { stored: StoredSigningKey; shown: VerificationKey } {
  const key = generateSigningKey(scheme);
  const publicKey = scheme === 'v1a' ? publicKeyOf(key) : null;
  return {
    stored: { sealed: box.seal(key, subscriptionId), scheme, publicKey },
    shown: publicKey === null ? { secret: key } : { publicKey },
  };
}

/** `input.tenantId`: already resolved and checked by the caller (src/api/tenant-scope.ts). */
export async function createSubscription(deps: SecretsDeps, input: CreateSubscription & { tenantId: string }): Promise<SubscriptionWithSecret> {
  const id = newId('sub');
  const { stored, shown } = newSigningKey(deps.secretBox, id, input.signatureScheme ?? 'v1');
  const subscription = await insertSubscription(deps.pool, id, stored, input);
  return 'secret' in shown ? { ...subscription, secret: shown.secret } : subscription;
}

/** The v1 secret (opened), or the v1a public key; undefined when there is no such subscription. */
export async function revealVerificationKey(deps: SecretsDeps, subscriptionId: string): Promise<VerificationKey | undefined> {
  const keys = await findSigningKeys(deps.pool, subscriptionId);
  if (keys === undefined) return undefined;
  if (keys.publicKey !== null) return { publicKey: keys.publicKey };
  return { secret: deps.secretBox.open(keys.sealedSecret, subscriptionId) };
}

export async function rotateSecret(
  deps: SecretsDeps,
  subscriptionId: string,
  rotation: { overlapSeconds: number; scheme: SignatureScheme },
  now: Date = new Date(),
): Promise<RotatedKey | undefined> {
  const { stored, shown } = newSigningKey(deps.secretBox, subscriptionId, rotation.scheme);
  const previousExpiresAt = new Date(now.getTime() + rotation.overlapSeconds * 1000);
  const rotated = await rotateSealedSecret(deps.pool, subscriptionId, stored, previousExpiresAt);
  return rotated ? { ...shown, previousSecretExpiresAt: previousExpiresAt.toISOString() } : undefined;
}

/**
 * The keys that sign a delivery now: the current one first, then the previous
 * one while its overlap lasts. Each is a `whsec_` secret or a `whsk_` private
 * key; signing tells them apart by prefix.
 */
export function signingSecrets(
  box: SecretBox,
  target: {
    subscriptionId: string;
    sealedSecret: string;
    previousSealedSecret: string | null;
    previousSecretExpiresAt: Date | null;
  },
  now: Date,
): string[] {
  const secrets = [box.open(target.sealedSecret, target.subscriptionId)];
  if (target.previousSealedSecret !== null && target.previousSecretExpiresAt !== null && target.previousSecretExpiresAt > now) {
    secrets.push(box.open(target.previousSealedSecret, target.subscriptionId));
  }
  return secrets;
}

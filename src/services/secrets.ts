// Signing secrets: generated here, sealed before they touch Postgres, opened
// only to show them on request or to sign a delivery.
import type { SecretBox } from '../crypto/secret-box.js';
import { findSealedSecret, insertSubscription, rotateSealedSecret } from '../db/subscriptions.js';
import type { Queryable } from '../db/pool.js';
import { generateSecret } from '../delivery/signing.js';
import { newId } from '../ids.js';
import type { CreateSubscription, SubscriptionWithSecret } from '../schemas/subscription.js';

export interface SecretsDeps {
  pool: Queryable;
  secretBox: SecretBox;
}

/** `input.tenantId`: already resolved and checked by the caller (src/api/tenant-scope.ts). */
export async function createSubscription(
  deps: SecretsDeps,
  input: CreateSubscription & { tenantId: string },
): Promise<SubscriptionWithSecret> {
  const id = newId('sub');
  const secret = generateSecret();
  const subscription = await insertSubscription(deps.pool, id, deps.secretBox.seal(secret, id), input);
  return { ...subscription, secret };
}

export async function revealSecret(deps: SecretsDeps, subscriptionId: string): Promise<string | undefined> {
  const sealed = await findSealedSecret(deps.pool, subscriptionId);
  return sealed === undefined ? undefined : deps.secretBox.open(sealed, subscriptionId);
}

export interface RotatedSecret {
  secret: string;
  /** Until then deliveries carry a signature with the previous secret too. */
  previousSecretExpiresAt: string;
}

export async function rotateSecret(
  deps: SecretsDeps,
  subscriptionId: string,
  overlapSeconds: number,
  now: Date = new Date(),
): Promise<RotatedSecret | undefined> {
  const secret = generateSecret();
  const previousExpiresAt = new Date(now.getTime() + overlapSeconds * 1000);
  const rotated = await rotateSealedSecret(deps.pool, subscriptionId, deps.secretBox.seal(secret, subscriptionId), previousExpiresAt);
  return rotated ? { secret, previousSecretExpiresAt: previousExpiresAt.toISOString() } : undefined;
}

/** The secrets that sign a delivery now: the current one first, then the previous one while its overlap lasts. */
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

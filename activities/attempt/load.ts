// The load phase: the delivery, its event and subscription, and the opened
// signing keys; or the outcome when there is nothing to send.
import { SecretBoxError, type SecretBox } from '../../src/crypto/secret-box.js';
import { lastAttempt, loadDeliveryTarget, type DeliveryTarget } from '../../src/db/deliveries.js';
import type { Pool } from '../../src/db/pool.js';
import { giveUp, retryLater, type AttemptOutcome } from '../../src/delivery/attempt-outcome.js';
import { FailureType } from '../../src/delivery/failure-types.js';
import type { Logger } from '../../src/logger.js';
import { signingSecrets } from '../../src/services/secrets.js';

export interface LoadDeps {
  pool: Pool;
  secretBox: SecretBox;
  logger: Logger;
  /** How often a delivery to a paused subscription looks again. */
  pausedRecheckMs: number;
}

/** A delivery ready to send: where, what, and the keys that sign it (current first). */
export interface LoadedAttempt {
  target: DeliveryTarget;
  signingKeys: string[];
}

/**
 * `known`: the target as the caller read it just now (a new event's first
 * batch is read with its deliveries), so it is not read again. Infrastructure
 * errors (PostgreSQL) throw, to be retried.
 */
export async function loadAttempt(deps: LoadDeps, deliveryId: string, known?: DeliveryTarget): Promise<LoadedAttempt | { outcome: AttemptOutcome }> {
  const target = known ?? (await loadDeliveryTarget(deps.pool, deliveryId));
  if (!target) return { outcome: giveUp(FailureType.DeliveryNotFound, `delivery ${deliveryId} does not exist`) };
  if (target.status === 'succeeded') {
    // An earlier run of this attempt delivered and recorded it, and its
    // result then died with a worker or a Temporal restart: the receiver
    // has it, and sending it again would only make a duplicate.
    const last = await lastAttempt(deps.pool, deliveryId);
    if (last?.statusCode == null) throw new Error(`delivery ${deliveryId} is succeeded without an answered attempt`);
    return { outcome: { kind: 'succeeded', statusCode: last.statusCode, attemptNumber: last.number } };
  }
  if (target.subscriptionStatus === 'paused') {
    // Held, not failed: no HTTP call and no attempt spent until it is resumed.
    const message = `subscription ${target.subscriptionId} is paused; delivery held`;
    return { outcome: retryLater(FailureType.SubscriptionPaused, message, deps.pausedRecheckMs) };
  }
  if (target.subscriptionStatus !== 'active') {
    return { outcome: giveUp(FailureType.SubscriptionInactive, `subscription ${target.subscriptionId} is ${target.subscriptionStatus}`) };
  }
  return openSigningKeys(deps, target);
}

/**
 * A key sealed under an encryption key that left the ring cannot sign
 * anything until it is back: the delivery is dead-lettered at once with the
 * key's id (to restore it, then redeliver), rather than failing the activity
 * over and over.
 */
function openSigningKeys(deps: LoadDeps, target: DeliveryTarget): LoadedAttempt | { outcome: AttemptOutcome } {
  try {
    return { target, signingKeys: signingSecrets(deps.secretBox, target, new Date()) };
  } catch (error) {
    if (!(error instanceof SecretBoxError)) throw error;
    const message = `subscription ${target.subscriptionId}'s signing key cannot be opened: ${error.message}`;
    deps.logger.error({ deliveryId: target.deliveryId, subscriptionId: target.subscriptionId }, message);
    return { outcome: giveUp(FailureType.SigningKeyUnavailable, message) };
  }
}

// The decide phase: the breaker learns the attempt's result, then the rules
// of src/delivery/attempt-decision.ts say what comes next; this phase carries
// out their side effect (disabling the subscription and announcing it).
import type { DeliveryTarget } from '../../src/db/deliveries.js';
import type { Pool } from '../../src/db/pool.js';
import { disableSubscription } from '../../src/db/subscriptions.js';
import { decideAfterFailedAttempt } from '../../src/delivery/attempt-decision.js';
import { giveUp, type AttemptOutcome } from '../../src/delivery/attempt-outcome.js';
import type { Breaker, BreakerPass } from '../../src/delivery/breaker.js';
import type { EndpointState } from '../../src/delivery/endpoint-gate.js';
import { FailureType } from '../../src/delivery/failure-types.js';
import { displayTarget } from '../../src/delivery/target.js';
import type { JsonValue } from '../../src/json.js';
import type { Logger } from '../../src/logger.js';
import type { HookflowMetrics } from '../../src/metrics/metrics.js';
import type { Sent } from './send.js';

export interface OperationalEvent {
  type: string;
  idempotencyKey: string;
  payload: JsonValue;
}

export interface DecideDeps {
  pool: Pool;
  logger: Logger;
  metrics: HookflowMetrics;
  breaker: Breaker;
  retryScheduleSeconds: readonly number[];
  autoDisableAfterMs: number;
  /** Publishes an operational event (e.g. `subscription.disabled`) through hookflow itself. */
  announce: (event: OperationalEvent) => Promise<void>;
}

export async function decideAfterAttempt(
  deps: DecideDeps,
  target: DeliveryTarget,
  pass: BreakerPass,
  sent: Sent,
  { number: attemptNumber, attemptInRound }: { number: number; attemptInRound: number },
): Promise<AttemptOutcome> {
  const where = displayTarget(target.url);
  // Refused by the SSRF guard: the endpoint was never called, so the breaker learns nothing.
  if (sent.forbidden) return giveUp(FailureType.ForbiddenTarget, `${sent.networkError} (${where})`);
  if (sent.succeeded) {
    deps.metrics.deliveries.inc({ outcome: 'succeeded' });
    await deps.breaker.succeeded(pass);
    return { kind: 'succeeded', statusCode: sent.result!.statusCode, attemptNumber };
  }
  const health = await deps.breaker.failed(pass);
  const decision = decideAfterFailedAttempt(
    {
      attemptInRound,
      statusCode: sent.result?.statusCode,
      retryAfter: sent.result?.retryAfter,
      networkError: sent.networkError,
      where,
    },
    health,
    {
      retryScheduleSeconds: target.retrySchedule ?? deps.retryScheduleSeconds,
      permanentStatusCodes: target.permanentStatusCodes,
      autoDisableAfterMs: deps.autoDisableAfterMs,
    },
    new Date(),
  );
  if (decision.disableBecause !== undefined) await disableAndAnnounce(deps, target, decision.disableBecause, health);
  return decision.outcome;
}

/**
 * Disables the subscription and publishes `subscription.disabled` through
 * hookflow itself. The event id is derived from the failure episode, so a
 * retried activity announces it once.
 */
async function disableAndAnnounce(deps: DecideDeps, target: DeliveryTarget, reason: string, health: EndpointState): Promise<void> {
  await disableSubscription(deps.pool, target.subscriptionId, reason);
  const episode = (health.failingSince ?? new Date()).toISOString();
  await deps.announce({
    type: 'subscription.disabled',
    idempotencyKey: `subscription.disabled:${target.subscriptionId}:${episode}`,
    payload: { subscriptionId: target.subscriptionId, url: displayTarget(target.url), reason, failingSince: episode },
  });
  deps.logger.warn({ subscriptionId: target.subscriptionId, reason }, 'subscription disabled');
}

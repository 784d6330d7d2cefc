// The `deliver` activity: one signed POST of one delivery, recorded in
// Postgres, its failure turned into the wait Temporal should take next.
import { ApplicationFailure } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import { lastAttempt, loadDeliveryTarget, markDeliveryDead as markDead, recordAttempt, reopenDelivery } from '../src/db/deliveries.js';
import type { Pool } from '../src/db/pool.js';
import { classifyStatus } from '../src/delivery/classify.js';
import { decideAfterFailure } from '../src/delivery/failure-decision.js';
import { FailureType } from '../src/delivery/failure-types.js';
import { webhookBody } from '../src/delivery/payload.js';
import { webhookHeaders } from '../src/delivery/signing.js';
import { displayTarget } from '../src/delivery/target.js';
import type { Logger } from '../src/logger.js';
import type { SecretBox } from '../src/crypto/secret-box.js';
import { signingSecrets } from '../src/services/secrets.js';
import type { DeliveryTarget } from '../src/db/deliveries.js';
import { describeNetworkError, postWebhook, type PostResult } from './http-post.js';
import { checkUrl, type AddressPolicy } from '../src/delivery/url-guard.js';
import { ForbiddenTargetError } from '../src/net/guarded-connect.js';
import { disableSubscription } from '../src/db/subscriptions.js';
import { dueForAutoDisable, type EndpointState } from '../src/delivery/endpoint-gate.js';
import type { JsonValue } from '../src/json.js';
import { statusClass, type HookflowMetrics } from '../src/metrics/metrics.js';
import { gatePolicy, passGate, recordGateFailure, recordGateSuccess, type BreakerSettings } from './endpoint-gate.js';

export interface DeliverDeps {
  pool: Pool;
  http: Dispatcher;
  logger: Logger;
  userAgent: string;
  secretBox: SecretBox;
  /** The SSRF guard's policy; the `http` dispatcher enforces it on every resolved address. */
  addressPolicy: AddressPolicy;
  retryScheduleSeconds: readonly number[];
  deliveryTimeoutMs: number;
  /** How often a delivery to a paused subscription looks again (default 30 s). */
  pausedRecheckMs?: number;
  breaker: BreakerSettings;
  /** A subscription failing without a success for this long is disabled. */
  autoDisableAfterMs: number;
  metrics: HookflowMetrics;
  /** Publishes an operational event (e.g. `subscription.disabled`) through hookflow itself. */
  announce: (event: OperationalEvent) => Promise<void>;
}

export interface OperationalEvent {
  type: string;
  idempotencyKey: string;
  payload: JsonValue;
}

const DEFAULT_PAUSED_RECHECK_MS = 30_000;

export interface DeliverResult {
  statusCode: number;
  attemptNumber: number;
}

export function createDeliverActivities(deps: DeliverDeps) {
  async function deliver({ deliveryId }: { deliveryId: string }): Promise<DeliverResult> {
    const target = await loadDeliveryTarget(deps.pool, deliveryId);
    if (!target) throw ApplicationFailure.nonRetryable(`delivery ${deliveryId} does not exist`, FailureType.DeliveryNotFound);
    if (target.status === 'succeeded') {
      // An earlier run of this activity delivered and recorded it, and its
      // result then died with a worker or a Temporal restart: the receiver
      // has it, and sending it again would only make a duplicate.
      const last = await lastAttempt(deps.pool, deliveryId);
      if (last?.statusCode == null) throw new Error(`delivery ${deliveryId} is succeeded without an answered attempt`);
      return { statusCode: last.statusCode, attemptNumber: last.number };
    }
    if (target.subscriptionStatus === 'paused') {
      // Held, not failed: no HTTP call and no attempt spent until it is resumed.
      throw ApplicationFailure.create({
        message: `subscription ${target.subscriptionId} is paused; delivery held`,
        type: FailureType.SubscriptionPaused,
        nextRetryDelay: deps.pausedRecheckMs ?? DEFAULT_PAUSED_RECHECK_MS,
      });
    }
    if (target.subscriptionStatus !== 'active') {
      throw ApplicationFailure.nonRetryable(
        `subscription ${target.subscriptionId} is ${target.subscriptionStatus}`,
        FailureType.SubscriptionInactive,
      );
    }

    const where = displayTarget(target.url);
    const log = deps.logger.child({ deliveryId, eventId: target.eventId, subscriptionId: target.subscriptionId });
    const timeoutMs = target.timeoutMs ?? deps.deliveryTimeoutMs;
    // An IP-literal host never reaches the dispatcher's lookup: check the URL itself first.
    const verdict = checkUrl(target.url, deps.addressPolicy);
    const policy = gatePolicy(deps.breaker, timeoutMs, target.rateLimitPerSecond);
    const passedAs = verdict.allowed ? await passGate(deps.pool, target.subscriptionId, policy) : 'closed';

    const body = webhookBody({ type: target.eventType, createdAt: target.eventCreatedAt, payload: target.payload });
    const headers = {
      ...target.headers,
      ...webhookHeaders(signingSecrets(deps.secretBox, target, new Date()), {
        webhookId: target.eventId,
        timestamp: Math.floor(Date.now() / 1000),
        body,
      }),
      'content-type': 'application/json',
      'user-agent': deps.userAgent,
    };

    const startedAt = new Date();
    let result: PostResult | undefined;
    let networkError: string | undefined;
    let forbidden: ForbiddenTargetError | undefined;
    deps.metrics.inFlight.inc();
    try {
      if (!verdict.allowed) throw new ForbiddenTargetError(verdict.reason);
      result = await postWebhook(deps.http, { url: target.url, headers, body, timeoutMs });
    } catch (error) {
      forbidden = forbiddenTargetIn(error);
      networkError = forbidden?.message ?? describeNetworkError(error);
    } finally {
      deps.metrics.inFlight.dec();
    }
    const durationMs = Date.now() - startedAt.getTime();
    const succeeded = result !== undefined && classifyStatus(result.statusCode) === 'succeeded';
    const outcome = succeeded ? 'succeeded' : 'failed';
    deps.metrics.attempts.inc({ outcome, status_class: statusClass(result?.statusCode) });
    deps.metrics.attemptDuration.observe({ outcome }, durationMs / 1000);
    const { number: attemptNumber, attemptInRound } = await recordAttempt(deps.pool, {
      deliveryId,
      startedAt,
      durationMs,
      statusCode: result?.statusCode ?? null,
      error: networkError ?? null,
      responseBody: result?.responsePreview ?? null,
      succeeded,
    });
    log.info({ attempt: attemptNumber, statusCode: result?.statusCode, durationMs, error: networkError }, 'delivery attempt');

    if (forbidden) {
      throw ApplicationFailure.create({ message: `${networkError} (${where})`, type: FailureType.ForbiddenTarget, nonRetryable: true });
    }
    if (succeeded) {
      deps.metrics.deliveries.inc({ outcome: 'succeeded' });
      await recordGateSuccess(deps.pool, target.subscriptionId, policy, passedAs);
      return { statusCode: result!.statusCode, attemptNumber };
    }
    const health = await recordGateFailure(deps.pool, target.subscriptionId, policy);

    if (result?.statusCode === 410) {
      await disableAndAnnounce(target, 'the receiver answered 410 Gone', health);
      throw ApplicationFailure.create({ message: `HTTP 410 from ${where}; subscription disabled`, type: FailureType.PermanentFailure, nonRetryable: true });
    }
    if (dueForAutoDisable(health, new Date(), deps.autoDisableAfterMs)) {
      const reason = `no successful delivery since ${health.failingSince!.toISOString()}`;
      await disableAndAnnounce(target, reason, health);
      throw ApplicationFailure.create({ message: `${reason}; subscription disabled`, type: FailureType.SubscriptionInactive, nonRetryable: true });
    }
    throw failureFor(target, attemptInRound, result, networkError ?? '', where);
  }

  /**
   * The failure Temporal acts on: retry after the wait we chose, or stop.
   * `attemptInRound` counts HTTP attempts only, so waits for infrastructure
   * (Postgres unreachable) or a pause never spend the schedule.
   */
  function failureFor(
    target: DeliveryTarget,
    attemptInRound: number,
    result: PostResult | undefined,
    networkError: string,
    where: string,
  ): ApplicationFailure {
    const cause = result ? `HTTP ${result.statusCode} from ${where}` : `${networkError} (${where})`;
    const decision = decideAfterFailure(
      { attempt: attemptInRound, statusCode: result?.statusCode, retryAfter: result?.retryAfter },
      {
        retryScheduleSeconds: target.retrySchedule ?? deps.retryScheduleSeconds,
        permanentStatusCodes: target.permanentStatusCodes,
      },
      new Date(),
    );
    if (decision.kind === 'retry') {
      return ApplicationFailure.create({
        message: cause,
        type: result ? FailureType.HttpStatus : FailureType.NetworkError,
        nextRetryDelay: decision.delayMs,
      });
    }
    const why = decision.reason === 'permanent' ? 'permanent failure' : `gave up after ${attemptInRound} attempts`;
    return ApplicationFailure.create({
      message: `${cause}; ${why}`,
      type: decision.reason === 'permanent' ? FailureType.PermanentFailure : FailureType.RetriesExhausted,
      nonRetryable: true,
    });
  }

  /**
   * Disables the subscription and publishes `subscription.disabled` through
   * hookflow itself. The event id is derived from the failure episode, so a
   * retried activity announces it once.
   */
  async function disableAndAnnounce(target: DeliveryTarget, reason: string, health: EndpointState): Promise<void> {
    await disableSubscription(deps.pool, target.subscriptionId, reason);
    const episode = (health.failingSince ?? new Date()).toISOString();
    await deps.announce({
      type: 'subscription.disabled',
      idempotencyKey: `subscription.disabled:${target.subscriptionId}:${episode}`,
      payload: { subscriptionId: target.subscriptionId, url: displayTarget(target.url), reason, failingSince: episode },
    });
    deps.logger.warn({ subscriptionId: target.subscriptionId, reason }, 'subscription disabled');
  }

  async function markDeliveryDead({ deliveryId, reason }: { deliveryId: string; reason: string }): Promise<void> {
    await markDead(deps.pool, deliveryId, reason);
    deps.metrics.deliveries.inc({ outcome: 'dead' });
  }

  async function markDeliveryPending(deliveryId: string): Promise<void> {
    await reopenDelivery(deps.pool, deliveryId);
  }

  return { deliver, markDeliveryDead, markDeliveryPending };
}

/** The guard's refusal, whether thrown directly or wrapped by undici as a connect error's cause. */
function forbiddenTargetIn(error: unknown): ForbiddenTargetError | undefined {
  for (let e: unknown = error; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) {
    if (e instanceof ForbiddenTargetError) return e;
  }
  return undefined;
}

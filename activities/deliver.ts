// The delivery attempt, in phases: load what it needs, admit it past the SSRF
// guard, breaker and rate limit, send the signed POST, record the attempt,
// decide what comes next. It ends in an AttemptOutcome: the event workflow's
// first attempt (a local activity) takes it as it is; the `deliver` activity
// of a delivery workflow turns it into the failure Temporal retries or stops on.
import { ApplicationFailure } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import { lastAttempt, loadDeliveryTarget, markDeliveryDead as markDead, recordAttempt, reopenDelivery } from '../src/db/deliveries.js';
import type { Pool } from '../src/db/pool.js';
import { giveUp, retryLater, type AttemptOutcome, type FailedOutcome } from '../src/delivery/attempt-outcome.js';
import { classifyStatus } from '../src/delivery/classify.js';
import { decideAfterFailure } from '../src/delivery/failure-decision.js';
import { FailureType } from '../src/delivery/failure-types.js';
import { webhookBody } from '../src/delivery/payload.js';
import { recordedRequestHeaders } from '../src/delivery/recorded-headers.js';
import { displayTarget } from '../src/delivery/target.js';
import type { Logger } from '../src/logger.js';
import { SecretBoxError, type SecretBox } from '../src/crypto/secret-box.js';
import { signingSecrets } from '../src/services/secrets.js';
import type { DeliveryTarget } from '../src/db/deliveries.js';
import { sendSignedWebhook, type SendOutcome, type WebhookMessage } from './webhook-send.js';
import { checkUrl, type AddressPolicy } from '../src/delivery/url-guard.js';
import { disableSubscription } from '../src/db/subscriptions.js';
import { dueForAutoDisable, type BreakerState, type EndpointState, type GatePolicy } from '../src/delivery/endpoint-gate.js';
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

/** What the send phase came back with, and whether it counts as delivered. */
interface Sent extends SendOutcome {
  succeeded: boolean;
  /** The request body's size in bytes (the tenant's usage counts it when delivered). */
  bodyBytes: number;
}

/** A delivery let through to its endpoint. */
interface Admitted {
  target: DeliveryTarget;
  policy: GatePolicy;
  passedAs: BreakerState;
  /** Why the SSRF guard refused the URL itself, if it did. */
  refusedUrl: string | undefined;
}

export function createDeliverActivities(deps: DeliverDeps) {
  /** One attempt at a delivery, start to finish. Infrastructure errors (PostgreSQL) throw, to be retried. */
  async function attempt(deliveryId: string): Promise<AttemptOutcome> {
    const loaded = await load(deliveryId);
    if ('outcome' in loaded) return loaded.outcome;
    const keys = openSigningKeys(loaded.target);
    if ('outcome' in keys) return keys.outcome;
    const admitted = await admit(loaded.target);
    if ('wait' in admitted) return admitted.wait;
    const sent = await send(admitted, keys.signingKeys);
    const numbers = await record(admitted.target, sent);
    return decide(admitted, sent, numbers);
  }

  /** The delivery, its event and subscription; or the outcome when there is nothing to send. */
  async function load(deliveryId: string): Promise<{ target: DeliveryTarget } | { outcome: AttemptOutcome }> {
    const target = await loadDeliveryTarget(deps.pool, deliveryId);
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
      return { outcome: retryLater(FailureType.SubscriptionPaused, message, deps.pausedRecheckMs ?? DEFAULT_PAUSED_RECHECK_MS) };
    }
    if (target.subscriptionStatus !== 'active') {
      return { outcome: giveUp(FailureType.SubscriptionInactive, `subscription ${target.subscriptionId} is ${target.subscriptionStatus}`) };
    }
    return { target };
  }

  /**
   * The subscription's signing keys, opened. A key sealed under an encryption
   * key that left the ring cannot sign anything until it is back: the
   * delivery is dead-lettered at once with the key's id (to restore it, then
   * redeliver), rather than failing the activity over and over.
   */
  function openSigningKeys(target: DeliveryTarget): { signingKeys: string[] } | { outcome: FailedOutcome } {
    try {
      return { signingKeys: signingSecrets(deps.secretBox, target, new Date()) };
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      const message = `subscription ${target.subscriptionId}'s signing key cannot be opened: ${error.message}`;
      deps.logger.error({ deliveryId: target.deliveryId, subscriptionId: target.subscriptionId }, message);
      return { outcome: giveUp(FailureType.SigningKeyUnavailable, message) };
    }
  }

  /** Past the SSRF guard's look at the URL, the circuit breaker and the rate limit; or told to wait. */
  async function admit(target: DeliveryTarget): Promise<Admitted | { wait: FailedOutcome }> {
    const policy = gatePolicy(deps.breaker, timeoutOf(target), target.rateLimitPerSecond);
    // An IP-literal host never reaches the dispatcher's lookup: check the URL itself first.
    const verdict = checkUrl(target.url, deps.addressPolicy);
    // A refused URL is recorded as a failed attempt without a call, whatever the breaker says.
    if (!verdict.allowed) return { target, policy, passedAs: 'closed', refusedUrl: verdict.reason };
    const pass = await passGate(deps.pool, target.subscriptionId, policy);
    if ('wait' in pass) return pass;
    return { target, policy, passedAs: pass.passedAs, refusedUrl: undefined };
  }

  /** Signs the body and POSTs it (see sendSignedWebhook). */
  async function send({ target, refusedUrl }: Admitted, signingKeys: string[]): Promise<Sent> {
    const message: WebhookMessage = {
      url: target.url,
      customHeaders: target.headers,
      signingKeys,
      webhookId: target.eventId,
      body: webhookBody({ type: target.eventType, createdAt: target.eventCreatedAt, payload: target.payload }),
      userAgent: deps.userAgent,
      timeoutMs: timeoutOf(target),
    };
    deps.metrics.inFlight.inc();
    const sent = await sendSignedWebhook(deps.http, message, refusedUrl).finally(() => deps.metrics.inFlight.dec());
    const succeeded = sent.result !== undefined && classifyStatus(sent.result.statusCode) === 'succeeded';
    const outcome = succeeded ? 'succeeded' : 'failed';
    deps.metrics.attempts.inc({ outcome, status_class: statusClass(sent.result?.statusCode) });
    deps.metrics.attemptDuration.observe({ outcome }, sent.durationMs / 1000);
    return { ...sent, succeeded, bodyBytes: Buffer.byteLength(message.body) };
  }

  /** The attempt's row, and the delivery's counters and status; returns the attempt's numbers. */
  async function record(target: DeliveryTarget, sent: Sent) {
    const numbers = await recordAttempt(deps.pool, {
      deliveryId: target.deliveryId,
      startedAt: sent.startedAt,
      durationMs: sent.durationMs,
      statusCode: sent.result?.statusCode ?? null,
      error: sent.networkError ?? null,
      responseBody: sent.result?.responsePreview ?? null,
      requestHeaders: recordedRequestHeaders(sent.requestHeaders, target.headers),
      succeeded: sent.succeeded,
      bodyBytes: sent.bodyBytes,
    });
    deps.logger.info(
      {
        deliveryId: target.deliveryId,
        eventId: target.eventId,
        subscriptionId: target.subscriptionId,
        attempt: numbers.number,
        statusCode: sent.result?.statusCode,
        durationMs: sent.durationMs,
        error: sent.networkError,
      },
      'delivery attempt',
    );
    return numbers;
  }

  /** The endpoint's health after this attempt, the 410 and auto-disable rules, and the retry schedule. */
  async function decide(
    { target, policy, passedAs }: Admitted,
    sent: Sent,
    { number: attemptNumber, attemptInRound }: { number: number; attemptInRound: number },
  ): Promise<AttemptOutcome> {
    const where = displayTarget(target.url);
    if (sent.forbidden) return giveUp(FailureType.ForbiddenTarget, `${sent.networkError} (${where})`);
    if (sent.succeeded) {
      deps.metrics.deliveries.inc({ outcome: 'succeeded' });
      await recordGateSuccess(deps.pool, target.subscriptionId, policy, passedAs);
      return { kind: 'succeeded', statusCode: sent.result!.statusCode, attemptNumber };
    }
    const health = await recordGateFailure(deps.pool, target.subscriptionId, policy);
    if (sent.result?.statusCode === 410) {
      await disableAndAnnounce(target, 'the receiver answered 410 Gone', health);
      return giveUp(FailureType.PermanentFailure, `HTTP 410 from ${where}; subscription disabled`);
    }
    if (dueForAutoDisable(health, new Date(), deps.autoDisableAfterMs)) {
      const reason = `no successful delivery since ${health.failingSince!.toISOString()}`;
      await disableAndAnnounce(target, reason, health);
      return giveUp(FailureType.SubscriptionInactive, `${reason}; subscription disabled`);
    }
    return onSchedule(target, attemptInRound, sent, where);
  }

  /**
   * Retry after the wait the schedule (or the receiver's Retry-After) sets, or
   * give up. `attemptInRound` counts HTTP attempts only, so waits for
   * infrastructure (Postgres unreachable) or a pause never spend the schedule.
   */
  function onSchedule(target: DeliveryTarget, attemptInRound: number, sent: Sent, where: string): FailedOutcome {
    const { result } = sent;
    const cause = result ? `HTTP ${result.statusCode} from ${where}` : `${sent.networkError ?? ''} (${where})`;
    const decision = decideAfterFailure(
      { attempt: attemptInRound, statusCode: result?.statusCode, retryAfter: result?.retryAfter },
      {
        retryScheduleSeconds: target.retrySchedule ?? deps.retryScheduleSeconds,
        permanentStatusCodes: target.permanentStatusCodes,
      },
      new Date(),
    );
    if (decision.kind === 'retry') {
      return retryLater(result ? FailureType.HttpStatus : FailureType.NetworkError, cause, decision.delayMs);
    }
    const why = decision.reason === 'permanent' ? 'permanent failure' : `gave up after ${attemptInRound} attempts`;
    return giveUp(decision.reason === 'permanent' ? FailureType.PermanentFailure : FailureType.RetriesExhausted, `${cause}; ${why}`);
  }

  function timeoutOf(target: DeliveryTarget): number {
    return target.timeoutMs ?? deps.deliveryTimeoutMs;
  }

  /** A delivery workflow's attempt: Temporal retries it after the outcome's wait, or stops. */
  async function deliver({ deliveryId }: { deliveryId: string }): Promise<DeliverResult> {
    const outcome = await attempt(deliveryId);
    if (outcome.kind === 'succeeded') return { statusCode: outcome.statusCode, attemptNumber: outcome.attemptNumber };
    throw ApplicationFailure.create({
      message: outcome.message,
      type: outcome.failureType,
      ...(outcome.kind === 'retry' ? { nextRetryDelay: outcome.delayMs } : { nonRetryable: true }),
    });
  }

  /** The event workflow's first attempt at one subscriber: its outcome, for the workflow to act on. */
  async function attemptFirst({ deliveryId }: { deliveryId: string }): Promise<AttemptOutcome> {
    return attempt(deliveryId);
  }

  /** A fifo stream's attempt at its head: the outcome, for the stream to wait on, retry or dead-letter. */
  async function attemptInOrder({ deliveryId }: { deliveryId: string }): Promise<AttemptOutcome> {
    return attempt(deliveryId);
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

  return { deliver, attemptFirst, attemptInOrder, markDeliveryDead, markDeliveryPending };
}

// Test sends: one signed request to a subscription's endpoint, now, so a
// customer can check the endpoint before real traffic. It is built and sent
// exactly as a delivery attempt is (same signing keys, headers, SSRF guard and
// timeout; activities/webhook-send.ts) but it is not a delivery: there is no
// event, no workflow, no attempt row, and the endpoint's breaker, rate limit
// and failure clock neither hold it back nor count it, so testing a broken
// endpoint cannot get it disabled. The answer is its only record, besides a
// log line. Receivers tell it apart by its `test_` webhook-id (signed) and its
// `webhook-test: true` header.
import { randomBytes } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { sendSignedWebhook } from '../../activities/webhook-send.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Pool } from '../db/pool.js';
import { findSigningKeys } from '../db/subscriptions.js';
import { webhookBody } from '../delivery/payload.js';
import type { JsonValue } from '../json.js';
import type { Logger } from '../logger.js';
import type { Subscription } from '../schemas/subscription.js';
import type { TestSendResult } from '../schemas/test-send.js';
import { USER_AGENT } from '../version.js';
import { signingSecrets } from './secrets.js';

export const TEST_WEBHOOK_ID_PREFIX = 'test_';
export const TEST_MARKER_HEADER = 'webhook-test';

export interface TestSendDeps {
  pool: Pool;
  secretBox: SecretBox;
  logger: Logger;
  /** The SSRF-guarded HTTP client (createGuardedAgent) with the worker's policy: it refuses what the guard forbids. */
  webhookHttp: Dispatcher;
  /** The worker's delivery timeout, for subscriptions without their own. */
  deliveryTimeoutMs: number;
}

/** A subscription's default test event type: its first exact one (not `*`, nor any other pattern). */
export function firstExactEventType(eventTypes: readonly string[]): string | undefined {
  return eventTypes.find((type) => !type.includes('*'));
}

/** Sends the test; undefined when the subscription is gone (deleted meanwhile). */
export async function sendTestWebhook(
  deps: TestSendDeps,
  subscription: Subscription,
  event: { eventType: string; payload: JsonValue },
): Promise<TestSendResult | undefined> {
  const keys = await findSigningKeys(deps.pool, subscription.id);
  if (keys === undefined) return undefined;
  const webhookId = TEST_WEBHOOK_ID_PREFIX + randomBytes(16).toString('base64url');
  const sent = await sendSignedWebhook(deps.webhookHttp, {
    url: subscription.url,
    customHeaders: subscription.headers,
    signingKeys: signingSecrets(deps.secretBox, keys, new Date()),
    webhookId,
    body: webhookBody({ type: event.eventType, createdAt: new Date(), payload: event.payload }),
    userAgent: USER_AGENT,
    timeoutMs: subscription.timeoutMs ?? deps.deliveryTimeoutMs,
    unsignedHeaders: { [TEST_MARKER_HEADER]: 'true' },
  });
  const result: TestSendResult = {
    webhookId,
    eventType: event.eventType,
    statusCode: sent.result?.statusCode ?? null,
    durationMs: sent.durationMs,
    responseBody: sent.result?.responsePreview ?? null,
    error: sent.networkError ?? null,
  };
  deps.logger.info(
    {
      subscriptionId: subscription.id,
      webhookId,
      eventType: event.eventType,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error,
    },
    'test send',
  );
  return result;
}

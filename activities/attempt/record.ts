// The record phase: the attempt's row, and the delivery's counters and status.
import { recordAttempt } from '../../src/db/deliveries.js';
import type { DeliveryTarget } from '../../src/db/deliveries.js';
import type { Pool } from '../../src/db/pool.js';
import { recordedRequestHeaders } from '../../src/delivery/recorded-headers.js';
import type { Logger } from '../../src/logger.js';
import type { Sent } from './send.js';

export interface RecordDeps {
  pool: Pool;
  logger: Logger;
}

/** Returns the attempt's numbers: overall, and within this round (a redelivery starts a new round). */
export async function recordSentAttempt(deps: RecordDeps, target: DeliveryTarget, sent: Sent) {
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

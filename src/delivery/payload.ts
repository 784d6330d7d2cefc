import type { JsonValue } from '../json.js';

/**
 * The Standard Webhooks payload structure: the published payload as `data`,
 * with the event type and the time the event was accepted.
 */
export function webhookBody(event: { type: string; createdAt: Date; payload: JsonValue }): string {
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.payload });
}

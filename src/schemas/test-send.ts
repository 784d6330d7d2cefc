import { z } from 'zod';
import { eventTypeSchema, jsonValueSchema } from './common.js';

/** `POST /v1/subscriptions/:id/test`: both optional (see the route for the defaults). */
export const testSendSchema = z.strictObject({
  /** The subscription's first exact event type by default. */
  eventType: eventTypeSchema
    .optional()
    .describe("the subscription's first exact event type by default; without a payload, one the event catalog has an example for"),
  /** The event catalog's example for the event type by default. */
  payload: jsonValueSchema.optional(),
});
export type TestSend = z.infer<typeof testSendSchema>;

/** The attempt, as it went: 200 whatever the receiver answered. */
export const testSendResultSchema = z.object({
  /** `test_…`: marks the request as a test inside the signed content. */
  webhookId: z.string(),
  eventType: z.string(),
  /** The receiver's status; null when there was no answer (refused, unreachable, timed out). */
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  /** The first KiB of the receiver's answer. */
  responseBody: z.string().nullable(),
  /** Why there was no answer; null when there was one. */
  error: z.string().nullable(),
});
export type TestSendResult = z.infer<typeof testSendResultSchema>;

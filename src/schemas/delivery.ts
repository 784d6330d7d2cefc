import { z } from 'zod';
import { eventTypeSchema, idSchema, pageQuerySchema, timeRangeQueryFields, timestampSchema } from './common.js';

export const deliveryStatusSchema = z.enum(['pending', 'succeeded', 'dead']);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const attemptSchema = z.object({
  number: z.number().int(),
  startedAt: timestampSchema,
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  responseBody: z.string().nullable(),
  /**
   * The request headers sent, names in lower case; a subscription's custom
   * headers that carry credentials read "[redacted]". Null for attempts
   * recorded before hookflow kept them.
   */
  requestHeaders: z.record(z.string(), z.string()).nullable(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const deliverySchema = z.object({
  id: idSchema,
  tenantId: idSchema,
  eventId: idSchema,
  eventType: z.string(),
  subscriptionId: idSchema,
  status: deliveryStatusSchema,
  attemptCount: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryWithAttemptsSchema = deliverySchema.extend({ attempts: z.array(attemptSchema) });
export type DeliveryWithAttempts = z.infer<typeof deliveryWithAttemptsSchema>;

export const listDeliveriesQuerySchema = pageQuerySchema.extend({
  status: deliveryStatusSchema.optional(),
  subscriptionId: idSchema.optional(),
  eventId: idSchema.optional(),
  tenantId: idSchema.optional(),
  /** Deliveries of events of this type only. */
  eventType: eventTypeSchema.optional(),
  /** Deliveries created in [since, until). */
  ...timeRangeQueryFields,
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuerySchema>;

/**
 * When a delivery gets a workflow of its own. `on-failure` (the default): the
 * event workflow makes every subscriber's first attempt itself, from local
 * activities, and starts a delivery workflow only for a subscriber whose first
 * attempt did not succeed; that workflow owns the retries, the dead letter and
 * `redeliver`. `always`: a delivery workflow per subscriber from the start,
 * one per delivery in the Web UI, at about three times the cost per delivery.
 */
export const deliveryWorkflowsModeSchema = z.enum(['on-failure', 'always']);
export type DeliveryWorkflowsMode = z.infer<typeof deliveryWorkflowsModeSchema>;

/** What `POST /v1/deliveries/:id/redeliver` and `/skip` answer. */
export const redeliveryRequestedSchema = z.object({ id: idSchema, status: z.string() });

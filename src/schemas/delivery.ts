import { z } from 'zod';
import { idSchema, pageQuerySchema, timestampSchema } from './common.js';

export const deliveryStatusSchema = z.enum(['pending', 'succeeded', 'dead']);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const attemptSchema = z.object({
  number: z.number().int(),
  startedAt: timestampSchema,
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  responseBody: z.string().nullable(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const deliverySchema = z.object({
  id: idSchema,
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
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuerySchema>;

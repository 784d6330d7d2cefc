import { z } from 'zod';
import { pathToNul } from '../json.js';
import { eventTypeSchema, idSchema, jsonValueSchema, pageQuerySchema, timeRangeQueryFields, timestampSchema } from './common.js';
import { deliveryStatusSchema } from './delivery.js';

export const publishEventSchema = z
  .strictObject({
    type: eventTypeSchema,
    payload: jsonValueSchema,
    id: idSchema.optional(),
    /** The tenant whose subscriptions get it; `default` when left out. */
    tenantId: idSchema.optional(),
  })
  // Checked on the object: the payload keeps the shared JsonValue schema (one name in the OpenAPI document).
  .superRefine((event, ctx) => {
    const nul = pathToNul(event.payload);
    if (nul !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['payload', ...nul], message: 'may not contain NUL characters (PostgreSQL cannot store them)' });
    }
  });
export type PublishEvent = z.infer<typeof publishEventSchema>;

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'use printable ASCII without spaces');

/** What the event workflow carries: the event exactly as accepted. */
export const acceptedEventSchema = z.object({
  id: idSchema,
  type: eventTypeSchema,
  payload: jsonValueSchema,
  idempotencyKey: z.string().nullable(),
  createdAt: timestampSchema,
  /** Absent in events accepted before tenants existed: they belong to the default tenant. */
  tenantId: idSchema.optional(),
});
export type AcceptedEvent = z.infer<typeof acceptedEventSchema>;

export const eventDeliverySummarySchema = z.object({
  id: idSchema,
  subscriptionId: idSchema,
  status: deliveryStatusSchema,
  attemptCount: z.number().int(),
});

export const eventSchema = z.object({
  id: idSchema,
  tenantId: idSchema,
  type: z.string(),
  payload: jsonValueSchema,
  createdAt: timestampSchema,
  /** `accepted`: in Temporal, not yet recorded in Postgres; `recorded`: deliveries known. */
  state: z.enum(['accepted', 'recorded']),
  deliveries: z.array(eventDeliverySummarySchema),
});
export type Event = z.infer<typeof eventSchema>;

/** What `POST /v1/events` answers. */
export const publishedEventSchema = z.object({ id: idSchema, tenantId: idSchema, type: z.string(), createdAt: timestampSchema });

/** GET /v1/events: a tenant's events (recorded in PostgreSQL), newest first. */
export const listEventsQuerySchema = pageQuerySchema.extend({
  type: eventTypeSchema.optional(),
  tenantId: idSchema.optional(),
  /** Events accepted in [since, until). */
  ...timeRangeQueryFields,
});
export type ListEventsQuery = z.infer<typeof listEventsQuerySchema>;

/** An event in a list: no payload, and how many of its deliveries are in each status. */
export const eventSummarySchema = z.object({
  id: idSchema,
  tenantId: idSchema,
  type: z.string(),
  createdAt: timestampSchema,
  deliveries: z.object({ pending: z.number().int(), succeeded: z.number().int(), dead: z.number().int() }),
});
export type EventSummary = z.infer<typeof eventSummarySchema>;

// A dead-letter recovery (POST /v1/subscriptions/:id/recover), as the API reports it.
import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';

/** running: still paging; done: every dead delivery in the window was looked at; stopped: cancelled or terminated by an operator. */
export const recoveryStatusSchema = z.enum(['running', 'done', 'stopped']);

/** The 202 of POST /v1/subscriptions/:id/recover; its Location is the recovery's own URL. */
export const recoveryStartedSchema = z.object({
  id: idSchema,
  subscriptionId: idSchema,
  status: z.literal('running'),
});
export type RecoveryStarted = z.infer<typeof recoveryStartedSchema>;

/** GET /v1/subscriptions/:id/recoveries/:recoveryId. Counts are null for a stopped recovery (its last count died with it). */
export const recoverySchema = z.object({
  id: idSchema,
  subscriptionId: idSchema,
  since: timestampSchema,
  until: timestampSchema,
  status: recoveryStatusSchema,
  /** Dead deliveries in the window found so far. */
  found: z.number().int().nullable(),
  /** Of those, redeliveries requested. */
  redelivered: z.number().int().nullable(),
  /** Of those, left alone: no longer dead by the time they were reached, or their subscription gone. */
  skipped: z.number().int().nullable(),
});
export type RecoveryView = z.infer<typeof recoverySchema>;

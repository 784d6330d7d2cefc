import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';

// The figures of GET /v1/stats are those of /metrics (src/metrics/metrics.ts),
// under the same names and label values, but for the whole system (every
// process) and over time, counted from PostgreSQL:
// - `events`: hookflow_events_accepted_total{replayed="false"}, by when the API
//   accepted each event (counted once the event workflow has recorded it, moments later);
// - `deliveries`: hookflow_deliveries_total{outcome}, by when each delivery settled
//   (succeeded: its successful attempt started; dead: it was dead-lettered, and is still dead);
// - `attempts`: hookflow_attempts_total{status_class}, by when each attempt started;
// - `deadLetters`: hookflow_dead_letters, now;
// - `breakers`: hookflow_breakers{state}, now, and which are not closed.

/** The last hour (in minutes) or the last day (in 10 minutes). */
export const statsWindowSchema = z.enum(['1h', '24h']);
export type StatsWindow = z.infer<typeof statsWindowSchema>;

export const STATS_WINDOWS: Record<StatsWindow, { seconds: number; bucketSeconds: number }> = {
  '1h': { seconds: 3600, bucketSeconds: 60 },
  '24h': { seconds: 86_400, bucketSeconds: 600 },
};

export const statsQuerySchema = z.strictObject({
  window: statsWindowSchema.default('1h'),
  /** One tenant's figures (a caller limited to a tenant always gets its own). */
  tenantId: idSchema.optional(),
});
export type StatsQuery = z.output<typeof statsQuerySchema>;

/** hookflow_attempts_total's status_class label values. */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'network'] as const;

const countSchema = z.number().int().min(0);

export const attemptsByClassSchema = z.object({
  '2xx': countSchema,
  '3xx': countSchema,
  '4xx': countSchema,
  '5xx': countSchema,
  /** No HTTP answer: a connection error, a timeout, or a URL the SSRF guard refused. */
  network: countSchema,
});
export type AttemptsByClass = z.infer<typeof attemptsByClassSchema>;

export const settledDeliveriesSchema = z.object({ succeeded: countSchema, dead: countSchema });

const figuresFields = {
  events: countSchema,
  deliveries: settledDeliveriesSchema,
  attempts: attemptsByClassSchema,
};

export const statsBucketSchema = z.object({
  /** The bucket covers [start, start + bucketSeconds). */
  start: timestampSchema,
  ...figuresFields,
});
export type StatsBucket = z.infer<typeof statsBucketSchema>;

export const openBreakerSchema = z.object({
  subscriptionId: idSchema,
  tenantId: idSchema,
  state: z.enum(['open', 'half_open']),
  /** Until when an open breaker refuses attempts (then lets one probe through). */
  openUntil: timestampSchema.nullable(),
});
export type OpenBreaker = z.infer<typeof openBreakerSchema>;

export const statsSchema = z.object({
  window: statsWindowSchema,
  /** null: every tenant's. */
  tenantId: idSchema.nullable(),
  /** The window, [since, until): whole buckets, the last one still under way. */
  since: timestampSchema,
  until: timestampSchema,
  bucketSeconds: z.number().int(),
  /** Every bucket of the window, oldest first; zeros where nothing happened. */
  buckets: z.array(statsBucketSchema),
  /** The sums over the window, and succeeded / (succeeded + dead); null when no delivery settled. */
  totals: z.object({ ...figuresFields, successRate: z.number().min(0).max(1).nullable() }),
  deadLetters: countSchema,
  breakers: z.object({ closed: countSchema, open: countSchema, half_open: countSchema }),
  /** The breakers that are not closed, by subscription, longest in their state first (at most 100). */
  openBreakers: z.array(openBreakerSchema),
});
export type Stats = z.infer<typeof statsSchema>;

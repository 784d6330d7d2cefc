import { z } from 'zod';
import { idSchema } from './common.js';

/** The longest range one usage read covers: a year and a day (a leap year, inclusive). */
export const MAX_USAGE_DAYS = 366;
/** Without `from`: the 30 days up to `to`. */
export const DEFAULT_USAGE_DAYS = 30;

/** A UTC calendar day, YYYY-MM-DD. */
export const daySchema = z.iso.date();

/**
 * `?from&to`: inclusive UTC days; `to` defaults to today, `from` to 29 days
 * before `to`. The answer names the range it covers: a longer one is cut to
 * the last 366 days up to `to` (the read stays bounded), and `from` after `to`
 * is an empty range. Neither is refused: a client's computed range is answered.
 */
export const usageQuerySchema = z
  .strictObject({
    from: daySchema.optional().describe('first UTC day (inclusive); 29 days before `to` by default; at most 365 days before `to` (earlier is cut)'),
    to: daySchema.optional().describe('last UTC day (inclusive); today by default'),
  })
  .describe(
    `The answer's from and to name the days it covers: at most ${MAX_USAGE_DAYS} (a longer range is cut to the last ${MAX_USAGE_DAYS} up to \`to\`); \`from\` after \`to\` is an empty range.`,
  )
  .transform((range) => {
    const to = range.to ?? new Date().toISOString().slice(0, 10);
    const from = range.from ?? addDays(to, 1 - DEFAULT_USAGE_DAYS);
    return { from: from <= to && daysBetween(from, to) + 1 > MAX_USAGE_DAYS ? addDays(to, 1 - MAX_USAGE_DAYS) : from, to };
  });
export type UsageQuery = z.output<typeof usageQuerySchema>;

/** `day` plus `n` days (n may be negative), as YYYY-MM-DD. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export const usageCountsSchema = z.object({
  /** Events published (recorded by the event workflow). */
  events: z.number().int(),
  /** Deliveries created: one per event and matching subscription. */
  deliveries: z.number().int(),
  /** HTTP attempts made, failed ones included. */
  attempts: z.number().int(),
  failedAttempts: z.number().int(),
  /** Request body bytes of the attempts the receivers accepted. */
  bytesDelivered: z.number().int(),
});
export type UsageCounts = z.infer<typeof usageCountsSchema>;

export const ZERO_USAGE: UsageCounts = { events: 0, deliveries: 0, attempts: 0, failedAttempts: 0, bytesDelivered: 0 };

/** The range a usage answer covers, inclusive. */
const rangeFields = { from: daySchema, to: daySchema };

export const tenantUsageSchema = z.object({
  tenantId: idSchema,
  ...rangeFields,
  /** Every day of the range, oldest first; zeros on days without work. */
  days: z.array(usageCountsSchema.extend({ day: daySchema })),
  total: usageCountsSchema,
});
export type TenantUsage = z.infer<typeof tenantUsageSchema>;

export const platformUsageSchema = z.object({
  ...rangeFields,
  /** Each tenant with any usage in the range, by id, with its totals. */
  tenants: z.array(usageCountsSchema.extend({ tenantId: idSchema })),
  total: usageCountsSchema,
});
export type PlatformUsage = z.infer<typeof platformUsageSchema>;

/** A tenant's quotas; null: no cap. */
export const tenantQuotasSchema = z.strictObject({
  /** Events the tenant may publish per UTC day; the next one is answered 429 until midnight UTC. */
  eventsPerDay: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable(),
});
export type TenantQuotas = z.infer<typeof tenantQuotasSchema>;

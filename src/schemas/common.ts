import { z } from 'zod';

/** Ids are opaque, URL-safe, and never contain ':' (workflow ids use it as a separator). */
export const idSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "-" or "."');

export const eventTypeSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'use dot-separated words of letters, digits, "_" or "-", e.g. "order.created"');

export const timestampSchema = z.iso.datetime({ offset: true });

/** Any JSON value: one shared instance, so the OpenAPI document names it once. */
export const jsonValueSchema = z.json();

/** RFC 9457 problem details, as every error answer carries them. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
});

/** `since`/`until` of a list over time: created at or after `since`, before `until`. */
export const timeRangeQueryFields = {
  since: timestampSchema.optional(),
  until: timestampSchema.optional(),
};

/** A time range must not end before it starts (checked on the whole query, naming `until`). */
export function untilAfterSince(range: { since?: string | undefined; until?: string | undefined }): boolean {
  return range.since === undefined || range.until === undefined || Date.parse(range.until) > Date.parse(range.since);
}
export const UNTIL_AFTER_SINCE = { message: 'until must be after since', path: ['until'] };

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Free text: PostgreSQL text cannot hold NUL, so it is refused here rather than failing in SQL. */
export function textSchema(maxLength: number) {
  return z.string().max(maxLength).refine((value) => !value.includes('\u0000'), 'may not contain NUL characters');
}

import { z } from 'zod';

/** Ids are opaque, URL-safe, and never contain ':' (workflow ids use it as a separator). */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "-" or "."');

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
  limit: z.coerce.number().int().min(1).max(100).default(50).describe('page size'),
  cursor: z.string().max(512).optional().describe('nextCursor of the previous page; left out or empty: the first page'),
});

/** `since`/`until` of a list over time: created at or after `since`, before `until` (until before since: nothing). */
export const timeRangeQueryFields = {
  since: timestampSchema.optional(),
  until: timestampSchema.optional(),
};

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Free text: PostgreSQL text cannot hold NUL, so it is refused here rather
 * than failing in SQL. A pattern, not a refinement, so the OpenAPI document
 * says so too.
 */
export function textSchema(maxLength: number, { minLength = 0 }: { minLength?: number } = {}) {
  return (
    z
      .string()
      .min(minLength)
      .max(maxLength)
      // eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
      .regex(/^[^\u0000]*$/, 'may not contain NUL characters')
  );
}

const pages = new WeakMap<z.ZodType, z.ZodType>();

/** A list answer of `item`s: one schema per item schema, so the OpenAPI document names each page once. */
export function pageSchema<S extends z.ZodType>(item: S): z.ZodObject<{ data: z.ZodArray<S>; nextCursor: z.ZodNullable<z.ZodString> }> {
  const page = pages.get(item) ?? z.object({ data: z.array(item), nextCursor: z.string().nullable() });
  pages.set(item, page);
  return page as z.ZodObject<{ data: z.ZodArray<S>; nextCursor: z.ZodNullable<z.ZodString> }>;
}

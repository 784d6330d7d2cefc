// Request parsing for handlers: JSON only, zod-validated, and every failure a
// problem naming the field. Handlers receive typed, valid values or nothing.
import type { Context } from 'hono';
import type { z } from 'zod';
import { fieldErrors, problems } from './problem.js';

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c, { optional: false }));
}

/** For bodies that may be left out entirely: no body reads as `{}`. */
export async function optionalJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c, { optional: true }));
}

async function readJson(c: Context, { optional }: { optional: boolean }): Promise<unknown> {
  const text = await c.req.text();
  if (optional && text.trim() === '') return {};
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(contentType)) throw problems.unsupportedMediaType();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw problems.malformedJson(error instanceof Error ? error.message : 'unreadable JSON');
  }
}

export function query<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), 'query');
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(fieldErrors(result.error, prefix));
  return result.data;
}

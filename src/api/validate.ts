// Request parsing: JSON only, zod-validated, and every failure a problem
// naming the field. Routes declare their schemas (src/api/route.ts); the body
// reader and the validation hook here turn what is wrong into RFC 9457 answers,
// so handlers receive typed, valid values or nothing.
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { fieldErrors, problems } from './problem.js';

/**
 * Reads the body as JSON before the route's validator does: 415 unless it is
 * sent as JSON, 400 when it does not parse; an optional body left out (or
 * blank) reads as `{}`. The validator then takes the parsed value from here.
 */
export function readJsonBody({ optional }: { optional: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const value = await readJson(c, { optional });
    c.req.bodyCache.json = Promise.resolve(value);
    await next();
  };
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

/** Where a validated value came from, as the field paths of a 422 name it ("query.limit", "header.Idempotency-Key"). */
const TARGET_PREFIX: Record<string, string | undefined> = { json: undefined, query: 'query', param: 'path', header: 'header' };

/** OpenAPIHono's defaultHook: a request its route's schemas refuse is a 422 naming each field. */
export function refuseInvalid(result: { success: boolean; target: string; error?: unknown }): void {
  if (result.success) return;
  const errors = fieldErrors(result.error as z.ZodError, TARGET_PREFIX[result.target]);
  throw problems.validation(
    result.target === 'header'
      ? errors.map((e) => ({ ...e, path: e.path.replace(/^header\.(.+)$/, (_, name: string) => `header.${canonicalHeaderName(name)}`) }))
      : errors,
  );
}

/** `idempotency-key` → `Idempotency-Key`: how the document and the errors spell a header. */
export function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(fieldErrors(result.error, prefix));
  return result.data;
}

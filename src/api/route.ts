// One route, defined once (@hono/zod-openapi's createRoute): its request
// schemas validate the request and type the handler, and the same definition
// is what src/api/openapi.ts turns into the OpenAPI document. A route lists its
// own answers and the problems particular to it (404, 409…); the problems
// every route of its kind can answer (401, 403, 429, 503; 400, 413, 415 with a
// body; 422 with anything validated) are added by the document generator, from
// the route's shape, so they cannot be forgotten.
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { problemSchema } from '../schemas/common.js';
import { readJsonBody } from './validate.js';

/** A JSON request body; `optional`: it may be left out entirely, and then reads as `{}`. */
export function jsonBody<S extends z.ZodType>(schema: S, { optional = false }: { optional?: boolean } = {}) {
  return { required: !optional, content: { 'application/json': { schema } } };
}

/** A JSON answer. */
export function jsonAnswer<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** An answer without a body (204). */
export function emptyAnswer(description: string) {
  return { description };
}

/** What a problem status means, as the document says it. */
export const PROBLEM_MEANINGS: Readonly<Record<number, string>> = {
  400: 'Body is not valid JSON',
  401: 'Missing, unknown or revoked API key',
  403: 'The API key lacks the scope, or the route needs the platform (a key not limited to a tenant)',
  404: 'Not found',
  405: 'Method not allowed on this path; see Allow',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Validation failed; `errors` names each field',
  429: 'Rate limited, or (type quota-exceeded) a quota used up; see Retry-After',
  503: 'PostgreSQL or Temporal unreachable; see Retry-After',
};

/** RFC 9457 problem answers, for the statuses particular to a route. */
export function problemAnswers(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: PROBLEM_MEANINGS[status] ?? 'Problem', content: { 'application/problem+json': { schema: problemSchema } } },
    ]),
  );
}

/** `{}` as a PATCH body: an empty merge patch (RFC 7396), which changes nothing and is recorded nowhere. */
export function isEmptyPatch(patch: object): boolean {
  return Object.keys(patch).length === 0;
}

/** `{id}` in a path: any id (an unknown one is a 404, not a 422). */
export const idParams = z.object({ id: z.string().describe('the resource id') });

/**
 * createRoute, plus the JSON body reader for routes with a body: it runs after
 * the route's own middleware (a 403 before any body is read) and before the
 * validators, and answers 415 and 400 as problems (src/api/validate.ts).
 */
export function defineRoute<R extends RouteConfig>(config: R): R & { getRoutingPath(): string } {
  const body = config.request?.body;
  if (!body) return createRoute(config);
  const own: MiddlewareHandler[] =
    config.middleware === undefined ? [] : ([] as MiddlewareHandler[]).concat(config.middleware as MiddlewareHandler | MiddlewareHandler[]);
  return createRoute({ ...config, middleware: [...own, readJsonBody({ optional: body.required !== true })] });
}

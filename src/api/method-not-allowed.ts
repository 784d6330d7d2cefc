// A method a known path does not have answers 405 with `Allow` (RFC 9110
// §15.5.6), TRACE and OPTIONS included, rather than the 404 of an unknown path.
import type { Env, Hono } from 'hono';
import { Problem } from './problem.js';

/** Call once every route is registered: each path gets a catch-all that names the methods it has. */
export function answerUnknownMethods<E extends Env>(app: Hono<E>): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const { method, path } of app.routes) {
    if (method === 'ALL') continue;
    const methods = methodsByPath.get(path) ?? new Set<string>();
    methodsByPath.set(path, methods.add(method));
  }
  for (const [path, methods] of methodsByPath) {
    // Hono answers HEAD with the GET route, less the body.
    if (methods.has('GET')) methods.add('HEAD');
    const allow = [...methods].sort().join(', ');
    app.all(path, (c) => {
      throw new Problem(405, 'method-not-allowed', 'Method not allowed', `${c.req.method} is not allowed here; use ${allow}`, undefined, { allow });
    });
  }
}

// Every /v1 route needs `Authorization: Bearer <key>`. A `publish` key may
// only publish events; everything else needs `admin`.
import type { MiddlewareHandler } from 'hono';
import { hashApiKey, sameKey } from '../../auth/api-keys.js';
import type { KeyVerifier } from '../../auth/key-verifier.js';
import type { ApiKeyScope } from '../../schemas/api-key.js';
import type { AppEnv } from '../env.js';
import { Problem } from '../problem.js';

export const ENV_ADMIN_KEY_ID = 'env:HOOKFLOW_ADMIN_KEY';

export function requiredScope(method: string, path: string): ApiKeyScope {
  return method === 'POST' && path.replace(/\/+$/, '') === '/v1/events' ? 'publish' : 'admin';
}

export function authenticate(deps: { verifyKey: KeyVerifier; adminKey: string | undefined }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(c.req.header('authorization') ?? '');
    if (!match) throw unauthorized('send an API key as "Authorization: Bearer <key>"');
    const key = match[1]!;

    const needed = requiredScope(c.req.method, c.req.path);
    let scopes: readonly ApiKeyScope[];
    let keyId: string;
    if (deps.adminKey !== undefined && sameKey(key, deps.adminKey)) {
      keyId = ENV_ADMIN_KEY_ID;
      scopes = ['admin'];
    } else {
      // Publishing needs only Temporal: it may go on while PostgreSQL is down.
      const stored = await deps.verifyKey(hashApiKey(key), { duringOutage: needed === 'publish' ? 'trust-remembered' : 'fail' });
      if (!stored) throw unauthorized('the API key is unknown or has been revoked');
      keyId = stored.id;
      scopes = stored.scopes;
    }

    if (!scopes.includes('admin') && !scopes.includes(needed)) {
      throw new Problem(403, 'forbidden', 'Forbidden', `this API key lacks the "${needed}" scope`);
    }
    c.set('caller', { keyId, scopes });
    await next();
  };
}

function unauthorized(detail: string): Problem {
  return new Problem(401, 'unauthorized', 'Unauthorized', detail, undefined, { 'www-authenticate': 'Bearer' });
}

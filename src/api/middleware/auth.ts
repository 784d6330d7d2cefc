// Every /v1 route needs `Authorization: Bearer <credential>`: an API key, or a
// portal token (a signed JWT for one tenant). A `publish` scope may only
// publish events, `read` may only read, `admin` may do everything; a caller
// limited to one tenant does it within that tenant (src/api/tenant-scope.ts).
import type { MiddlewareHandler } from 'hono';
import { hashApiKey, sameKey } from '../../auth/api-keys.js';
import type { KeyVerifier } from '../../auth/key-verifier.js';
import { looksLikePortalToken, verifyPortalToken } from '../../auth/portal-tokens.js';
import type { ApiKeyScope } from '../../schemas/api-key.js';
import type { TenantDirectory } from '../../services/tenant-directory.js';
import type { AppEnv, Caller } from '../env.js';
import { Problem } from '../problem.js';

export const ENV_ADMIN_KEY_ID = 'env:HOOKFLOW_ADMIN_KEY';

/** The scope a request needs; undefined: any credential will do (asking who it is). */
export function requiredScope(method: string, path: string): ApiKeyScope | undefined {
  const route = path.replace(/\/+$/, '');
  if (method === 'GET' && route === '/v1/whoami') return undefined;
  if (method === 'POST' && route === '/v1/events') return 'publish';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'admin';
}

export interface AuthDeps {
  verifyKey: KeyVerifier;
  adminKey: string | undefined;
  portalTokenKey: Uint8Array | readonly Uint8Array[];
  tenants: TenantDirectory;
}

export function authenticate(deps: AuthDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // RFC 9110 §11.1: the scheme is case-insensitive (`bearer`, `BEARER`), and one or more spaces may follow it.
    const match = /^Bearer +([\x21-\x7e]+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match) throw unauthorized('send an API key or a portal token as "Authorization: Bearer <credential>"');
    const needed = requiredScope(c.req.method, c.req.path);
    const caller = looksLikePortalToken(match[1]!) ? await portalTokenCaller(deps, match[1]!) : await apiKeyCaller(deps, match[1]!, needed);
    if (needed !== undefined && !caller.scopes.includes('admin') && !caller.scopes.includes(needed)) {
      const holder = caller.kind === 'portal-token' ? 'portal token' : 'API key';
      throw new Problem(403, 'forbidden', 'Forbidden', `this ${holder} lacks the "${needed}" scope`);
    }
    c.set('caller', caller);
    await next();
  };
}

async function apiKeyCaller(deps: AuthDeps, key: string, needed: ApiKeyScope | undefined): Promise<Caller> {
  if (deps.adminKey !== undefined && sameKey(key, deps.adminKey)) {
    return { kind: 'api-key', keyId: ENV_ADMIN_KEY_ID, scopes: ['admin'], tenantId: undefined };
  }
  // Publishing needs only Temporal: it may go on while PostgreSQL is down.
  const stored = await deps.verifyKey(hashApiKey(key), { duringOutage: needed === 'publish' ? 'trust-remembered' : 'fail' });
  if (!stored) throw unauthorized('the API key is unknown or has been revoked');
  return { kind: 'api-key', keyId: stored.id, scopes: stored.scopes, tenantId: stored.tenantId ?? undefined };
}

/** Verified from its signature and the tenant directory in memory: no database read. */
async function portalTokenCaller(deps: AuthDeps, token: string): Promise<Caller> {
  const verdict = await verifyPortalToken(deps.portalTokenKey, token);
  if ('refused' in verdict) {
    throw unauthorized(verdict.refused === 'expired' ? 'the portal token has expired' : 'the portal token is not valid');
  }
  const { grant } = verdict;
  if (!deps.tenants.tokenStillCounts(grant.tenantId, grant.issuedAt)) throw unauthorized('the portal token has been revoked');
  return { kind: 'portal-token', keyId: grant.tokenId, scopes: grant.scopes, tenantId: grant.tenantId };
}

function unauthorized(detail: string): Problem {
  return new Problem(401, 'unauthorized', 'Unauthorized', detail, undefined, { 'www-authenticate': 'Bearer' });
}

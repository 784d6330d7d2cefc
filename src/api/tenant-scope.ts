// Which tenant a request may reach. A caller limited to one tenant (a tenant
// key, a portal token) reaches only that one: another tenant's ids answer 404
// exactly as ids that do not exist, so they leak nothing; a tenant named in a
// body is refused with the same words as an unknown one. The platform's own
// callers (unlimited keys) reach every tenant.
import type { Context, MiddlewareHandler } from 'hono';
import { DEFAULT_TENANT_ID } from '../schemas/tenant.js';
import type { TenantDirectory } from '../services/tenant-directory.js';
import type { AppEnv } from './env.js';
import { Problem, problems } from './problem.js';

/** The caller's tenant, when it is limited to one; undefined for the platform. */
export function callerTenant(c: Context<AppEnv>): string | undefined {
  return c.get('caller').tenantId;
}

/**
 * The tenant a new resource (a subscription, an event) goes into: the one
 * named in the body, else the caller's, else the default tenant. A 422 names
 * `field` when that tenant does not exist, is deleted, or is not the caller's.
 */
export async function tenantForNew(c: Context<AppEnv>, tenants: TenantDirectory, requested: string | undefined, field = 'tenantId'): Promise<string> {
  const own = callerTenant(c);
  const tenantId = requested ?? own ?? DEFAULT_TENANT_ID;
  const reachable = (own === undefined || own === tenantId) && (await tenants.isLive(tenantId));
  if (!reachable) throw problems.validation([{ path: field, message: `no tenant "${tenantId}"` }]);
  return tenantId;
}

/** A list's `?tenantId=`: the platform may filter by any; a limited caller sees its own, and another tenant's is a 404. */
export function tenantForList(c: Context<AppEnv>, requested: string | undefined): string | undefined {
  const own = callerTenant(c);
  if (own !== undefined && requested !== undefined && requested !== own) throw problems.notFound('Tenant', requested);
  return own ?? requested;
}

/** Routes that act on tenants themselves or across them (create or delete tenants, keys, tokens): the platform's alone. */
export const platformOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requirePlatform(c, 'this route needs');
  await next();
};

/** 403 for a caller limited to a tenant: `what` needs the platform (e.g. "a tenant's quotas need"). */
export function requirePlatform(c: Context<AppEnv>, what: string): void {
  if (callerTenant(c) !== undefined) {
    throw new Problem(403, 'forbidden', 'Forbidden', `${what} an API key that is not limited to a tenant`);
  }
}

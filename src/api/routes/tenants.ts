// Tenants: the platform's customers. The platform creates and deletes them and
// issues their portal tokens; a caller limited to one tenant sees and renames
// only its own.
import { Hono, type MiddlewareHandler } from 'hono';
import { deleteTenantIn, findTenant, insertTenant, listTenants, revokePortalTokens, updateTenant } from '../../db/tenants.js';
import { issuePortalToken } from '../../auth/portal-tokens.js';
import { newId } from '../../ids.js';
import {
  DEFAULT_TENANT_ID,
  createTenantSchema,
  issuePortalTokenSchema,
  listTenantsQuerySchema,
  updateTenantSchema,
  type PortalToken,
} from '../../schemas/tenant.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { callerTenant, platformOnly, requirePlatform } from '../tenant-scope.js';
import { jsonBody, optionalJsonBody, query } from '../validate.js';
import { recordAudit, recordedChange } from '../audit.js';

/** A portal token lives an hour unless asked otherwise. */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export function tenantRoutes(deps: ApiDeps): Hono<AppEnv> {
  const { pool, tenants } = deps;
  const app = new Hono<AppEnv>();

  // A limited caller's own tenant only: any other id is a 404.
  const ownTenant: MiddlewareHandler<AppEnv> = async (c, next) => {
    const own = callerTenant(c);
    if (own !== undefined && own !== c.req.param('id')) throw problems.notFound('Tenant', c.req.param('id')!);
    await next();
  };
  app.use('/:id', ownTenant);

  app.post('/', platformOnly, async (c) => {
    const input = await jsonBody(c, createTenantSchema);
    const tenant = await recordedChange(
      c,
      pool,
      (tx) => insertTenant(tx, input.id ?? newId('tnt'), input),
      (created) => ({ action: 'tenant.create', ...onTenant(created.id), after: created }),
    );
    if (!tenant) throw problems.conflict(`tenant id "${input.id}" is taken (ids of deleted tenants are not reused)`);
    tenants.note({ id: tenant.id, deleted: false, tokensNotBefore: null, updatedAt: new Date(tenant.updatedAt) });
    return c.json(tenant, 201);
  });

  app.get('/', async (c) => c.json(await listTenants(pool, { ...query(c, listTenantsQuerySchema), only: callerTenant(c) })));

  app.get('/:id', async (c) => {
    const tenant = await findTenant(pool, c.req.param('id'));
    if (!tenant) throw problems.notFound('Tenant', c.req.param('id'));
    return c.json(tenant);
  });

  app.patch('/:id', async (c) => {
    const id = c.req.param('id');
    const before = await findTenant(pool, id);
    if (!before) throw problems.notFound('Tenant', id);
    const patch = await jsonBody(c, updateTenantSchema);
    // How long a tenant's history is kept is the platform's to decide, not the tenant's.
    if (patch.retentionDays !== undefined) requirePlatform(c, 'retentionDays needs');
    // A customer does not raise its own cap.
    if (patch.quotas !== undefined) requirePlatform(c, "a tenant's quotas need");
    const tenant = await recordedChange(
      c,
      pool,
      (tx) => updateTenant(tx, id, patch),
      (after) => ({ action: 'tenant.update', ...onTenant(id), before, after }),
    );
    if (!tenant) throw problems.notFound('Tenant', id);
    if (patch.quotas?.eventsPerDay !== undefined) deps.eventQuota.noteLimit(id, tenant.quotas.eventsPerDay);
    return c.json(tenant);
  });

  app.delete('/:id', platformOnly, async (c) => {
    const id = c.req.param('id');
    if (id === DEFAULT_TENANT_ID) throw problems.conflict('the default tenant cannot be deleted');
    const before = await findTenant(pool, id);
    const deletedAt =
      before &&
      (await recordedChange(c, pool, (tx) => deleteTenantIn(tx, id), () => ({ action: 'tenant.delete', ...onTenant(id), before })));
    if (!deletedAt) throw problems.notFound('Tenant', id);
    tenants.note({ id, deleted: true, tokensNotBefore: deletedAt, updatedAt: deletedAt });
    return c.body(null, 204);
  });

  app.post('/:id/portal-token', platformOnly, async (c) => {
    const id = c.req.param('id');
    const input = await optionalJsonBody(c, issuePortalTokenSchema);
    if (!(await findTenant(pool, id))) throw problems.notFound('Tenant', id);
    const { token, grant } = await issuePortalToken(deps.portalTokenKey, {
      tenantId: id,
      scopes: [...new Set(input.scopes ?? (['admin'] as const))],
      expiresInSeconds: input.expiresInSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
    });
    // The token's id (its jti) names it in the trail, and as the actor of what it does; the token itself never.
    await recordAudit(c, pool, {
      action: 'tenant.portal-token.issue',
      ...onTenant(id),
      after: { tokenId: grant.tokenId, scopes: grant.scopes, expiresAt: grant.expiresAt.toISOString() },
    });
    c.header('cache-control', 'no-store');
    return c.json({ token, tenantId: id, scopes: grant.scopes, expiresAt: grant.expiresAt.toISOString() } satisfies PortalToken, 201);
  });

  // Revokes every portal token of the tenant issued until now.
  app.delete('/:id/portal-tokens', platformOnly, async (c) => {
    const id = c.req.param('id');
    const notBefore = await recordedChange(
      c,
      pool,
      (tx) => revokePortalTokens(tx, id),
      (at) => ({ action: 'tenant.portal-tokens.revoke', ...onTenant(id), after: { tokensNotBefore: at.toISOString() } }),
    );
    if (!notBefore) throw problems.notFound('Tenant', id);
    tenants.note({ id, deleted: false, tokensNotBefore: notBefore, updatedAt: notBefore });
    return c.body(null, 204);
  });

  return app;
}

/** An audit entry's resource and tenant for this tenant: a tenant's trail includes what was done to the tenant itself. */
function onTenant(id: string) {
  return { resource: { type: 'tenant' as const, id }, tenantId: id };
}

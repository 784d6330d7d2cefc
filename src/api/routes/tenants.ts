import type { MiddlewareHandler } from 'hono';
// Tenants: the platform's customers. The platform creates and deletes them and
// issues their portal tokens; a caller limited to one tenant sees and renames
// only its own.
import { OpenAPIHono } from '@hono/zod-openapi';
import { deleteTenantIn, findTenant, insertTenant, listTenants, revokePortalTokens, updateTenant } from '../../db/tenants.js';
import { issuePortalToken } from '../../auth/portal-tokens.js';
import { newId } from '../../ids.js';
import {
  DEFAULT_TENANT_ID,
  createTenantSchema,
  issuePortalTokenSchema,
  listTenantsQuerySchema,
  portalTokenSchema,
  tenantSchema,
  updateTenantSchema,
  type PortalToken,
} from '../../schemas/tenant.js';
import { pageSchema } from '../../schemas/common.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { callerTenant, platformOnly, requirePlatform } from '../tenant-scope.js';
import { recordAudit, recordedChange } from '../audit.js';
import { defineRoute, emptyAnswer, idParams, isEmptyPatch, jsonAnswer, jsonBody, problemAnswers } from '../route.js';

/** A portal token lives an hour unless asked otherwise. */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

const create = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Create a tenant (the platform only)',
  middleware: [platformOnly],
  request: { body: jsonBody(createTenantSchema) },
  responses: { 201: jsonAnswer(tenantSchema, 'The tenant'), ...problemAnswers(409) },
});

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List tenants (a limited caller: its own)',
  request: { query: listTenantsQuerySchema },
  responses: { 200: jsonAnswer(pageSchema(tenantSchema), 'A page of tenants') },
});

const get = defineRoute({
  method: 'get',
  path: '/{id}',
  summary: 'Get a tenant',
  request: { params: idParams },
  responses: { 200: jsonAnswer(tenantSchema, 'The tenant'), ...problemAnswers(404) },
});

const update = defineRoute({
  method: 'patch',
  path: '/{id}',
  summary: 'Rename a tenant, change its metadata, or (the platform only) its quotas and retentionDays',
  request: { params: idParams, body: jsonBody(updateTenantSchema) },
  responses: { 200: jsonAnswer(tenantSchema, 'The tenant, changed'), ...problemAnswers(404) },
});

const remove = defineRoute({
  method: 'delete',
  path: '/{id}',
  summary: 'Delete a tenant: its subscriptions are disabled, its keys and tokens refused, its history kept until retention',
  middleware: [platformOnly],
  request: { params: idParams },
  responses: { 204: emptyAnswer('Deleted'), ...problemAnswers(404, 409) },
});

const issueToken = defineRoute({
  method: 'post',
  path: '/{id}/portal-token',
  summary: 'Issue a short-lived portal token for the tenant (the platform only)',
  middleware: [platformOnly],
  request: { params: idParams, body: jsonBody(issuePortalTokenSchema, { optional: true }) },
  responses: { 201: jsonAnswer(portalTokenSchema, 'The token (shown once)'), ...problemAnswers(404) },
});

const revokeTokens = defineRoute({
  method: 'delete',
  path: '/{id}/portal-tokens',
  summary: 'Revoke every portal token of the tenant issued until now',
  middleware: [platformOnly],
  request: { params: idParams },
  responses: { 204: emptyAnswer('Revoked'), ...problemAnswers(404) },
});

export function tenantRoutes(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const { pool, tenants } = deps;
  const app = new OpenAPIHono<AppEnv>();

  // A limited caller's own tenant only: any other id is a 404.
  const ownTenantOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
    const own = callerTenant(c);
    const id = c.req.param('id') ?? '';
    if (own !== undefined && own !== id) throw problems.notFound('Tenant', id);
    await next();
  };
  app.use('/:id', ownTenantOnly);

  app.openapi(create, async (c) => {
    const input = c.req.valid('json');
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

  app.openapi(list, async (c) => c.json(await listTenants(pool, { ...c.req.valid('query'), only: callerTenant(c) }), 200));

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const tenant = await findTenant(pool, id);
    if (!tenant) throw problems.notFound('Tenant', id);
    return c.json(tenant, 200);
  });

  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const before = await findTenant(pool, id);
    if (!before) throw problems.notFound('Tenant', id);
    const patch = c.req.valid('json');
    if (isEmptyPatch(patch)) return c.json(before, 200);
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
    return c.json(tenant, 200);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    if (id === DEFAULT_TENANT_ID) throw problems.conflict('the default tenant cannot be deleted');
    const before = await findTenant(pool, id);
    const deletedAt =
      before &&
      (await recordedChange(
        c,
        pool,
        (tx) => deleteTenantIn(tx, id),
        () => ({ action: 'tenant.delete', ...onTenant(id), before }),
      ));
    if (!deletedAt) throw problems.notFound('Tenant', id);
    tenants.note({ id, deleted: true, tokensNotBefore: deletedAt, updatedAt: deletedAt });
    return c.body(null, 204);
  });

  app.openapi(issueToken, async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
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
  app.openapi(revokeTokens, async (c) => {
    const { id } = c.req.valid('param');
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

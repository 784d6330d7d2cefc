import { OpenAPIHono } from '@hono/zod-openapi';
import { listApiKeys, revokeApiKey } from '../../db/api-keys.js';
import { apiKeySchema, apiKeyWithSecretSchema, createApiKeySchema } from '../../schemas/api-key.js';
import { pageQuerySchema, pageSchema } from '../../schemas/common.js';
import { createApiKey } from '../../services/api-keys.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { platformOnly, tenantForNew } from '../tenant-scope.js';
import { tenantFilterSchema } from '../../schemas/tenant.js';
import { recordedChange } from '../audit.js';
import { defineRoute, emptyAnswer, idParams, jsonAnswer, jsonBody, problemAnswers } from '../route.js';

const create = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Create an API key (shown once)',
  request: { body: jsonBody(createApiKeySchema) },
  responses: { 201: jsonAnswer(apiKeyWithSecretSchema, 'The key, with its secret (shown once)') },
});

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List API keys (never the keys themselves)',
  request: { query: pageQuerySchema.extend(tenantFilterSchema.shape) },
  responses: { 200: jsonAnswer(pageSchema(apiKeySchema), 'A page of keys') },
});

const revoke = defineRoute({
  method: 'delete',
  path: '/{id}',
  summary: 'Revoke an API key',
  request: { params: idParams },
  responses: { 204: emptyAnswer('Revoked'), ...problemAnswers(404) },
});

export function keyRoutes({ pool, tenants }: ApiDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  // Keys are credentials: only the platform mints and revokes them, for itself or for one tenant.
  app.use('*', platformOnly);

  app.openapi(create, async (c) => {
    const input = c.req.valid('json');
    if (input.tenantId !== undefined) await tenantForNew(c, tenants, input.tenantId);
    const created = (await recordedChange(
      c,
      pool,
      (tx) => createApiKey(tx, input),
      (key) => ({ action: 'api-key.create', resource: { type: 'api-key', id: key.id }, tenantId: key.tenantId, after: key }),
    ))!;
    c.header('cache-control', 'no-store');
    return c.json(created, 201);
  });

  app.openapi(list, async (c) => c.json(await listApiKeys(pool, c.req.valid('query')), 200));

  app.openapi(revoke, async (c) => {
    const { id } = c.req.valid('param');
    const revoked = await recordedChange(
      c,
      pool,
      (tx) => revokeApiKey(tx, id),
      (key) => ({ action: 'api-key.revoke', resource: { type: 'api-key', id: key.id }, tenantId: key.tenantId, after: { revokedAt: key.revokedAt } }),
    );
    if (!revoked) throw problems.notFound('API key', id);
    return c.body(null, 204);
  });

  return app;
}

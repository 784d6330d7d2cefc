import { Hono } from 'hono';
import { listApiKeys, revokeApiKey } from '../../db/api-keys.js';
import { createApiKeySchema } from '../../schemas/api-key.js';
import { pageQuerySchema } from '../../schemas/common.js';
import { createApiKey } from '../../services/api-keys.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { jsonBody, query } from '../validate.js';
import { platformOnly, tenantForNew } from '../tenant-scope.js';
import { tenantFilterSchema } from '../../schemas/tenant.js';
import { recordedChange } from '../audit.js';

export function keyRoutes({ pool, tenants }: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Keys are credentials: only the platform mints and revokes them, for itself or for one tenant.
  app.use('*', platformOnly);

  app.post('/', async (c) => {
    const input = await jsonBody(c, createApiKeySchema);
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

  app.get('/', async (c) => c.json(await listApiKeys(pool, query(c, pageQuerySchema.extend(tenantFilterSchema.shape)))));

  app.delete('/:id', async (c) => {
    const revoked = await recordedChange(
      c,
      pool,
      (tx) => revokeApiKey(tx, c.req.param('id')),
      (key) => ({ action: 'api-key.revoke', resource: { type: 'api-key', id: key.id }, tenantId: key.tenantId, after: { revokedAt: key.revokedAt } }),
    );
    if (!revoked) throw problems.notFound('API key', c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}

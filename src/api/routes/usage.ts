// Usage per tenant per UTC day, for billing and capping: one tenant's days (its
// own caller may read them), and every tenant's totals (the platform's alone).
// Read from usage_daily only, kept as the work happens (src/db/usage.ts).
import { Hono } from 'hono';
import { listTenantStandings } from '../../db/tenants.js';
import { platformUsage, tenantUsage } from '../../db/usage.js';
import { usageQuerySchema } from '../../schemas/usage.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { callerTenant, platformOnly } from '../tenant-scope.js';
import { query } from '../validate.js';

/** Mounted at /v1. */
export function usageRoutes(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/tenants/:id/usage', async (c) => {
    const id = c.req.param('id');
    const own = callerTenant(c);
    if (own !== undefined && own !== id) throw problems.notFound('Tenant', id);
    const range = query(c, usageQuerySchema);
    // A deleted tenant's usage stays readable: its last days still get billed.
    const [standing] = await listTenantStandings(deps.pool, { id });
    if (!standing) throw problems.notFound('Tenant', id);
    return c.json(await tenantUsage(deps.pool, id, range));
  });

  app.get('/usage', platformOnly, async (c) => c.json(await platformUsage(deps.pool, query(c, usageQuerySchema))));

  return app;
}

// Usage per tenant per UTC day, for billing and capping: one tenant's days (its
// own caller may read them), and every tenant's totals (the platform's alone).
// Read from usage_daily only, kept as the work happens (src/db/usage.ts).
import { OpenAPIHono } from '@hono/zod-openapi';
import { listTenantStandings } from '../../db/tenants.js';
import { platformUsage, tenantUsage } from '../../db/usage.js';
import { platformUsageSchema, tenantUsageSchema, usageQuerySchema } from '../../schemas/usage.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { callerTenant, platformOnly } from '../tenant-scope.js';
import { defineRoute, idParams, jsonAnswer, problemAnswers } from '../route.js';

const ofTenant = defineRoute({
  method: 'get',
  path: '/tenants/{id}/usage',
  summary: "A tenant's usage per UTC day: events, deliveries, attempts, failed attempts, bytes delivered",
  request: { params: idParams, query: usageQuerySchema },
  responses: { 200: jsonAnswer(tenantUsageSchema, "The tenant's days"), ...problemAnswers(404) },
});

const ofPlatform = defineRoute({
  method: 'get',
  path: '/usage',
  summary: "Every tenant's usage totals over a range of UTC days (the platform only)",
  middleware: [platformOnly],
  request: { query: usageQuerySchema },
  responses: { 200: jsonAnswer(platformUsageSchema, "Every tenant's totals") },
});

/** Mounted at /v1. */
export function usageRoutes(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(ofTenant, async (c) => {
    const { id } = c.req.valid('param');
    const own = callerTenant(c);
    if (own !== undefined && own !== id) throw problems.notFound('Tenant', id);
    const range = c.req.valid('query');
    // A deleted tenant's usage stays readable: its last days still get billed.
    const [standing] = await listTenantStandings(deps.pool, { id });
    if (!standing) throw problems.notFound('Tenant', id);
    return c.json(await tenantUsage(deps.pool, id, range), 200);
  });

  app.openapi(ofPlatform, async (c) => c.json(await platformUsage(deps.pool, c.req.valid('query')), 200));

  return app;
}

// The audit trail, read-only: the platform reads every tenant's (and the
// platform-wide changes), a caller limited to a tenant reads its own tenant's.
import { OpenAPIHono } from '@hono/zod-openapi';
import { listAuditEvents } from '../../db/audit-events.js';
import { auditEventSchema, listAuditEventsQuerySchema } from '../../schemas/audit-event.js';
import { pageSchema } from '../../schemas/common.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { tenantForList } from '../tenant-scope.js';
import { defineRoute, jsonAnswer, problemAnswers } from '../route.js';

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: "The audit trail: every change made through the API, oldest first (a limited caller: its own tenant's)",
  request: { query: listAuditEventsQuerySchema },
  responses: { 200: jsonAnswer(pageSchema(auditEventSchema), 'A page of audit events'), ...problemAnswers(404) },
});

export function auditEventRoutes({ pool }: ApiDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(list, async (c) => {
    const filters = c.req.valid('query');
    return c.json(await listAuditEvents(pool, { ...filters, tenantId: tenantForList(c, filters.tenantId) }), 200);
  });
  return app;
}

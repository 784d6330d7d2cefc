// The audit trail, read-only: the platform reads every tenant's (and the
// platform-wide changes), a caller limited to a tenant reads its own tenant's.
import { Hono } from 'hono';
import { listAuditEvents } from '../../db/audit-events.js';
import { listAuditEventsQuerySchema } from '../../schemas/audit-event.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { tenantForList } from '../tenant-scope.js';
import { query } from '../validate.js';

export function auditEventRoutes({ pool }: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const filters = query(c, listAuditEventsQuerySchema);
    return c.json(await listAuditEvents(pool, { ...filters, tenantId: tenantForList(c, filters.tenantId) }));
  });
  return app;
}

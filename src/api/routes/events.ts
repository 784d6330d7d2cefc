import { Hono } from 'hono';
import { idempotencyKeySchema, listEventsQuerySchema, publishEventSchema } from '../../schemas/event.js';
import { listEvents } from '../../db/events.js';
import { IdempotencyConflictError, getEvent, publishEvent } from '../../services/events.js';
import { EventRejectedError } from '../../catalog/event-catalog.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { callerTenant, tenantForList, tenantForNew } from '../tenant-scope.js';
import { jsonBody, parseWith, query } from '../validate.js';

export function eventRoutes(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const input = await jsonBody(c, publishEventSchema);
    const rawKey = c.req.header('idempotency-key');
    const key = rawKey === undefined ? undefined : parseWith(idempotencyKeySchema, rawKey, 'header.Idempotency-Key');
    const tenantId = await tenantForNew(c, deps.tenants, input.tenantId);
    // From memory, so publishing still needs nothing but Temporal (src/services/event-quota.ts).
    const admission = deps.eventQuota.admit(tenantId);
    if (!admission.ok) {
      const { quota, limit, retryAfterSeconds } = admission.refusal;
      throw problems.quotaExceeded(quota, limit, retryAfterSeconds);
    }
    try {
      const { event, duplicate, typeDeprecatedAt } = await publishEvent(deps, { ...input, tenantId }, key).catch((error: unknown) => {
        admission.release();
        throw error;
      });
      if (duplicate) {
        admission.release();
        c.header('idempotent-replayed', 'true');
      }
      if (typeDeprecatedAt !== undefined) {
        // RFC 9745: the type is deprecated since then (accepted all the same), and where to read about it.
        c.header('deprecation', `@${Math.floor(Date.parse(typeDeprecatedAt) / 1000)}`);
        c.header('link', `</v1/event-types/${input.type}>; rel="deprecation"`);
      }
      deps.metrics.eventsAccepted.inc({ replayed: String(duplicate) });
      return c.json(event, 202);
    } catch (error) {
      if (error instanceof IdempotencyConflictError) throw problems.conflict(error.message);
      if (error instanceof EventRejectedError) throw problems.validation(error.errors);
      throw error;
    }
  });

  app.get('/', async (c) => {
    const filters = query(c, listEventsQuerySchema);
    return c.json(await listEvents(deps.pool, { ...filters, tenantId: tenantForList(c, filters.tenantId) }));
  });

  app.get('/:id', async (c) => {
    const event = await getEvent(deps, c.req.param('id'));
    const tenantId = callerTenant(c);
    if (!event || (tenantId !== undefined && event.tenantId !== tenantId)) throw problems.notFound('Event', c.req.param('id'));
    return c.json(event);
  });

  return app;
}

import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  eventSchema,
  eventSummarySchema,
  idempotencyKeySchema,
  listEventsQuerySchema,
  publishEventSchema,
  publishedEventSchema,
} from '../../schemas/event.js';
import { pageSchema } from '../../schemas/common.js';
import { listEvents } from '../../db/events.js';
import { IdempotencyConflictError, getEvent, publishEvent } from '../../services/events.js';
import { EventRejectedError } from '../../catalog/event-catalog.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { callerTenant, tenantForList, tenantForNew } from '../tenant-scope.js';
import { defineRoute, idParams, jsonAnswer, jsonBody, problemAnswers } from '../route.js';

const publish = defineRoute({
  method: 'post',
  path: '/',
  summary: "Publish an event (Idempotency-Key honoured; 429 quota-exceeded once the tenant's eventsPerDay is used up)",
  request: {
    // Headers arrive lower-cased; the document spells them canonically.
    headers: z.object({ 'idempotency-key': idempotencyKeySchema.optional().describe('the same key always yields the same event') }),
    body: jsonBody(publishEventSchema),
  },
  responses: {
    202: jsonAnswer(publishedEventSchema, 'Accepted (or, with Idempotent-Replayed: true, the event this key already made)'),
    ...problemAnswers(409),
  },
});

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: "Events recorded, newest first, with their deliveries counted by status (a limited caller: its own tenant's)",
  request: { query: listEventsQuerySchema },
  responses: { 200: jsonAnswer(pageSchema(eventSummarySchema), 'A page of events'), ...problemAnswers(404) },
});

const get = defineRoute({
  method: 'get',
  path: '/{id}',
  summary: 'An event and the status of each of its deliveries',
  request: { params: idParams },
  responses: { 200: jsonAnswer(eventSchema, 'The event'), ...problemAnswers(404) },
});

export function eventRoutes(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(publish, async (c) => {
    const input = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
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

  app.openapi(list, async (c) => {
    const filters = c.req.valid('query');
    return c.json(await listEvents(deps.pool, { ...filters, tenantId: tenantForList(c, filters.tenantId) }), 200);
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const event = await getEvent(deps, id);
    const tenantId = callerTenant(c);
    if (!event || (tenantId !== undefined && event.tenantId !== tenantId)) throw problems.notFound('Event', id);
    return c.json(event, 200);
  });

  return app;
}

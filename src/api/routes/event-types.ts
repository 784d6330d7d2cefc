// The event catalog over HTTP. Event types are global (the platform's
// catalog, shared by every tenant): any caller with the `read` scope reads it,
// and only the platform's admins (keys not limited to a tenant) change it.
// Lookups by name go through findEventType alone.
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { SchemaInvalidError } from '../../catalog/payload-schema.js';
import { findEventType, listEventTypes, listSchemaVersions } from '../../db/event-types.js';
import { pageQuerySchema, pageSchema } from '../../schemas/common.js';
import { createEventTypeSchema, eventTypeSchemaVersionsSchema, eventTypeViewSchema, updateEventTypeSchema } from '../../schemas/event-type.js';
import { EventTypeExistsError, createEventType, updateEventType } from '../../services/event-types.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { defineRoute, isEmptyPatch, jsonAnswer, jsonBody, problemAnswers } from '../route.js';
import { platformOnly } from '../tenant-scope.js';
import { recordAudit } from '../audit.js';

const nameParams = z.object({ name: z.string().describe("the event type's name, e.g. order.created") });

const create = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Add an event type to the catalog (with a JSON Schema 2020-12 of its payload, and examples)',
  middleware: [platformOnly],
  request: { body: jsonBody(createEventTypeSchema) },
  responses: { 201: jsonAnswer(eventTypeViewSchema, 'The event type'), ...problemAnswers(409) },
});

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List the event catalog',
  request: { query: pageQuerySchema },
  responses: { 200: jsonAnswer(pageSchema(eventTypeViewSchema), 'A page of event types') },
});

const get = defineRoute({
  method: 'get',
  path: '/{name}',
  summary: 'An event type with its current schema and version',
  request: { params: nameParams },
  responses: { 200: jsonAnswer(eventTypeViewSchema, 'The event type'), ...problemAnswers(404) },
});

const update = defineRoute({
  method: 'patch',
  path: '/{name}',
  summary:
    'Change an event type; a new schema becomes the next version and must accept the stored examples (a breaking change is a new name, e.g. order.created.v2)',
  middleware: [platformOnly],
  request: { params: nameParams, body: jsonBody(updateEventTypeSchema) },
  responses: { 200: jsonAnswer(eventTypeViewSchema, 'The event type, changed'), ...problemAnswers(404) },
});

const schemaVersions = defineRoute({
  method: 'get',
  path: '/{name}/schemas',
  summary: "Every version of an event type's schema, newest first",
  request: { params: nameParams },
  responses: { 200: jsonAnswer(eventTypeSchemaVersionsSchema, 'The versions'), ...problemAnswers(404) },
});

export function eventTypeRoutes(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const { pool } = deps;
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(create, async (c) => {
    const input = c.req.valid('json');
    const created = await refusingInvalid(() => createEventType(deps, input));
    // The catalog is platform-wide: its changes belong to no tenant's trail.
    await recordAudit(c, pool, { action: 'event-type.create', resource: { type: 'event-type', id: created.name }, tenantId: null, after: created });
    return c.json(created, 201);
  });

  app.openapi(list, async (c) => c.json(await listEventTypes(pool, c.req.valid('query')), 200));

  app.openapi(get, async (c) => {
    const { name } = c.req.valid('param');
    const eventType = await findEventType(pool, name);
    if (!eventType) throw problems.notFound('Event type', name);
    return c.json(eventType, 200);
  });

  app.openapi(update, async (c) => {
    const { name } = c.req.valid('param');
    const before = await findEventType(pool, name);
    if (!before) throw problems.notFound('Event type', name);
    const patch = c.req.valid('json');
    if (isEmptyPatch(patch)) return c.json(before, 200);
    const eventType = await refusingInvalid(() => updateEventType(deps, name, patch));
    if (!eventType) throw problems.notFound('Event type', name);
    await recordAudit(c, pool, { action: 'event-type.update', resource: { type: 'event-type', id: name }, tenantId: null, before, after: eventType });
    return c.json(eventType, 200);
  });

  app.openapi(schemaVersions, async (c) => {
    const { name } = c.req.valid('param');
    if (!(await findEventType(pool, name))) throw problems.notFound('Event type', name);
    return c.json({ data: await listSchemaVersions(pool, name) }, 200);
  });

  return app;
}

/** A schema that does not compile, or an example it refuses: 422 naming each fault. */
async function refusingInvalid<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof SchemaInvalidError) throw problems.validation(error.errors);
    if (error instanceof EventTypeExistsError) throw problems.conflict(error.message);
    throw error;
  }
}

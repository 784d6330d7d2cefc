// The event catalog over HTTP. Event types are global (the platform's
// catalog, shared by every tenant): any caller with the `read` scope reads it,
// and only the platform's admins (keys not limited to a tenant) change it.
// Lookups by name go through findEventType alone.
import { Hono } from 'hono';
import { SchemaInvalidError } from '../../catalog/payload-schema.js';
import { findEventType, listEventTypes, listSchemaVersions } from '../../db/event-types.js';
import { pageQuerySchema } from '../../schemas/common.js';
import { createEventTypeSchema, updateEventTypeSchema } from '../../schemas/event-type.js';
import { EventTypeExistsError, createEventType, updateEventType } from '../../services/event-types.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { platformOnly } from '../tenant-scope.js';
import { jsonBody, query } from '../validate.js';
import { recordAudit } from '../audit.js';

export function eventTypeRoutes(deps: ApiDeps): Hono<AppEnv> {
  const { pool } = deps;
  const app = new Hono<AppEnv>();

  app.post('/', platformOnly, async (c) => {
    const input = await jsonBody(c, createEventTypeSchema);
    const created = await refusingInvalid(() => createEventType(deps, input));
    // The catalog is platform-wide: its changes belong to no tenant's trail.
    await recordAudit(c, pool, { action: 'event-type.create', resource: { type: 'event-type', id: created.name }, tenantId: null, after: created });
    return c.json(created, 201);
  });

  app.get('/', async (c) => c.json(await listEventTypes(pool, query(c, pageQuerySchema))));

  app.get('/:name', async (c) => {
    const eventType = await findEventType(pool, c.req.param('name'));
    if (!eventType) throw problems.notFound('Event type', c.req.param('name'));
    return c.json(eventType);
  });

  app.patch('/:name', platformOnly, async (c) => {
    const name = c.req.param('name');
    const before = await findEventType(pool, name);
    if (!before) throw problems.notFound('Event type', name);
    const patch = await jsonBody(c, updateEventTypeSchema);
    const eventType = await refusingInvalid(() => updateEventType(deps, name, patch));
    if (!eventType) throw problems.notFound('Event type', name);
    await recordAudit(c, pool, { action: 'event-type.update', resource: { type: 'event-type', id: name }, tenantId: null, before, after: eventType });
    return c.json(eventType);
  });

  app.get('/:name/schemas', async (c) => {
    const name = c.req.param('name');
    if (!(await findEventType(pool, name))) throw problems.notFound('Event type', name);
    return c.json({ data: await listSchemaVersions(pool, name) });
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

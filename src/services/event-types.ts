// Changing the event catalog: every schema compiles under JSON Schema
// 2020-12, every example validates against its type's schema, and a new
// schema version must still accept the examples stored before it (a cheap
// guard against breaking changes, which belong under a new name such as
// `order.created.v2`). Each change reloads this process's catalog before it
// answers, so the next publish here already sees it.
import type { FieldError } from '../api/problem.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { SchemaInvalidError, compilePayloadSchema, validationErrors, type PayloadValidator } from '../catalog/payload-schema.js';
import { findEventType, insertEventType, insertSchemaVersion, updateEventTypeFields } from '../db/event-types.js';
import { inTransaction, type Pool } from '../db/pool.js';
import type { CreateEventType, EventType, UpdateEventType } from '../schemas/event-type.js';

export class EventTypeExistsError extends Error {}

interface CatalogDeps {
  pool: Pool;
  catalog: EventCatalog;
}

/** Creates a type (its schema, if any, as version 1); a taken name throws EventTypeExistsError. */
export async function createEventType(deps: CatalogDeps, input: CreateEventType): Promise<EventType> {
  const examples = input.examples ?? [];
  if (input.schema !== undefined) refuseInvalidExamples(compilePayloadSchema(input.schema), examples, 'examples');
  const created = await inTransaction(deps.pool, (tx) =>
    insertEventType(tx, {
      name: input.name,
      description: input.description ?? '',
      examples,
      deprecated: input.deprecated ?? false,
      schema: input.schema,
    }),
  );
  if (!created) throw new EventTypeExistsError(`event type "${input.name}" already exists; change it with PATCH /v1/event-types/${input.name}`);
  await deps.catalog.reload();
  return created;
}

/**
 * Changes a type; a `schema` different from the current one becomes the next
 * version. Undefined when there is no such type.
 */
export async function updateEventType(deps: CatalogDeps, name: string, patch: UpdateEventType): Promise<EventType | undefined> {
  const updated = await inTransaction(deps.pool, async (tx) => {
    const current = await findEventType(tx, name, { forUpdate: true });
    if (!current) return undefined;
    const newSchema = patch.schema !== undefined && !sameJson(patch.schema, current.schema) ? patch.schema : undefined;
    const schema = newSchema ?? current.schema;
    if (schema !== null) {
      const validate = compilePayloadSchema(schema);
      if (newSchema !== undefined) refuseBreakingSchema(validate, current);
      if (patch.examples !== undefined) refuseInvalidExamples(validate, patch.examples, 'examples');
    }
    await updateEventTypeFields(tx, name, patch);
    if (newSchema !== undefined) await insertSchemaVersion(tx, name, (current.schemaVersion ?? 0) + 1, newSchema);
    return findEventType(tx, name);
  });
  if (updated) await deps.catalog.reload();
  return updated;
}

function refuseInvalidExamples(validate: PayloadValidator, examples: readonly unknown[], path: string): void {
  const errors = examples.flatMap((example, index) => validationErrors(validate, example, `${path}/${index}`));
  if (errors.length > 0) throw new SchemaInvalidError(errors);
}

/** The stored examples stand for the payloads producers send today: a new version that refuses one breaks them. */
function refuseBreakingSchema(validate: PayloadValidator, current: EventType): void {
  const errors: FieldError[] = current.examples.flatMap((example, index) =>
    validationErrors(validate, example, `examples/${index}`).map((error) => ({
      path: 'schema',
      message:
        `refuses the stored example ${index} (${error.path}: ${error.message}). ` +
        `A breaking change is a new event type, such as "${nextMajorName(current.name)}"; a new version must accept what the type accepted`,
    })),
  );
  if (errors.length > 0) throw new SchemaInvalidError(errors);
}

/** The name a breaking change would take: `order.created` → `order.created.v2`, `order.created.v2` → `order.created.v3`. */
export function nextMajorName(name: string): string {
  const major = /^(.*)\.v(\d+)$/.exec(name);
  return major ? `${major[1]}.v${Number(major[2]) + 1}` : `${name}.v2`;
}

/** Two schemas differing only in key order are the same schema: no new version. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

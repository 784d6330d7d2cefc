// The event catalog's tables: event_types, and event_type_schemas holding
// every schema version (the current one is the highest). Event types are
// global, shared by every tenant: nothing here is scoped.
import type { Page } from '../schemas/common.js';
import type { EventType, EventTypeSchemaVersion } from '../schemas/event-type.js';
import type { JsonSchema } from '../catalog/payload-schema.js';
import { afterCursorSql, pageParams, toPage } from './page.js';
import type { Queryable } from './pool.js';

interface EventTypeRow {
  /** The name; called `id` so the shared keyset pagination applies. */
  id: string;
  description: string;
  examples: unknown[];
  deprecated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number | null;
  schema: JsonSchema | null;
}

/** Each type with its current schema version (or none). */
const EVENT_TYPES_VIEW = `
  SELECT t.name AS id, t.description, t.examples, t.deprecated_at, t.created_at, t.updated_at, s.version, s.schema
  FROM event_types t
  LEFT JOIN LATERAL (
    SELECT version, schema FROM event_type_schemas WHERE name = t.name ORDER BY version DESC LIMIT 1
  ) s ON true`;

function toEventType(row: EventTypeRow): EventType {
  return {
    name: row.id,
    description: row.description,
    schema: row.schema as EventType['schema'],
    schemaVersion: row.version,
    examples: row.examples as EventType['examples'],
    deprecated: row.deprecated_at !== null,
    deprecatedAt: row.deprecated_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Inserts a type (and its schema as version 1); undefined when the name is taken. */
export async function insertEventType(
  db: Queryable,
  input: { name: string; description: string; examples: unknown[]; deprecated: boolean; schema: JsonSchema | undefined },
): Promise<EventType | undefined> {
  const { rowCount } = await db.query(
    `INSERT INTO event_types (name, description, examples, deprecated_at)
     VALUES ($1, $2, $3, CASE WHEN $4::boolean THEN date_trunc('milliseconds', now()) END)
     ON CONFLICT (name) DO NOTHING`,
    [input.name, input.description, JSON.stringify(input.examples), input.deprecated],
  );
  if (rowCount === 0) return undefined;
  if (input.schema !== undefined) await insertSchemaVersion(db, input.name, 1, input.schema);
  return findEventType(db, input.name);
}

/**
 * One type with its current schema. `forUpdate` locks the type's row until
 * the transaction ends, so two changes to one type run one after the other.
 */
export async function findEventType(db: Queryable, name: string, options: { forUpdate?: boolean } = {}): Promise<EventType | undefined> {
  if (options.forUpdate) await db.query('SELECT 1 FROM event_types WHERE name = $1 FOR UPDATE', [name]);
  const { rows } = await db.query<EventTypeRow>(`SELECT * FROM (${EVENT_TYPES_VIEW}) v WHERE id = $1`, [name]);
  return rows[0] && toEventType(rows[0]);
}

export async function listEventTypes(db: Queryable, query: { limit: number; cursor?: string | undefined }): Promise<Page<EventType>> {
  const { rows } = await db.query<EventTypeRow>(
    `SELECT * FROM (${EVENT_TYPES_VIEW}) v WHERE ${afterCursorSql(1)} ORDER BY created_at, id LIMIT $3`,
    pageParams(query),
  );
  return toPage(rows, query.limit, toEventType);
}

/** The whole catalog, for the in-memory copy (src/catalog/event-catalog.ts). */
export async function allEventTypes(db: Queryable): Promise<EventType[]> {
  const { rows } = await db.query<EventTypeRow>(`${EVENT_TYPES_VIEW} ORDER BY t.name`);
  return rows.map(toEventType);
}

/** Changes the given fields; `deprecated` keeps the first deprecation time while it stays deprecated. */
export async function updateEventTypeFields(
  db: Queryable,
  name: string,
  patch: { description?: string | undefined; examples?: unknown[] | undefined; deprecated?: boolean | undefined },
): Promise<void> {
  await db.query(
    `UPDATE event_types SET
       description = COALESCE($2, description),
       examples = COALESCE($3::json, examples),
       deprecated_at = CASE
         WHEN $4::boolean IS NULL THEN deprecated_at
         WHEN $4::boolean THEN COALESCE(deprecated_at, date_trunc('milliseconds', now()))
         ELSE NULL END,
       updated_at = date_trunc('milliseconds', now())
     WHERE name = $1`,
    [name, patch.description ?? null, patch.examples === undefined ? null : JSON.stringify(patch.examples), patch.deprecated ?? null],
  );
}

export async function insertSchemaVersion(db: Queryable, name: string, version: number, schema: JsonSchema): Promise<void> {
  await db.query('INSERT INTO event_type_schemas (name, version, schema) VALUES ($1, $2, $3)', [name, version, JSON.stringify(schema)]);
}

/** Every schema version of a type, newest first. */
export async function listSchemaVersions(db: Queryable, name: string): Promise<EventTypeSchemaVersion[]> {
  const { rows } = await db.query<{ version: number; schema: JsonSchema; created_at: Date }>(
    'SELECT version, schema, created_at FROM event_type_schemas WHERE name = $1 ORDER BY version DESC',
    [name],
  );
  return rows.map((row) => ({
    version: row.version,
    schema: row.schema as EventTypeSchemaVersion['schema'],
    createdAt: row.created_at.toISOString(),
  }));
}

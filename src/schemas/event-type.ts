import { z } from 'zod';
import { eventTypeSchema, jsonValueSchema, textSchema, timestampSchema } from './common.js';

/**
 * A JSON Schema 2020-12 object describing an event's payload. zod only sees
 * that it is an object; Ajv checks it against the meta-schema and compiles it
 * (src/catalog/payload-schema.ts).
 */
export const payloadJsonSchema = z
  .record(z.string(), jsonValueSchema)
  .describe('A JSON Schema (2020-12) of the payload, compiled in strict mode: unknown keywords are refused')
  .refine((schema) => JSON.stringify(schema).length <= 64 * 1024, 'a schema may be at most 64 KiB of JSON');

const eventTypeFields = {
  description: textSchema(2000),
  schema: payloadJsonSchema,
  /** Payloads that must validate against the schema; they also guard later versions against breaking changes. */
  examples: z.array(jsonValueSchema).max(20).describe("each must validate against the schema (the new one, or the type's current one)"),
  /** Deprecated types are still accepted; publishing one answers a Deprecation header. */
  deprecated: z.boolean(),
};

export const createEventTypeSchema = z.strictObject({
  name: eventTypeSchema,
  description: eventTypeFields.description.optional(),
  schema: eventTypeFields.schema.optional(),
  examples: eventTypeFields.examples.optional(),
  deprecated: eventTypeFields.deprecated.optional(),
});
export type CreateEventType = z.infer<typeof createEventTypeSchema>;

/** A new `schema` becomes the next version; the name never changes (a breaking change is a new name). */
export const updateEventTypeSchema = z
  .strictObject(eventTypeFields)
  .partial()
  .describe('`{}` changes nothing (an empty merge patch, RFC 7396) and answers the event type as it is');
export type UpdateEventType = z.infer<typeof updateEventTypeSchema>;

export const eventTypeViewSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** The current schema; null for a type without one (any payload is accepted). */
  schema: z.record(z.string(), jsonValueSchema).nullable(),
  schemaVersion: z.number().int().nullable(),
  examples: z.array(jsonValueSchema),
  deprecated: z.boolean(),
  deprecatedAt: timestampSchema.nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type EventType = z.infer<typeof eventTypeViewSchema>;

export const eventTypeSchemaVersionSchema = z.object({
  version: z.number().int(),
  schema: z.record(z.string(), jsonValueSchema),
  createdAt: timestampSchema,
});
export type EventTypeSchemaVersion = z.infer<typeof eventTypeSchemaVersionSchema>;

/** `GET /v1/event-types/:name/schemas`: newest first. */
export const eventTypeSchemaVersionsSchema = z.object({ data: z.array(eventTypeSchemaVersionSchema) });

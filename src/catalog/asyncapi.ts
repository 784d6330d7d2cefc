// The event catalog as an AsyncAPI 3.0 document (served at /asyncapi.json):
// what a subscriber receives, one channel and message per event type. Pure.
//
// Each message's payload is the Standard Webhooks body hookflow POSTs,
// `{type, timestamp, data}`, with `data` the type's own schema. Schemas are
// JSON Schema 2020-12, which AsyncAPI does not list among its formats but
// allows as a custom one: every payload says so in `schemaFormat`.
import type { EventType } from '../schemas/event-type.js';

export const JSON_SCHEMA_2020_12_FORMAT = 'application/schema+json;version=2020-12';

/** The headers every webhook carries (Standard Webhooks). */
const WEBHOOK_HEADERS = {
  type: 'object',
  required: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  properties: {
    'webhook-id': { type: 'string', description: "The event's id: the same on every retry, for receivers to drop duplicates." },
    'webhook-timestamp': {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'When this attempt was signed, in seconds since the epoch; refuse old ones to stop replays.',
    },
    'webhook-signature': {
      type: 'string',
      description:
        'Space-separated signatures of `${webhook-id}.${webhook-timestamp}.${body}`, each `<version>,<base64>` ' +
        '(`v1`: HMAC-SHA256 with the subscription secret); one verifying is enough, several appear while a secret is rotated.',
    },
  },
};

export interface AsyncApiInfo {
  title: string;
  version: string;
}

export function asyncApiDocument(types: readonly EventType[], info: AsyncApiInfo): object {
  const channels: Record<string, object> = {};
  const operations: Record<string, object> = {};
  const messages: Record<string, object> = {};
  // In name order, by code unit: the same document on every machine, whatever its locale.
  for (const type of [...types].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // Event type names are valid component keys as they are (letters, digits, ".", "_", "-").
    const id = type.name;
    messages[id] = messageObject(type);
    channels[id] = {
      // Webhooks go to each subscriber's own URL: no address the document can name.
      address: null,
      title: type.name,
      ...(type.description ? { description: type.description } : {}),
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
    };
    operations[id] = {
      action: 'send',
      title: `POST ${type.name}`,
      summary: `hookflow POSTs each ${type.name} event to every subscription to it`,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'The events hookflow delivers: each is an HTTP POST of a JSON body to the subscription URL, signed as Standard ' +
        'Webhooks (https://www.standardwebhooks.com) specify. A deprecated type is still delivered; a breaking change ' +
        'is published as a new type (order.created.v2).',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}

function messageObject(type: EventType): object {
  return {
    name: type.name,
    title: type.name,
    ...(type.description ? { summary: type.description } : {}),
    contentType: 'application/json',
    headers: WEBHOOK_HEADERS,
    payload: { schemaFormat: JSON_SCHEMA_2020_12_FORMAT, schema: webhookBodySchema(type) },
    ...(type.examples.length > 0
      ? {
          examples: type.examples.map((data, index) => ({
            name: `example-${index}`,
            payload: { type: type.name, timestamp: '2026-01-01T00:00:00.000Z', data },
          })),
        }
      : {}),
    ...(type.deprecated ? { 'x-deprecated': true, 'x-deprecated-at': type.deprecatedAt } : {}),
    ...(type.schemaVersion === null ? {} : { 'x-schema-version': type.schemaVersion }),
  };
}

/** What hookflow POSTs (src/delivery/payload.ts): the payload as `data`, under the type and acceptance time. */
function webhookBodySchema(type: EventType): object {
  const { $schema: _dialect, ...schema } = type.schema ?? {};
  // The type's schema sits inside the document now: its own `#/$defs/...` references must say where.
  const data = rebaseLocalRefs(schema, `#/components/messages/${type.name}/payload/schema/properties/data`);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['type', 'timestamp', 'data'],
    properties: {
      type: { const: type.name },
      timestamp: { type: 'string', format: 'date-time', description: 'when hookflow accepted the event' },
      data: type.schema === null ? { description: 'any JSON value: this type has no schema' } : data,
    },
    ...(type.deprecated ? { deprecated: true } : {}),
  };
}

/**
 * A copy of `schema` with its document-local references (`#`, `#/$defs/money`)
 * pointing below `base`, where the schema now lives. AsyncAPI tools resolve
 * references against the whole document, so they must be absolute in it.
 * Values (const, enum, default, examples) are data, left as they are.
 */
export function rebaseLocalRefs(schema: unknown, base: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rebaseLocalRefs(item, base));
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as Record<string, unknown>).map(([key, value]) => {
      if (VALUE_KEYWORDS.has(key)) return [key, value];
      if ((key === '$ref' || key === '$dynamicRef') && typeof value === 'string' && value.startsWith('#')) return [key, `${base}${value.slice(1)}`];
      // Under these, keys are names (a property may well be called "const"), each holding a schema.
      if (NAMED_SCHEMAS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return [key, Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, rebaseLocalRefs(sub, base)]))];
      }
      return [key, rebaseLocalRefs(value, base)];
    }),
  );
}

const VALUE_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);
const NAMED_SCHEMAS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

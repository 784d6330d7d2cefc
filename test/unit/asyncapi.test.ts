import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_2020_12_FORMAT, asyncApiDocument, rebaseLocalRefs } from '../../src/catalog/asyncapi.js';
import type { EventType } from '../../src/schemas/event-type.js';

function eventType(overrides: Partial<EventType> & { name: string }): EventType {
  return {
    description: '',
    schema: null,
    schemaVersion: null,
    examples: [],
    deprecated: false,
    deprecatedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const ORDER = eventType({
  name: 'order.created',
  description: 'An order was placed.',
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['total'],
    properties: { total: { $ref: '#/$defs/money' } },
    $defs: { money: { type: 'string', pattern: '^[0-9]+\\.[0-9]{2}$' } },
  },
  schemaVersion: 3,
  examples: [{ total: '12.50' }],
});
const LEGACY = eventType({ name: 'order.paid', deprecated: true, deprecatedAt: '2026-02-01T00:00:00.000Z' });

const doc = asyncApiDocument([LEGACY, ORDER], { title: 'hookflow events', version: '1.2.3' }) as any;

describe('the AsyncAPI document', () => {
  it('is AsyncAPI 3.0 with one channel, operation and message per type, in name order', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info).toMatchObject({ title: 'hookflow events', version: '1.2.3' });
    expect(Object.keys(doc.channels)).toEqual(['order.created', 'order.paid']);
    expect(Object.keys(doc.operations)).toEqual(['order.created', 'order.paid']);
    expect(Object.keys(doc.components.messages)).toEqual(['order.created', 'order.paid']);
    expect(doc.channels['order.created']).toMatchObject({
      address: null,
      description: 'An order was placed.',
      messages: { 'order.created': { $ref: '#/components/messages/order.created' } },
    });
    expect(doc.operations['order.created']).toMatchObject({
      action: 'send',
      channel: { $ref: '#/channels/order.created' },
      messages: [{ $ref: '#/channels/order.created/messages/order.created' }],
    });
  });

  it("describes the webhook body with the type's schema as `data`, in JSON Schema 2020-12", () => {
    const message = doc.components.messages['order.created'];
    expect(message).toMatchObject({ name: 'order.created', summary: 'An order was placed.', contentType: 'application/json', 'x-schema-version': 3 });
    expect(message.payload.schemaFormat).toBe(JSON_SCHEMA_2020_12_FORMAT);
    const body = message.payload.schema;
    expect(body.required).toEqual(['type', 'timestamp', 'data']);
    expect(body.properties.type).toEqual({ const: 'order.created' });
    // The type's own $defs travel with it, and its references point at them inside the document.
    expect(body.properties.data).toEqual({
      type: 'object',
      required: ['total'],
      properties: { total: { $ref: '#/components/messages/order.created/payload/schema/properties/data/$defs/money' } },
      $defs: { money: { type: 'string', pattern: '^[0-9]+\\.[0-9]{2}$' } },
    });
  });

  it('carries the examples as webhook bodies, and the Standard Webhooks headers', () => {
    const message = doc.components.messages['order.created'];
    expect(message.examples).toEqual([
      { name: 'example-0', payload: { type: 'order.created', timestamp: '2026-01-01T00:00:00.000Z', data: { total: '12.50' } } },
    ]);
    expect(message.headers.required).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  });

  it('marks deprecated types, and leaves the data of schemaless types open', () => {
    const message = doc.components.messages['order.paid'];
    expect(message['x-deprecated']).toBe(true);
    expect(message['x-deprecated-at']).toBe('2026-02-01T00:00:00.000Z');
    expect(message.payload.schema.deprecated).toBe(true);
    expect(message.payload.schema.properties.data).toEqual({ description: 'any JSON value: this type has no schema' });
    expect(message).not.toHaveProperty('examples');
    expect(message).not.toHaveProperty('x-schema-version');
    expect(doc.components.messages['order.created']).not.toHaveProperty('x-deprecated');
  });

  it('an empty catalog is an empty document, not a broken one', () => {
    const empty = asyncApiDocument([], { title: 't', version: '0' }) as any;
    expect(empty).toMatchObject({ asyncapi: '3.0.0', channels: {}, operations: {}, components: { messages: {} } });
  });
});

describe('rebaseLocalRefs', () => {
  const base = '#/at';

  it('rebases local $ref and $dynamicRef, anywhere in the schema', () => {
    expect(rebaseLocalRefs({ $ref: '#', items: [{ $dynamicRef: '#node' }], allOf: [{ $ref: '#/$defs/a' }] }, base)).toEqual({
      $ref: '#/at',
      items: [{ $dynamicRef: '#/atnode' }],
      allOf: [{ $ref: '#/at/$defs/a' }],
    });
  });

  it('leaves remote references and data alone', () => {
    const schema = {
      $ref: 'https://example.com/schema',
      const: { $ref: '#/not-a-ref' },
      enum: [{ $ref: '#/x' }],
      default: { $ref: '#/y' },
      examples: [{ $ref: '#/z' }],
    };
    expect(rebaseLocalRefs(schema, base)).toEqual(schema);
  });

  it('treats the keys under properties and $defs as names, not keywords', () => {
    expect(rebaseLocalRefs({ properties: { const: { $ref: '#/$defs/c' }, $ref: { type: 'string' } }, $defs: { enum: { $ref: '#' } } }, base)).toEqual(
      {
        properties: { const: { $ref: '#/at/$defs/c' }, $ref: { type: 'string' } },
        $defs: { enum: { $ref: '#/at' } },
      },
    );
  });
});

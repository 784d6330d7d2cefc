import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  MAX_REPORTED_ERRORS,
  SchemaInvalidError,
  compilePayloadSchema,
  escapePointerToken,
  fieldErrorsFromAjv,
  validationErrors,
  type JsonSchema,
} from '../../src/catalog/payload-schema.js';
import { nextMajorName } from '../../src/services/event-types.js';

const ORDER: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['orderId', 'amount', 'customer'],
  additionalProperties: false,
  properties: {
    orderId: { type: 'integer' },
    amount: { type: 'number', minimum: 0 },
    customer: {
      type: 'object',
      required: ['email'],
      properties: { email: { type: 'string', format: 'email' }, 'a/b~c': { type: 'string' } },
    },
    lines: { type: 'array', items: { $ref: '#/$defs/line' } },
  },
  $defs: { line: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } },
};

function errorsFor(schema: JsonSchema, payload: unknown) {
  return validationErrors(compilePayloadSchema(schema), payload, 'payload');
}

function compileErrors(schema: JsonSchema) {
  try {
    compilePayloadSchema(schema);
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaInvalidError);
    return (error as SchemaInvalidError).errors;
  }
  throw new Error('expected the schema to be refused');
}

describe('payload validation errors', () => {
  it('a valid payload has none', () => {
    expect(errorsFor(ORDER, { orderId: 1, amount: 2.5, customer: { email: 'a@example.com' }, lines: [{ sku: 'x' }] })).toEqual([]);
  });

  it('names a missing property by its own pointer', () => {
    expect(errorsFor(ORDER, { orderId: 1, amount: 1, customer: {} })).toEqual([{ path: 'payload/customer/email', message: 'is required' }]);
  });

  it('names a value of the wrong type, and every failure at once', () => {
    expect(errorsFor(ORDER, { orderId: 'one', amount: -1, customer: { email: 'a@example.com' } })).toEqual([
      { path: 'payload/orderId', message: 'must be integer' },
      { path: 'payload/amount', message: 'must be >= 0' },
    ]);
  });

  it('names a property additionalProperties forbids', () => {
    expect(errorsFor(ORDER, { orderId: 1, amount: 1, customer: { email: 'a@example.com' }, coupon: 'X' })).toEqual([
      { path: 'payload/coupon', message: 'is not allowed (additionalProperties is false)' },
    ]);
  });

  it('checks formats, and follows $refs into arrays', () => {
    expect(errorsFor(ORDER, { orderId: 1, amount: 1, customer: { email: 'nope' }, lines: [{ sku: 'a' }, {}] })).toEqual([
      { path: 'payload/customer/email', message: 'must match format "email"' },
      { path: 'payload/lines/1/sku', message: 'is required' },
    ]);
  });

  it('escapes "/" and "~" in property names (RFC 6901)', () => {
    expect(escapePointerToken('a/b~c')).toBe('a~1b~0c');
    expect(errorsFor(ORDER, { orderId: 1, amount: 1, customer: { email: 'a@example.com', 'a/b~c': 5 } })).toEqual([
      { path: 'payload/customer/a~1b~0c', message: 'must be string' },
    ]);
    expect(errorsFor({ type: 'object', required: ['x/y'] }, {})).toEqual([{ path: 'payload/x~1y', message: 'is required' }]);
  });

  it('names the root as the bare prefix', () => {
    expect(errorsFor(ORDER, 'a string')).toEqual([{ path: 'payload', message: 'must be object' }]);
  });

  it('names unevaluated and dependent properties', () => {
    const schema = { type: 'object', properties: { a: {} }, unevaluatedProperties: false, dependentRequired: { a: ['b'] } };
    expect(errorsFor(schema, { a: 1, c: 2 })).toEqual([
      { path: 'payload/b', message: 'is required' },
      { path: 'payload/c', message: 'is not allowed (unevaluatedProperties is false)' },
    ]);
  });

  it(`lists at most ${MAX_REPORTED_ERRORS} failures and counts the rest`, () => {
    const errors = errorsFor(
      { type: 'array', items: { type: 'string' } },
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(errors).toHaveLength(MAX_REPORTED_ERRORS + 1);
    expect(errors[0]).toEqual({ path: 'payload/0', message: 'must be string' });
    expect(errors.at(-1)).toEqual({ path: 'payload', message: `and ${50 - MAX_REPORTED_ERRORS} more failures, not listed` });
  });

  it('merges duplicate failures', () => {
    const duplicate: ErrorObject = { instancePath: '/a', schemaPath: '#/x', keyword: 'type', params: { type: 'string' }, message: 'must be string' };
    expect(fieldErrorsFromAjv([duplicate, { ...duplicate, schemaPath: '#/y' }], 'examples/0')).toEqual([
      { path: 'examples/0/a', message: 'must be string' },
    ]);
  });
});

describe('schemas the catalog refuses', () => {
  it('one the 2020-12 meta-schema refuses, naming where', () => {
    const errors = compileErrors({ type: 'object', properties: { a: { type: 'text' } } });
    expect(errors).toContainEqual({ path: 'schema/properties/a/type', message: 'must be equal to one of the allowed values' });
  });

  it('another dialect', () => {
    expect(compileErrors({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' })).toEqual([
      { path: 'schema/$schema', message: expect.stringContaining('only JSON Schema 2020-12 is supported') },
    ]);
  });

  it('an unknown keyword (a typo), an unknown format, an unresolvable $ref, a bad pattern', () => {
    expect(compileErrors({ type: 'object', requried: ['a'] })).toEqual([{ path: 'schema', message: 'strict mode: unknown keyword: "requried"' }]);
    expect(compileErrors({ type: 'string', format: 'colour' })[0]!.message).toContain('unknown format "colour"');
    expect(compileErrors({ $ref: '#/$defs/missing' })[0]!.message).toContain("can't resolve reference");
    expect(compileErrors({ type: 'string', pattern: '(' })[0]!.path).toMatch(/^schema/);
  });

  it('accepts the 2020-12 dialect named with or without "#", and schemas sharing an $id', () => {
    expect(() => compilePayloadSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema#', type: 'string' })).not.toThrow();
    expect(() => compilePayloadSchema({ $id: 'https://example.com/order', type: 'object' })).not.toThrow();
    expect(() => compilePayloadSchema({ $id: 'https://example.com/order', type: 'object', required: ['a'] })).not.toThrow();
  });
});

describe('nextMajorName', () => {
  it.each([
    ['order.created', 'order.created.v2'],
    ['order.created.v2', 'order.created.v3'],
    ['order.created.v10', 'order.created.v11'],
    ['v2', 'v2.v2'],
  ])('%s → %s', (name, next) => expect(nextMajorName(name)).toBe(next));
});

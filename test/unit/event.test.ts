import { describe, expect, it } from 'vitest';
import { idSchema } from '../../src/schemas/common.js';
import { idempotencyKeySchema, publishEventSchema } from '../../src/schemas/event.js';

function paths(input: unknown) {
  const result = publishEventSchema.safeParse(input);
  expect(result.success).toBe(false);
  // One field can fail several checks (e.g. "" is too short and fails the regex): compare distinct paths.
  const distinct = new Map(result.error!.issues.map((issue) => [JSON.stringify(issue.path), issue.path]));
  return [...distinct.values()];
}

describe('publishEventSchema', () => {
  describe('payload accepts any JSON value', () => {
    it.each([
      ['object', { orderId: 42, items: [{ sku: 'a', qty: 1 }], meta: { nested: { deep: true } } }],
      ['empty object', {}],
      ['array', [1, 'two', null, false, { x: [] }]],
      ['empty array', []],
      ['string', 'hello'],
      ['empty string', ''],
      ['number', 42],
      ['float', -3.5],
      ['zero', 0],
      ['null', null],
      ['true', true],
      ['false', false],
      ['unicode', { text: '日本語 🎉' }],
    ])('%s', (_name, payload) => {
      const parsed = publishEventSchema.parse({ type: 'order.created', payload });
      expect(parsed).toEqual({ type: 'order.created', payload });
    });
  });

  describe('payload rejects what JSON cannot carry', () => {
    it.each([
      ['undefined', undefined],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a function', () => 1],
      ['a Date', new Date('2025-01-01T00:00:00Z')],
      ['a bigint', 1n],
      ['an object with an undefined value', { a: undefined }],
      ['an array with an undefined element', [1, undefined]],
    ])('%s', (_name, payload) => {
      expect(publishEventSchema.safeParse({ type: 'a', payload }).success).toBe(false);
    });
  });

  it('accepts an id', () => {
    expect(publishEventSchema.parse({ type: 'a', payload: 1, id: 'evt_123' })).toEqual({ type: 'a', payload: 1, id: 'evt_123' });
  });

  it('rejects a missing type at path ["type"]', () => {
    expect(paths({ payload: {} })).toEqual([['type']]);
  });

  it('rejects a missing payload at path ["payload"]', () => {
    expect(paths({ type: 'order.created' })).toEqual([['payload']]);
  });

  it('rejects an empty input with both fields missing', () => {
    expect(paths({})).toEqual(expect.arrayContaining([['type'], ['payload']]));
  });

  it.each(['', 'a..b', 'has space', '*', 'order.*', '.a', 'a.', 'x'.repeat(129)])('rejects event type %j', (type) => {
    expect(paths({ type, payload: {} })).toEqual([['type']]);
  });

  it('accepts a 128-character event type', () => {
    expect(publishEventSchema.safeParse({ type: 'x'.repeat(128), payload: {} }).success).toBe(true);
  });

  it.each(['evt:1', 'a:b', ':', 'has space', 'slash/id', 'ü', '', 'x'.repeat(129), 'question?', 'hash#'])('rejects id %j at path ["id"]', (id) => {
    expect(paths({ type: 'a', payload: {}, id })).toEqual([['id']]);
  });

  it.each(['a', 'evt_1', 'A-b_c.d', '0', 'x'.repeat(128)])('accepts id %j', (id) => {
    expect(publishEventSchema.parse({ type: 'a', payload: {}, id }).id).toBe(id);
  });

  it('rejects a non-string id', () => {
    expect(paths({ type: 'a', payload: {}, id: 1 })).toEqual([['id']]);
  });

  it('rejects NUL characters anywhere in the payload (PostgreSQL stores none), naming where', () => {
    for (const [payload, path] of [
      ['a\u0000b', ['payload']],
      [{ note: 'x\u0000' }, ['payload', 'note']],
      [{ items: [{ ok: 'fine' }, { name: '\u0000' }] }, ['payload', 'items', 1, 'name']],
      [{ 'bad\u0000key': 1 }, ['payload', 'bad\u0000key']],
    ] as const) {
      const result = publishEventSchema.safeParse({ type: 'a', payload });
      expect(result.success).toBe(false);
      expect(result.error!.issues.map((i) => i.path)).toEqual([path]);
    }
    expect(publishEventSchema.safeParse({ type: 'a', payload: { note: 'no nul here \\u0000' } }).success).toBe(true);
  });

  it('rejects unknown fields (strict)', () => {
    const result = publishEventSchema.safeParse({ type: 'a', payload: {}, idempotencyKey: 'k' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.code).toBe('unrecognized_keys');
  });
});

describe('idSchema', () => {
  it('never allows ":" (workflow ids use it as a separator)', () => {
    expect(idSchema.safeParse('a:b').success).toBe(false);
    expect(idSchema.safeParse('ab').success).toBe(true);
  });

  it('is bounded to 1..128 characters', () => {
    expect(idSchema.safeParse('').success).toBe(false);
    expect(idSchema.safeParse('a'.repeat(128)).success).toBe(true);
    expect(idSchema.safeParse('a'.repeat(129)).success).toBe(false);
  });
});

describe('idempotencyKeySchema', () => {
  it.each(['k', 'order-42', 'abc_DEF.123', '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', 'x'.repeat(255), '550e8400-e29b-41d4-a716-446655440000'])(
    'accepts printable ASCII %j',
    (key) => {
      expect(idempotencyKeySchema.parse(key)).toBe(key);
    },
  );

  it('accepts every printable ASCII character 0x21..0x7e', () => {
    const all = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
    expect(all).toHaveLength(94);
    expect(idempotencyKeySchema.parse(all)).toBe(all);
  });

  it.each([
    ['empty', ''],
    ['too long (256)', 'x'.repeat(256)],
    ['a space', 'has space'],
    ['a leading space', ' k'],
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['a NUL', 'a\u0000'],
    ['DEL', 'a\u007f'],
    ['non-ASCII é', 'caf\u00e9'],
    ['an emoji', 'key🎉'],
  ])('rejects %s', (_name, key) => {
    expect(idempotencyKeySchema.safeParse(key).success).toBe(false);
  });

  it('rejects every control character and space on its own', () => {
    for (let code = 0; code <= 0x20; code++) {
      expect(idempotencyKeySchema.safeParse(`a${String.fromCharCode(code)}b`).success).toBe(false);
    }
  });

  it('rejects non-strings', () => {
    for (const value of [1, null, undefined, {}, []]) {
      expect(idempotencyKeySchema.safeParse(value).success).toBe(false);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTypeSchema } from '../../src/schemas/common.js';
import { eventTypePatternSchema, isValidEventTypePattern, patternMatches, patternsMatching } from '../../src/routing/event-type-pattern.js';

describe('event type patterns: syntax', () => {
  it.each(['*', 'order', 'order.created', 'a.b.c.d', 'A_B-c.9', 'order.*', 'a.b.*', 'x'.repeat(126) + '.*', 'x'.repeat(128)])(
    'accepts %j',
    (pattern) => {
      expect(isValidEventTypePattern(pattern)).toBe(true);
      expect(eventTypePatternSchema.parse(pattern)).toBe(pattern);
    },
  );

  it.each([
    '',
    ' ',
    '**',
    '*.*',
    '.*',
    '*.created',
    'order.*.added',
    'order*',
    'order.**',
    'order.*.*',
    'order.',
    '.order',
    'order..created',
    'order. created',
    'order/created',
    'ü.*',
    'order.*x',
    'x'.repeat(127) + '.*',
    'x'.repeat(129),
  ])('refuses %j', (pattern) => {
    expect(eventTypePatternSchema.safeParse(pattern).success).toBe(false);
  });

  it('explains the forms in its message', () => {
    const result = eventTypePatternSchema.safeParse('order*');
    expect(result.error!.issues[0]!.message).toContain('"order.*"');
  });
});

describe('event type patterns: matching', () => {
  it.each([
    ['*', 'order.created', true],
    ['*', 'a', true],
    ['order.created', 'order.created', true],
    ['order.created', 'order.created.v2', false],
    ['order.created', 'order', false],
    ['order.created', 'Order.created', false],
    ['order.*', 'order.created', true],
    ['order.*', 'order.item.added', true],
    ['order.*', 'order', false],
    ['order.*', 'orders.created', false],
    ['order.*', 'order_x.created', false],
    ['order.*', 'invoice.order.created', false],
    ['order.item.*', 'order.item.added', true],
    ['order.item.*', 'order.items.added', false],
    ['order.item.*', 'order.item', false],
    ['a.*', 'a.b.c.d.e', true],
  ])('%j against %j: %s', (pattern, type, expected) => {
    expect(patternMatches(pattern, type)).toBe(expected);
    expect(patternsMatching(type).includes(pattern)).toBe(expected);
  });

  it('lists the name, "*" and one prefix pattern per leading run of words', () => {
    expect(patternsMatching('order')).toEqual(['order', '*']);
    expect(patternsMatching('order.created')).toEqual(['order.created', '*', 'order.*']);
    expect(patternsMatching('a.b.c.d')).toEqual(['a.b.c.d', '*', 'a.*', 'a.b.*', 'a.b.c.*']);
  });

  // What fan-out relies on: looking up patternsMatching(type) finds exactly the patterns patternMatches accepts.
  const word = fc.stringMatching(/^[a-c]{1,2}$/);
  const eventType = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join('.'));
  const pattern = fc.oneof(
    fc.constant('*'),
    eventType,
    eventType.map((prefix) => `${prefix}.*`),
  );

  it('patternsMatching(type) holds exactly the valid patterns that match type (property)', () => {
    fc.assert(
      fc.property(pattern, eventType, (p, type) => {
        expect(isValidEventTypePattern(p)).toBe(true);
        expect(patternsMatching(type).includes(p)).toBe(patternMatches(p, type));
      }),
      { numRuns: 2000 },
    );
  });

  it('every pattern patternsMatching lists is valid (property)', () => {
    fc.assert(
      fc.property(eventType, (type) => {
        expect(eventTypeSchema.safeParse(type).success).toBe(true);
        for (const p of patternsMatching(type)) expect(isValidEventTypePattern(p)).toBe(true);
      }),
    );
  });
});

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/json.js';
import {
  FILTER_LIMITS,
  filterIssues,
  jsonEquals,
  matchesFilter,
  payloadFilterSchema,
  valueAtPath,
  type PayloadFilter,
} from '../../src/routing/payload-filter.js';

/** Marks a field the payload does not have. */
const MISSING = Symbol('missing');
type Field = JsonValue | typeof MISSING;

/** Whether a payload whose field "f" is `field` (or has no "f") passes `{"f": condition}`. */
function passes(condition: JsonValue, field: Field): boolean {
  const payload: JsonValue = field === MISSING ? { other: 1 } : { f: field };
  return matchesFilter({ f: condition }, payload);
}

// Every kind of JSON value a field can hold, and none.
const FIELDS: Array<[string, Field]> = [
  ['missing', MISSING],
  ['null', null],
  ['true', true],
  ['false', false],
  ['0', 0],
  ['100', 100],
  ['-1.5', -1.5],
  ['"100"', '100'],
  ['""', ''],
  ['"abc"', 'abc'],
  ['[]', []],
  ['[1,2]', [1, 2]],
  ['{}', {}],
  ['{"a":1}', { a: 1 }],
];

/** Each row: a condition and the names of the FIELDS it passes; every other field must fail it. */
const TRUTH_TABLE: Array<[string, JsonValue, string[]]> = [
  ['equality with a number', 100, ['100']],
  ['equality with 0', 0, ['0']],
  ['equality with a string', '100', ['"100"']],
  ['equality with null (present and null, not missing)', null, ['null']],
  ['equality with false', false, ['false']],
  ['equality with an array (deep, same order)', [1, 2], ['[1,2]']],
  ['equality with []', [], ['[]']],
  ['$eq with an object (deep)', { $eq: { a: 1 } }, ['{"a":1}']],
  ['$eq with {}', { $eq: {} }, ['{}']],
  ['$eq with a number', { $eq: 100 }, ['100']],
  ['$neq with a number (missing passes)', { $neq: 100 }, FIELDS.map(([n]) => n).filter((n) => n !== '100')],
  ['$neq with null', { $neq: null }, FIELDS.map(([n]) => n).filter((n) => n !== 'null')],
  ['$neq with an object', { $neq: { a: 1 } }, FIELDS.map(([n]) => n).filter((n) => n !== '{"a":1}')],
  ['$gt a number: numbers only', { $gt: 0 }, ['100']],
  ['$gte a number: numbers only', { $gte: 0 }, ['0', '100']],
  ['$lt a number: numbers only', { $lt: 0 }, ['-1.5']],
  ['$lte a number: numbers only', { $lte: 0 }, ['0', '-1.5']],
  ['$gt a string: strings only, code unit order', { $gt: '1' }, ['"100"', '"abc"']],
  ['$gte a string', { $gte: '' }, ['"100"', '""', '"abc"']],
  ['$lt a string', { $lt: 'abc' }, ['"100"', '""']],
  ['$lte a string', { $lte: 'abc' }, ['"100"', '""', '"abc"']],
  ['a range', { $gt: -2, $lt: 100 }, ['0', '-1.5']],
  ['an empty range', { $gt: 100, $lt: 0 }, []],
  ['$in (deep equality with any)', { $in: [100, 'abc', null, [1, 2], { a: 1 }] }, ['100', '"abc"', 'null', '[1,2]', '{"a":1}']],
  ['$in is not "array contains"', { $in: [1] }, []],
  ['$nin (missing passes)', { $nin: [100, null] }, FIELDS.map(([n]) => n).filter((n) => n !== '100' && n !== 'null')],
  ['$exists true (null counts as present)', { $exists: true }, FIELDS.map(([n]) => n).filter((n) => n !== 'missing')],
  ['$exists false', { $exists: false }, ['missing']],
  ['$exists true with a bound', { $exists: true, $neq: null }, FIELDS.map(([n]) => n).filter((n) => n !== 'missing' && n !== 'null')],
];

describe('payload filter: evaluation, every condition against every kind of value', () => {
  for (const [title, condition, passing] of TRUTH_TABLE) {
    describe(`${title}: ${JSON.stringify(condition)}`, () => {
      it.each(FIELDS)('field %s', (name, field) => {
        expect(passes(condition, field)).toBe(passing.includes(name));
      });
    });
  }

  it('every condition in the table is a valid filter', () => {
    for (const [, condition] of TRUTH_TABLE) expect(filterIssues({ f: condition })).toEqual([]);
  });
});

describe('payload filter: equality details', () => {
  it.each<[JsonValue, JsonValue, boolean]>([
    [{ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }, true], // key order does not matter
    [[1, 2], [2, 1], false], // item order does
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: 1, b: 2 }, { a: 1 }, false],
    [[1], [1, 1], false],
    [1, '1', false],
    [1, 1.0, true],
    [0, -0, true],
    [null, {}, false],
    [[], {}, false],
    [{}, [], false],
    ['', null, false],
    [false, 0, false],
  ])('%j and %j: %s', (a, b, expected) => {
    expect(jsonEquals(a, b)).toBe(expected);
    expect(jsonEquals(b, a)).toBe(expected);
  });

  it('a whole object as a plain value is refused, so it cannot be mistaken for "these fields"', () => {
    expect(filterIssues({ customer: { country: 'NL' } })).toEqual([
      { path: ['customer', 'country'], message: expect.stringContaining('"customer.country"') },
    ]);
  });
});

describe('payload filter: paths', () => {
  // Expected where the path reaches nothing (a string could be a value found).
  const MISSING = Symbol('MISSING');
  const payload: JsonValue = {
    customer: { country: 'NL', address: { city: 'Delft' }, 'x.y': 1 },
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-2', qty: 1 },
    ],
    matrix: [[1, 2], [3]],
    '0': 'zero-key',
    tags: ['vip'],
    nothing: null,
    text: 'abc',
  };

  it.each<[string, JsonValue | typeof MISSING]>([
    ['customer.country', 'NL'],
    ['customer.address.city', 'Delft'],
    ['customer.address', { city: 'Delft' }],
    ['items.0.sku', 'A-1'],
    ['items.1.qty', 1],
    ['items.2.sku', MISSING], // past the end
    ['items.01.sku', MISSING], // not a canonical index
    ['items.-1.sku', MISSING],
    ['items.sku', MISSING], // no implicit "any item"
    ['items.length', MISSING],
    ['matrix.0.1', 2],
    ['matrix.1.0', 3],
    ['0', 'zero-key'], // digits are an object key on an object
    ['tags.0', 'vip'],
    ['nothing', null],
    ['nothing.a', MISSING], // through null
    ['text.length', MISSING], // into a string
    ['text.0', MISSING],
    ['customer.x.y', MISSING], // a key with a dot cannot be reached
    ['constructor', MISSING], // own keys only
    ['customer.toString', MISSING],
    ['__proto__', MISSING],
    ['absent', MISSING],
    ['absent.deeper', MISSING],
  ])('%s', (path, expected) => {
    const found = valueAtPath(payload, path);
    if (expected === MISSING) expect(typeof found).toBe('symbol');
    else expect(found).toEqual(expected);
  });

  it('reads from a payload that is an array or a scalar', () => {
    expect(matchesFilter({ '0.id': 7 }, [{ id: 7 }])).toBe(true);
    expect(matchesFilter({ a: { $exists: false } }, 'text')).toBe(true);
    expect(matchesFilter({ a: { $exists: true } }, 42)).toBe(false);
    expect(matchesFilter({}, null)).toBe(true);
  });

  it('finds a "__proto__" key that JSON.parse made an own property', () => {
    expect(matchesFilter(JSON.parse('{"__proto__": 1}'), JSON.parse('{"__proto__": 1}'))).toBe(true);
    expect(matchesFilter(JSON.parse('{"__proto__": 1}'), {})).toBe(false);
  });
});

describe('payload filter: logic', () => {
  const order = { amount: 150, currency: 'EUR', customer: { country: 'NL', vip: true } };
  it.each<[string, PayloadFilter, boolean]>([
    ['{} passes everything', {}, true],
    ['several fields: all must hold', { amount: { $gte: 100 }, currency: 'EUR' }, true],
    ['several fields: one fails', { amount: { $gte: 100 }, currency: 'USD' }, false],
    ['$and all hold', { $and: [{ amount: { $gt: 100 } }, { 'customer.vip': true }] }, true],
    ['$and one fails', { $and: [{ amount: { $gt: 100 } }, { 'customer.vip': false }] }, false],
    ['$or one holds', { $or: [{ amount: { $gt: 1000 } }, { 'customer.country': 'NL' }] }, true],
    ['$or none holds', { $or: [{ amount: { $gt: 1000 } }, { 'customer.country': 'BE' }] }, false],
    ['$not of a failing filter', { $not: { currency: 'USD' } }, true],
    ['$not of a passing filter', { $not: { currency: 'EUR' } }, false],
    ['$not {} fails everything', { $not: {} }, false],
    ['$and next to a field: both hold', { currency: 'EUR', $and: [{ amount: 150 }] }, true],
    ['$or next to a field: the field fails', { currency: 'USD', $or: [{ amount: 150 }] }, false],
    ['nested to the depth limit', { $and: [{ $or: [{ $not: { $and: [{ $or: [{ amount: { $lt: 100 } }] }] } }] }] }, true],
  ])('%s', (_, filter, expected) => {
    expect(filterIssues(filter)).toEqual([]);
    expect(matchesFilter(filter, order)).toBe(expected);
  });

  it('throws on an operator validation does not know, rather than guessing', () => {
    expect(() => matchesFilter({ $nor: [] }, {})).toThrow('unknown filter operator $nor');
    expect(() => matchesFilter({ a: { $regex: 'x' } }, { a: 'x' })).toThrow('unknown filter operator $regex');
  });
});

describe('payload filter: validation', () => {
  const deep = (levels: number): JsonValue => (levels === 1 ? { a: 1 } : { $not: deep(levels - 1) });

  it.each<[string, JsonValue, Array<Array<string | number>>, string]>([
    ['an unknown top-level operator', { $nor: [{ a: 1 }] }, [['$nor']], 'unknown operator "$nor"'],
    ['an unknown field operator', { amount: { $regex: 'x' } }, [['amount', '$regex']], 'use one of $eq, $neq'],
    ['a logical operator used on a field', { amount: { $or: [] } }, [['amount', '$or']], 'unknown operator "$or"'],
    ['fields inside an operator object', { amount: { $gte: 1, currency: 'EUR' } }, [['amount', 'currency']], 'dotted path'],
    ['an empty operator object', { amount: {} }, [['amount']], 'at least one operator'],
    ['$gt with a boolean', { amount: { $gt: true } }, [['amount', '$gt']], 'a number or a string'],
    ['$gte with null', { amount: { $gte: null } }, [['amount', '$gte']], 'a number or a string'],
    ['$lt with an array', { amount: { $lt: [1] } }, [['amount', '$lt']], 'a number or a string'],
    ['$lte with an object', { amount: { $lte: { a: 1 } } }, [['amount', '$lte']], 'a number or a string'],
    ['$in with a scalar', { amount: { $in: 1 } }, [['amount', '$in']], 'a list of 1 to 100'],
    ['$in empty', { amount: { $in: [] } }, [['amount', '$in']], 'a list of 1 to 100'],
    ['$nin too long', { amount: { $nin: Array.from({ length: 101 }, (_, i) => i) } }, [['amount', '$nin']], 'a list of 1 to 100'],
    ['$exists with a string', { amount: { $exists: 'yes' } }, [['amount', '$exists']], 'true or false'],
    ['$and not a list', { $and: { a: 1 } }, [['$and']], 'a list of 1 to 20 filters'],
    ['$or empty', { $or: [] }, [['$or']], 'a list of 1 to 20 filters'],
    ['$or too long', { $or: Array.from({ length: 21 }, () => ({ a: 1 })) }, [['$or']], 'a list of 1 to 20 filters'],
    ['a branch that is not an object', { $or: [{ a: 1 }, 'b'] }, [['$or', 1]], 'an object of conditions'],
    ['$not of a list', { $not: [{ a: 1 }] }, [['$not']], 'an object of conditions'],
    ['a deep bad operand', { $or: [{ a: 1 }, { $and: [{ b: { $gte: false } }] }] }, [['$or', 1, '$and', 0, 'b', '$gte']], 'a number or a string'],
    ['an empty path word', { 'customer..country': 'NL' }, [['customer..country']], 'none empty'],
    ['a path ending in a dot', { 'customer.': 'NL' }, [['customer.']], 'none empty'],
    ['an empty path', { '': 1 }, [['']], 'none empty'],
    ['a too long path', { ['a'.repeat(257)]: 1 }, [['a'.repeat(257)]], 'at most 256 characters'],
    ['too deep', deep(7), [['$not', '$not', '$not', '$not', '$not', '$not']], 'at most 6 levels'],
    ['a filter that is a list', [{ a: 1 }], [[]], 'an object of conditions'],
    ['a filter that is a string', 'amount > 100', [[]], 'an object of conditions'],
  ])('%s', (_, filter, paths, message) => {
    const issues = filterIssues(filter);
    expect(issues.map((issue) => issue.path)).toEqual(paths);
    expect(issues[0]!.message).toContain(message);
  });

  it('reports every problem, each at its path', () => {
    expect(filterIssues({ a: { $gt: null, $in: [] }, $xor: 1, 'b.': 1 }).map((i) => i.path)).toEqual([['a', '$gt'], ['a', '$in'], ['$xor'], ['b.']]);
  });

  it('accepts the depth limit and refuses one more', () => {
    expect(filterIssues(deep(FILTER_LIMITS.maxDepth))).toEqual([]);
    expect(filterIssues(deep(FILTER_LIMITS.maxDepth + 1))).toHaveLength(1);
  });

  it('bounds the size as UTF-8 JSON, before looking inside', () => {
    const within = { note: 'x'.repeat(FILTER_LIMITS.maxBytes - '{"note":""}'.length) };
    expect(filterIssues(within)).toEqual([]);
    const over = { note: 'x'.repeat(FILTER_LIMITS.maxBytes - '{"note":""}'.length + 1) };
    expect(filterIssues(over)).toEqual([{ path: [], message: expect.stringContaining('at most 4096 bytes') }]);
    const multibyte = { note: 'é'.repeat(2048) }; // 2048 characters, 4096 bytes of them
    expect(filterIssues(multibyte)[0]!.message).toContain('at most 4096 bytes');
  });

  it.each<[JsonValue, Array<string | number>]>([
    [{ note: 'a\u0000b' }, ['note']],
    [{ 'a\u0000': 1 }, ['a\u0000']],
    [{ $or: [{ a: 1 }, { b: { $in: ['x', '\u0000'] } }] }, ['$or', 1, 'b', '$in', 1]],
  ])('refuses a NUL character in %j, which PostgreSQL cannot store, at its path', (filter, path) => {
    expect(filterIssues(filter)).toEqual([{ path, message: expect.stringContaining('NUL') }]);
  });

  it('accepts any JSON value for equality, $eq and $neq, and strings or numbers for order', () => {
    const filter = {
      a: null,
      b: [1, { c: 2 }],
      'c.d': 'x',
      e: { $eq: { nested: { $gt: 1 } } },
      f: { $neq: [] },
      g: { $gt: 'a', $lte: 'z' },
      h: { $gte: -1e300 },
      i: { $in: [{}, [], null] },
      j: { $exists: false },
    };
    expect(filterIssues(filter)).toEqual([]);
  });

  it('as a zod schema: 422 paths relative to the field, and the filter kept as sent', () => {
    const bad = payloadFilterSchema.safeParse({ amount: { $gte: 'x', $foo: 1 } });
    expect(bad.error!.issues.map((i) => i.path)).toEqual([['amount', '$foo']]);
    const notAnObject = payloadFilterSchema.safeParse([1]);
    expect(notAnObject.error!.issues.map((i) => i.path)).toEqual([[]]);
    const filter = { amount: { $gte: 100 }, $or: [{ 'customer.country': 'NL' }, { vip: true }] };
    expect(payloadFilterSchema.parse(filter)).toEqual(filter);
  });
});

describe('payload filter: laws (property-based)', () => {
  const json: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);
  const path = fc.constantFrom('a', 'b', 'a.b', 'a.0', 'b.c.d');
  const payload = fc.record({ a: fc.oneof(json, fc.record({ b: json })), b: json }, { requiredKeys: [] });
  const scalar = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', ''));
  const condition: fc.Arbitrary<JsonValue> = fc.oneof(
    json.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    fc.record({ $eq: json }),
    fc.record({ $gte: scalar }),
    fc.record({ $lt: scalar }),
    fc.record({ $in: fc.array(json, { minLength: 1, maxLength: 3 }) }),
    fc.record({ $exists: fc.boolean() }),
  );
  const filter: fc.Arbitrary<PayloadFilter> = fc.dictionary(path, condition, { maxKeys: 2 });

  it('generated filters are valid', () => {
    fc.assert(fc.property(filter, (f) => filterIssues(f).length === 0));
  });

  it('$not negates', () => {
    fc.assert(fc.property(filter, payload, (f, p) => matchesFilter({ $not: f }, p) === !matchesFilter(f, p)));
  });

  it('$and is conjunction and $or disjunction', () => {
    fc.assert(
      fc.property(filter, filter, payload, (f, g, p) => {
        const [a, b] = [matchesFilter(f, p), matchesFilter(g, p)];
        return matchesFilter({ $and: [f, g] }, p) === (a && b) && matchesFilter({ $or: [f, g] }, p) === (a || b);
      }),
    );
  });

  it('$neq is the negation of $eq, $nin of $in, $exists false of $exists true', () => {
    fc.assert(
      fc.property(
        path,
        json,
        fc.array(json, { minLength: 1, maxLength: 3 }),
        payload,
        (at, value, values, p) =>
          matchesFilter({ [at]: { $neq: value } }, p) === !matchesFilter({ [at]: { $eq: value } }, p) &&
          matchesFilter({ [at]: { $nin: values } }, p) === !matchesFilter({ [at]: { $in: values } }, p) &&
          matchesFilter({ [at]: { $exists: false } }, p) === !matchesFilter({ [at]: { $exists: true } }, p),
      ),
    );
  });

  it('a value equals itself and its copy with keys in another order', () => {
    const reversed = (v: JsonValue): JsonValue =>
      Array.isArray(v)
        ? v.map(reversed)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
    fc.assert(fc.property(json, (v) => jsonEquals(v, v) && jsonEquals(v, reversed(v)) && jsonEquals(reversed(v), v)));
  });

  it('a payload passes a filter of its own fields by value', () => {
    fc.assert(
      fc.property(payload, (p) => {
        const own = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, { $eq: v }]));
        return matchesFilter(own, p);
      }),
    );
  });
});

describe('docs/routing.md', () => {
  const doc = readFileSync(new URL('../../docs/routing.md', import.meta.url), 'utf8');
  const section = (heading: string) => doc.split(/^## /m).find((part) => part.startsWith(heading))!;
  const jsonBlocks = (text: string) => [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as JsonValue);

  it('shows valid filters in its examples', () => {
    const examples = jsonBlocks(section('More examples'));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const example of examples) expect(filterIssues(example)).toEqual([]);
  });

  it('shows the paths and messages hookflow answers with', () => {
    const [problem] = jsonBlocks(section('Errors')) as Array<{ errors: Array<{ path: string; message: string }> }>;
    const filterErrors = problem!.errors.filter((e) => e.path.startsWith('filter.'));
    expect(filterErrors).toHaveLength(2);
    const issues = filterIssues({ amount: { $gte: true }, $or: [{ customer: { country: 'NL' } }] });
    expect(issues.map((i) => ({ path: ['filter', ...i.path].join('.'), message: i.message }))).toEqual(filterErrors);
  });
});

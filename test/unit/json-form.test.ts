import { describe, expect, it } from 'vitest';
import { jsonField, optionalWholeNumber, prettyJson, textFields } from '../../src/ui/json-form.js';

type Errors = Array<{ path: string; message: string }>;

describe('textFields', () => {
  it('keeps the text fields of a posted form and drops anything else', () => {
    const file = new File(['x'], 'x.txt');
    expect(textFields({ name: 'Acme', empty: '', upload: file, many: ['a', 'b'] })).toEqual({ name: 'Acme', empty: '' });
  });
});

describe('jsonField', () => {
  it('parses JSON of any kind, around blanks', () => {
    const errors: Errors = [];
    const fields = { object: ' {"plan": "pro"} ', array: '[1, 2]', text: '"s"', number: '12.5', nothing: 'null' };
    expect(jsonField(fields, 'object', 'metadata', errors)).toEqual({ plan: 'pro' });
    expect(jsonField(fields, 'array', 'examples', errors)).toEqual([1, 2]);
    expect(jsonField(fields, 'text', 'x', errors)).toBe('s');
    expect(jsonField(fields, 'number', 'x', errors)).toBe(12.5);
    expect(jsonField(fields, 'nothing', 'x', errors)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('reads a blank or missing field as undefined, without an error', () => {
    const errors: Errors = [];
    expect(jsonField({ blank: '  \n' }, 'blank', 'metadata', errors)).toBeUndefined();
    expect(jsonField({}, 'missing', 'metadata', errors)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('names the field by its API path when the JSON does not parse, and adds to the errors already there', () => {
    const errors: Errors = [{ path: 'name', message: 'earlier' }];
    expect(jsonField({ metadata: '{plan: pro}' }, 'metadata', 'metadata', errors)).toBeUndefined();
    expect(jsonField({ example: '[1,' }, 'example', 'examples', errors)).toBeUndefined();
    expect(errors.map((e) => e.path)).toEqual(['name', 'metadata', 'examples']);
    expect(errors[1]!.message).toMatch(/^is not valid JSON \(.+\)$/);
  });
});

describe('optionalWholeNumber', () => {
  it('reads digits as a number and blank as null', () => {
    const errors: Errors = [];
    expect(optionalWholeNumber({ n: ' 500 ' }, 'n', 'quotas.eventsPerDay', errors)).toBe(500);
    expect(optionalWholeNumber({ n: '0' }, 'n', 'x', errors)).toBe(0);
    expect(optionalWholeNumber({ n: '' }, 'n', 'x', errors)).toBeNull();
    expect(optionalWholeNumber({}, 'n', 'x', errors)).toBeNull();
    expect(errors).toEqual([]);
  });

  it('refuses anything but a whole number, naming the field', () => {
    for (const text of ['-1', '1.5', '1e3', 'ten', '0x10', '5 0']) {
      const errors: Errors = [];
      expect(optionalWholeNumber({ n: text }, 'n', 'retentionDays', errors)).toBeNull();
      expect(errors, text).toEqual([{ path: 'retentionDays', message: 'enter a whole number, or leave it blank' }]);
    }
  });
});

describe('prettyJson', () => {
  it('indents by two and keeps the keys in their order', () => {
    expect(prettyJson({ b: 1, a: [true] })).toBe('{\n  "b": 1,\n  "a": [\n    true\n  ]\n}');
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidCursorError, decodeCursor, encodeCursor, toPage } from '../../src/db/page.js';

const b64url = (text: string) => Buffer.from(text).toString('base64url');

describe('encodeCursor / decodeCursor', () => {
  it.each([
    { t: '2025-06-01T12:00:00.000Z', i: 'sub_abc' },
    { t: '1970-01-01T00:00:00.000Z', i: '' },
    { t: '2025-06-01T12:00:00.123456+02:00', i: 'evt_with-dash_and.dot' },
    { t: '2025-12-31T23:59:59.999Z', i: 'ünïcödé 🎉 "quotes" / + =' },
  ])('round-trips %j', (cursor) => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('encodes as URL-safe base64 without padding', () => {
    for (let n = 0; n < 20; n++) {
      const encoded = encodeCursor({ t: '2025-06-01T12:00:00.000Z', i: `id_${'?'.repeat(n)}>>` });
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it('is opaque: the encoding is base64url of the JSON', () => {
    const cursor = { t: '2025-06-01T12:00:00.000Z', i: 'dlv_1' };
    expect(JSON.parse(Buffer.from(encodeCursor(cursor), 'base64url').toString('utf8'))).toEqual(cursor);
  });

  it('decodeCursor(undefined) is undefined', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it('decodeCursor("") is undefined too: `?cursor=` empty is the first page', () => {
    expect(decodeCursor('')).toBeUndefined();
  });

  it.each([
    ['garbage', '!!!not-base64!!!'],
    ['base64 of non-JSON', b64url('hello world')],
    ['base64 of truncated JSON', b64url('{"t":"x","i":')],
    ['JSON null', b64url('null')],
    ['a JSON number', b64url('42')],
    ['a JSON string', b64url('"cursor"')],
    ['a JSON array', b64url('["2025-01-01", "id"]')],
    ['an empty JSON object', b64url('{}')],
    ['a missing i', b64url('{"t":"2025-01-01T00:00:00Z"}')],
    ['a missing t', b64url('{"i":"sub_1"}')],
    ['a numeric t', b64url('{"t":1,"i":"sub_1"}')],
    ['a numeric i', b64url('{"t":"2025-01-01T00:00:00Z","i":1}')],
    ['null fields', b64url('{"t":null,"i":null}')],
  ])('rejects %s with InvalidCursorError', (_name, encoded) => {
    expect(() => decodeCursor(encoded)).toThrow(InvalidCursorError);
  });

  // A cursor's `t` goes to Postgres as `$4::timestamptz`; the API maps only
  // InvalidCursorError to a 400, so a forged cursor whose `t` is not a timestamp
  // must be rejected here rather than surface later as a database error (500).
  it('rejects a cursor whose t is not a timestamp with InvalidCursorError', () => {
    expect(() => decodeCursor(b64url('{"t":"not-a-timestamp","i":"sub_1"}'))).toThrow(InvalidCursorError);
  });

  it('InvalidCursorError is an Error with a client-safe message', () => {
    let caught: unknown;
    try {
      decodeCursor('garbage');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidCursorError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).message).toBe('cursor is not one this API returned');
  });

  it('drops unknown fields from a decoded cursor', () => {
    expect(decodeCursor(b64url('{"t":"2025-01-01T00:00:00.000Z","i":"b","x":1}'))).toEqual({
      t: '2025-01-01T00:00:00.000Z',
      i: 'b',
    });
  });
});

interface Row {
  created_at: Date;
  id: string;
  name: string;
}

function rows(count: number): Row[] {
  return Array.from({ length: count }, (_, n) => ({
    created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)),
    id: `row_${n}`,
    name: `name ${n}`,
  }));
}

const toName = (row: Row) => row.name;

describe('toPage', () => {
  it('with no rows gives an empty page and no next cursor', () => {
    expect(toPage([], 10, toName)).toEqual({ data: [], nextCursor: null });
  });

  it.each([1, 5, 9, 10])('with %i rows (≤ limit 10) returns them all and nextCursor null', (count) => {
    const page = toPage(rows(count), 10, toName);
    expect(page.data).toEqual(rows(count).map(toName));
    expect(page.nextCursor).toBeNull();
  });

  it('with limit + 1 rows returns limit items and a cursor for the last returned row', () => {
    const all = rows(11);
    const page = toPage(all, 10, toName);
    expect(page.data).toHaveLength(10);
    expect(page.data).toEqual(all.slice(0, 10).map(toName));
    expect(page.nextCursor).not.toBeNull();
    expect(decodeCursor(page.nextCursor!)).toEqual({ t: all[9]!.created_at.toISOString(), i: 'row_9' });
  });

  it('the cursor never points at the extra (limit + 1) row', () => {
    const page = toPage(rows(4), 3, toName);
    expect(decodeCursor(page.nextCursor!)!.i).toBe('row_2');
    expect(page.data).not.toContain('name 3');
  });

  it('limit 1 with two rows', () => {
    const all = rows(2);
    const page = toPage(all, 1, toName);
    expect(page.data).toEqual(['name 0']);
    expect(decodeCursor(page.nextCursor!)).toEqual({ t: '2025-01-01T00:00:00.000Z', i: 'row_0' });
  });

  it('keeps the cursor timestamp at millisecond precision', () => {
    const precise = [
      { created_at: new Date('2025-03-04T05:06:07.089Z'), id: 'a', name: 'a' },
      { created_at: new Date('2025-03-04T05:06:07.090Z'), id: 'b', name: 'b' },
    ];
    expect(decodeCursor(toPage(precise, 1, toName).nextCursor!)).toEqual({ t: '2025-03-04T05:06:07.089Z', i: 'a' });
  });

  it('maps each returned row with the given function, in order, and never maps the extra row', () => {
    const seen: string[] = [];
    const page = toPage(rows(6), 5, (row) => {
      seen.push(row.id);
      return { id: row.id.toUpperCase() };
    });
    expect(seen).toEqual(['row_0', 'row_1', 'row_2', 'row_3', 'row_4']);
    expect(page.data).toEqual([{ id: 'ROW_0' }, { id: 'ROW_1' }, { id: 'ROW_2' }, { id: 'ROW_3' }, { id: 'ROW_4' }]);
  });

  it('does not mutate the rows array', () => {
    const all = rows(3);
    const copy = [...all];
    toPage(all, 2, toName);
    expect(all).toEqual(copy);
  });
});

// Keyset pagination over (created_at, id): stable under concurrent inserts,
// and the cursor is opaque to clients.
import { z } from 'zod';
import type { Page } from '../schemas/common.js';

const cursorSchema = z.object({ t: z.iso.datetime({ offset: true }), i: z.string().max(128) });
export type Cursor = z.infer<typeof cursorSchema>;

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API returned');
  }
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(encoded: string | undefined): Cursor | undefined {
  // Empty reads as left out: a client templating `?cursor=${next ?? ''}` gets the first page.
  if (encoded === undefined || encoded === '') return undefined;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidCursorError();
  }
}

/** SQL: rows after the cursor held in parameters $n and $n+1 (both null on the first page). */
export function afterCursorSql(n: number, alias = ''): string {
  return `($${n}::timestamptz IS NULL OR (${alias}created_at, ${alias}id) > ($${n}, $${n + 1}))`;
}

/** SQL: rows before the cursor, for a list newest first (ORDER BY created_at DESC, id DESC). */
export function beforeCursorSql(n: number, alias = ''): string {
  return `($${n}::timestamptz IS NULL OR (${alias}created_at, ${alias}id) < ($${n}, $${n + 1}))`;
}

/** The cursor's two parameters, then the limit with one row of lookahead (see toPage). */
export function pageParams(query: { limit: number; cursor?: string | undefined }): [string | null, string | null, number] {
  const after = decodeCursor(query.cursor);
  return [after?.t ?? null, after?.i ?? null, query.limit + 1];
}

/** Rows are fetched with `limit + 1` so the extra row tells whether a next page exists. */
export function toPage<Row extends { created_at: Date; id: string }, T>(rows: Row[], limit: number, map: (row: Row) => T): Page<T> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor({ t: last.created_at.toISOString(), i: last.id }) : null,
  };
}

// Every sealed value at rest, for `hookflow keys reseal`: subscriptions'
// signing keys (sealed_secret, and previous_sealed_secret during a rotation's
// overlap; for v1a subscriptions these hold the private ed25519 key).
import type { Queryable } from './pool.js';

export interface SealedRow {
  subscriptionId: string;
  sealedSecret: string;
  previousSealedSecret: string | null;
}

/** The next `limit` rows after `afterId`, in id order: keyset pagination, so each page costs the same however far in. */
export async function sealedRowsAfter(db: Queryable, afterId: string | null, limit: number): Promise<SealedRow[]> {
  const { rows } = await db.query<{ id: string; sealed_secret: string; previous_sealed_secret: string | null }>(
    `SELECT id, sealed_secret, previous_sealed_secret FROM subscriptions
      WHERE $1::text IS NULL OR id > $1 ORDER BY id LIMIT $2`,
    [afterId, limit],
  );
  return rows.map(toSealedRow);
}

function toSealedRow(r: { id: string; sealed_secret: string; previous_sealed_secret: string | null }): SealedRow {
  return { subscriptionId: r.id, sealedSecret: r.sealed_secret, previousSealedSecret: r.previous_sealed_secret };
}

export async function findSealedRow(db: Queryable, id: string): Promise<SealedRow | undefined> {
  const { rows } = await db.query<{ id: string; sealed_secret: string; previous_sealed_secret: string | null }>(
    'SELECT id, sealed_secret, previous_sealed_secret FROM subscriptions WHERE id = $1',
    [id],
  );
  return rows.map(toSealedRow)[0];
}

export async function countSealedRows(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ count: string }>('SELECT count(*) AS count FROM subscriptions');
  return Number(rows[0]!.count);
}

/**
 * Writes the re-sealed values only if the row still holds what was read: a
 * signing-secret rotation in between wins (its new value is sealed under the
 * primary already), and the reseal does not bring an old secret back.
 */
export async function replaceSealedValues(db: Queryable, read: SealedRow, resealed: SealedRow): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE subscriptions SET sealed_secret = $4, previous_sealed_secret = $5
      WHERE id = $1 AND sealed_secret = $2 AND previous_sealed_secret IS NOT DISTINCT FROM $3`,
    [read.subscriptionId, read.sealedSecret, read.previousSealedSecret, resealed.sealedSecret, resealed.previousSealedSecret],
  );
  return rowCount === 1;
}

// One page of `hookflow keys reseal`: every sealed value of each row opened
// and sealed again under the primary key, unless it already is. A row written
// meanwhile (a signing-secret rotation) is read again, so its previous secret
// is not left under an old key.
import { SecretBoxError, type SecretBox } from '../crypto/secret-box.js';
import { findSealedRow, replaceSealedValues, sealedRowsAfter, type SealedRow } from '../db/sealed-secrets.js';
import type { Queryable } from '../db/pool.js';
import type { ResealBatch, Unopenable } from '../../workflows/reseal-progress.js';

export interface ResealDeps {
  pool: Queryable;
  secretBox: SecretBox;
}

/** A row written by someone else between read and write is retried this often before it is left for the next run. */
const MAX_TRIES_PER_ROW = 5;

export async function resealPage(deps: ResealDeps, page: { afterId: string | null; limit: number }): Promise<ResealBatch> {
  const rows = await sealedRowsAfter(deps.pool, page.afterId, page.limit);
  const batch: ResealBatch = { lastId: rows.at(-1)?.subscriptionId ?? null, scanned: rows.length, resealed: 0, skipped: 0, unopenable: [] };
  for (const row of rows) {
    const outcome = await resealRow(deps, row);
    if (typeof outcome === 'object') batch.unopenable.push(outcome);
    else batch[outcome]++;
  }
  return batch;
}

async function resealRow(deps: ResealDeps, first: SealedRow): Promise<'resealed' | 'skipped' | Unopenable> {
  let row: SealedRow | undefined = first;
  for (let tries = 0; row !== undefined && tries < MAX_TRIES_PER_ROW; tries++) {
    let resealed: SealedRow | undefined;
    try {
      resealed = resealedRow(deps.secretBox, row);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      // The message names the key id at most: never the value, never a key.
      return { subscriptionId: row.subscriptionId, reason: error.message };
    }
    if (resealed === undefined) return 'skipped';
    if (await replaceSealedValues(deps.pool, row, resealed)) return 'resealed';
    row = await findSealedRow(deps.pool, row.subscriptionId);
  }
  // Deleted meanwhile, or rewritten on every try: nothing of it is left under an old key that this page could fix.
  return 'skipped';
}

/** The row with each value under the primary key; undefined when all already are. */
function resealedRow(box: SecretBox, row: SealedRow): SealedRow | undefined {
  const values = [row.sealedSecret, row.previousSealedSecret];
  if (!values.some((value) => value !== null && box.needsReseal(value))) return undefined;
  const reseal = (value: string) => (box.needsReseal(value) ? box.seal(box.open(value, row.subscriptionId), row.subscriptionId) : value);
  return {
    subscriptionId: row.subscriptionId,
    sealedSecret: reseal(row.sealedSecret),
    previousSealedSecret: row.previousSealedSecret === null ? null : reseal(row.previousSealedSecret),
  };
}

// Leases tokens from a token bucket kept in PostgreSQL, in one atomic upsert:
// concurrent leases on one bucket serialise on its row, so together they never
// take more than the bucket holds.
import type { Queryable } from './pool.js';

export interface BucketLease {
  /** Whole tokens granted, 0 to `want`. */
  granted: number;
  /** Tokens left in the shared bucket after this lease (fractional). */
  tokensLeft: number;
}

// The bucket refilled up to now, from the row as locked (the SET of an upsert
// sees the latest committed version of the row, so a concurrent lease counts).
const REFILLED = `LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.refilled_at)::float8) * $3::float8)`;
const GRANTED = `LEAST($4::float8, floor(${REFILLED}))`;

const LEASE_SQL = `
  INSERT INTO rate_limit_buckets AS b (bucket, tokens, granted, refilled_at)
  VALUES ($1, $2::float8 - LEAST($4::float8, floor($2::float8)), LEAST($4::float8, floor($2::float8))::int, now())
  ON CONFLICT (bucket) DO UPDATE SET
    tokens = ${REFILLED} - ${GRANTED},
    granted = (${GRANTED})::int,
    -- now() is when the statement began: one that waited for the lock may be older than the row.
    refilled_at = GREATEST(b.refilled_at, now())
  RETURNING granted, tokens`;

/** Takes up to `want` tokens from `bucket` (a new bucket starts full). */
export async function leaseTokens(
  db: Queryable,
  bucket: string,
  options: { ratePerSecond: number; capacity: number },
  want: number,
): Promise<BucketLease> {
  const { rows } = await db.query<{ granted: number; tokens: number }>(LEASE_SQL, [bucket, options.capacity, options.ratePerSecond, want]);
  return { granted: rows[0]!.granted, tokensLeft: rows[0]!.tokens };
}

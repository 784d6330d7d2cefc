// Leases units from a counter per fixed window (a quota), in one atomic
// upsert: concurrent leases serialise on the window's row, so together they
// never take more than the limit.
import type { Queryable } from './pool.js';

const LEASE_SQL = `
  INSERT INTO limit_windows AS w (counter, window_start, used, granted)
  VALUES ($1, $2, LEAST($3::bigint, $4::bigint), LEAST($3::bigint, $4::bigint))
  ON CONFLICT (counter, window_start) DO UPDATE SET
    used = w.used + LEAST($3::bigint, GREATEST(0, $4::bigint - w.used)),
    granted = LEAST($3::bigint, GREATEST(0, $4::bigint - w.used))
  RETURNING granted, used`;

/** Takes up to `want` of the `limit` units of `counter`'s window that starts at `windowStart`. */
export async function leaseFromWindow(
  db: Queryable,
  counter: string,
  windowStart: Date,
  limit: number,
  want: number,
): Promise<{ granted: number; used: number }> {
  const { rows } = await db.query<{ granted: number; used: string }>(LEASE_SQL, [counter, windowStart, want, limit]);
  return { granted: rows[0]!.granted, used: Number(rows[0]!.used) };
}

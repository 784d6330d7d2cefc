// The shared breaker and rate-limit state: read and written under the row's
// lock (SELECT … FOR UPDATE), so concurrent workers never race on it.
import type { BreakerPeek, BreakerStore } from '../delivery/breaker.js';
import { INITIAL_STATE, type BreakerState, type EndpointState, type Transition } from '../delivery/endpoint-gate.js';
import { inTransaction, type Pool, type Queryable } from './pool.js';

interface HealthRow {
  state: BreakerState;
  consecutive_failures: number;
  trips: number;
  open_until: Date | null;
  probe_until: Date | null;
  last_success_at: Date | null;
  failing_since: Date | null;
  tokens: number;
  tokens_at: Date | null;
}

function toState(row: HealthRow): EndpointState {
  return {
    state: row.state,
    consecutiveFailures: row.consecutive_failures,
    trips: row.trips,
    openUntil: row.open_until,
    probeUntil: row.probe_until,
    lastSuccessAt: row.last_success_at,
    failingSince: row.failing_since,
    tokens: row.tokens,
    tokensAt: row.tokens_at,
  };
}

/**
 * Runs `decide` on the endpoint's current state with the row locked, stores
 * the state it returns (and its transition), and hands back its result.
 */
export async function withEndpointState<T extends { next: EndpointState; transition?: Transition | undefined }>(
  pool: Pool,
  subscriptionId: string,
  decide: (current: EndpointState, now: Date) => T,
): Promise<T> {
  return inTransaction(pool, async (tx) => {
    await tx.query('INSERT INTO endpoint_health (subscription_id) VALUES ($1) ON CONFLICT DO NOTHING', [subscriptionId]);
    const { rows } = await tx.query<HealthRow & { now: Date }>(
      'SELECT *, clock_timestamp() AS now FROM endpoint_health WHERE subscription_id = $1 FOR UPDATE',
      [subscriptionId],
    );
    const row = rows[0]!;
    // The database's clock, so workers on hosts with skewed clocks agree.
    const result = decide(toState(row), row.now);
    const n = result.next;
    await tx.query(
      `UPDATE endpoint_health SET state = $2, consecutive_failures = $3, trips = $4, open_until = $5, probe_until = $6,
         last_success_at = $7, failing_since = $8, tokens = $9, tokens_at = $10, updated_at = now()
       WHERE subscription_id = $1`,
      [subscriptionId, n.state, n.consecutiveFailures, n.trips, n.openUntil, n.probeUntil, n.lastSuccessAt, n.failingSince, n.tokens, n.tokensAt],
    );
    if (result.transition) {
      await tx.query('INSERT INTO breaker_transitions (subscription_id, from_state, to_state, reason) VALUES ($1, $2, $3, $4)', [
        subscriptionId,
        result.transition.from,
        result.transition.to,
        result.transition.reason,
      ]);
    }
    return result;
  });
}

/** A closed breaker's success refreshes last_success_at at most this often. */
const SUCCESS_REFRESH = "interval '1 second'";

/**
 * The columns of a BreakerPeek, from endpoint_health LEFT JOINed as `h`. No
 * row: the endpoint never failed nor was limited, so its breaker is closed
 * and a success has nothing to write. quiet_success_ms is
 * recordSuccessWhileClosed's condition turned into the time left before it
 * would write: keep the two together.
 */
export const BREAKER_PEEK_COLUMNS = `COALESCE(h.state, 'closed') AS breaker_state,
  CASE WHEN h.subscription_id IS NULL THEN 'Infinity'::float8
       WHEN h.consecutive_failures <> 0 OR h.failing_since IS NOT NULL OR h.last_success_at IS NULL THEN 0::float8
       ELSE greatest(0, extract(epoch FROM h.last_success_at + ${SUCCESS_REFRESH} - clock_timestamp()) * 1000)::float8
  END AS quiet_success_ms`;

export interface BreakerPeekRow {
  breaker_state: BreakerState;
  quiet_success_ms: number;
}

/** `peekedAt`: performance.now() taken just before the query was sent. */
export function toBreakerPeek(row: BreakerPeekRow, peekedAt: number): BreakerPeek {
  return { state: row.breaker_state, quietSuccessMs: row.quiet_success_ms, peekedAt };
}

/**
 * The unlocked read behind the gate's fast path: a closed breaker with no
 * rate limit needs no lock to let a delivery through. (An attempt reads it
 * with its delivery instead: loadDeliveryTarget.)
 */
export async function peekBreakerState(db: Queryable, subscriptionId: string): Promise<BreakerPeek> {
  const peekedAt = performance.now();
  const { rows } = await db.query<BreakerPeekRow>(
    `SELECT ${BREAKER_PEEK_COLUMNS} FROM (SELECT $1::text AS subscription_id) s LEFT JOIN endpoint_health h ON h.subscription_id = s.subscription_id`,
    [subscriptionId],
  );
  return toBreakerPeek(rows[0]!, peekedAt);
}

/**
 * A success on a closed breaker, in one statement and without a lock: it only
 * clears a failure count, and refreshes last_success_at at most once a second,
 * so the common case writes nothing at all (and BREAKER_PEEK_COLUMNS lets the
 * breaker skip the statement then).
 */
export async function recordSuccessWhileClosed(db: Queryable, subscriptionId: string): Promise<void> {
  await db.query(
    `UPDATE endpoint_health
     SET consecutive_failures = 0, failing_since = NULL, last_success_at = clock_timestamp(), updated_at = now()
     WHERE subscription_id = $1 AND state = 'closed'
       AND (consecutive_failures <> 0 OR failing_since IS NOT NULL
            OR last_success_at IS NULL OR last_success_at < clock_timestamp() - ${SUCCESS_REFRESH})`,
    [subscriptionId],
  );
}

/** The breaker's state in PostgreSQL, one row per subscription (see src/delivery/breaker.ts). */
export function postgresBreakerStore(pool: Pool): BreakerStore {
  return {
    peek: (subscriptionId) => peekBreakerState(pool, subscriptionId),
    update: (subscriptionId, decide) => withEndpointState(pool, subscriptionId, decide),
    recordSuccessWhileClosed: (subscriptionId) => recordSuccessWhileClosed(pool, subscriptionId),
  };
}

export interface EndpointHealth extends EndpointState {
  transitions: Array<{ at: Date; from: BreakerState; to: BreakerState; reason: string }>;
}

export async function findEndpointHealth(db: Queryable, subscriptionId: string): Promise<EndpointHealth> {
  const [state, transitions] = await Promise.all([
    db.query<HealthRow>('SELECT * FROM endpoint_health WHERE subscription_id = $1', [subscriptionId]),
    db.query<{ at: Date; from_state: BreakerState; to_state: BreakerState; reason: string }>(
      'SELECT at, from_state, to_state, reason FROM breaker_transitions WHERE subscription_id = $1 ORDER BY at DESC LIMIT 20',
      [subscriptionId],
    ),
  ]);
  return {
    ...(state.rows[0] ? toState(state.rows[0]) : INITIAL_STATE),
    transitions: transitions.rows.map((t) => ({ at: t.at, from: t.from_state, to: t.to_state, reason: t.reason })),
  };
}

/** Re-enabling a subscription starts it afresh: breaker closed, failure clock stopped. */
export async function resetEndpointHealth(db: Queryable, subscriptionId: string): Promise<void> {
  await db.query('DELETE FROM endpoint_health WHERE subscription_id = $1', [subscriptionId]);
}

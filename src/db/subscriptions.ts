import type { CreateSubscription, Subscription, UpdateSubscription } from '../schemas/subscription.js';
import type { Page } from '../schemas/common.js';
import { afterCursorSql, pageParams, toPage } from './page.js';
import type { Queryable } from './pool.js';

interface SubscriptionRow {
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  headers: Record<string, string>;
  status: Subscription['status'];
  retry_schedule: number[] | null;
  timeout_ms: number | null;
  permanent_status_codes: number[];
  rate_limit_per_second: number | null;
  disabled_reason: string | null;
  ordering: Subscription['ordering'];
  on_dead_letter: Subscription['onDeadLetter'];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, url, event_types, description, headers, status, retry_schedule, timeout_ms,
  permanent_status_codes, rate_limit_per_second, disabled_reason, ordering, on_dead_letter, created_at, updated_at`;

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    headers: row.headers,
    status: row.status,
    retrySchedule: row.retry_schedule,
    timeoutMs: row.timeout_ms,
    permanentStatusCodes: row.permanent_status_codes,
    rateLimitPerSecond: row.rate_limit_per_second,
    disabledReason: row.disabled_reason,
    ordering: row.ordering,
    onDeadLetter: row.on_dead_letter,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function insertSubscription(
  db: Queryable,
  id: string,
  sealedSecret: string,
  input: CreateSubscription,
): Promise<Subscription> {
  const { rows } = await db.query<SubscriptionRow>(
    `INSERT INTO subscriptions (id, url, event_types, description, headers, sealed_secret, retry_schedule, timeout_ms,
       permanent_status_codes, rate_limit_per_second, ordering, on_dead_letter)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     RETURNING ${COLUMNS}`,
    [
      id,
      input.url,
      [...new Set(input.eventTypes)],
      input.description ?? null,
      input.headers ?? {},
      sealedSecret,
      input.retrySchedule ?? null,
      input.timeoutMs ?? null,
      input.permanentStatusCodes ?? [],
      input.rateLimitPerSecond ?? null,
      input.ordering ?? 'none',
      input.ordering === 'fifo' ? (input.onDeadLetter ?? 'block') : null,
    ],
  );
  return toSubscription(rows[0]!);
}

export async function findSubscription(db: Queryable, id: string): Promise<Subscription | undefined> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM subscriptions WHERE id = $1 AND deleted_at IS NULL`,
    [id],
  );
  return rows[0] && toSubscription(rows[0]);
}

/** The sealed (encrypted) signing secret; only the secrets service opens it. */
export async function findSealedSecret(db: Queryable, id: string): Promise<string | undefined> {
  const { rows } = await db.query<{ sealed_secret: string }>(
    'SELECT sealed_secret FROM subscriptions WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  return rows[0]?.sealed_secret;
}

/**
 * Makes `newSealed` the signing secret; the current one keeps signing next to
 * it until `previousExpiresAt`. Returns false when there is no such subscription.
 */
export async function rotateSealedSecret(
  db: Queryable,
  id: string,
  newSealed: string,
  previousExpiresAt: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE subscriptions
     SET previous_sealed_secret = sealed_secret, previous_secret_expires_at = $3,
         sealed_secret = $2, updated_at = now()
     WHERE id = $1 AND deleted_at IS NULL`,
    [id, newSealed, previousExpiresAt],
  );
  return rowCount === 1;
}

export async function listSubscriptions(
  db: Queryable,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<Subscription>> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM subscriptions
     WHERE deleted_at IS NULL AND ${afterCursorSql(1)}
     ORDER BY created_at, id LIMIT $3`,
    pageParams(query),
  );
  return toPage(rows, query.limit, toSubscription);
}

/** Applies only the fields present in `patch`; `undefined` keeps a column as it is. */
export async function updateSubscription(
  db: Queryable,
  id: string,
  patch: UpdateSubscription,
): Promise<Subscription | undefined> {
  const columns: Array<[string, unknown]> = [
    ['url', patch.url],
    ['event_types', patch.eventTypes && [...new Set(patch.eventTypes)]],
    ['description', patch.description],
    ['headers', patch.headers],
    ['status', patch.status],
    ['retry_schedule', patch.retrySchedule],
    ['timeout_ms', patch.timeoutMs],
    ['permanent_status_codes', patch.permanentStatusCodes],
    ['rate_limit_per_second', patch.rateLimitPerSecond],
    // A status set by hand replaces whatever reason hookflow had for disabling it.
    ['disabled_reason', patch.status === undefined ? undefined : null],
  ];
  const present = columns.filter(([, value]) => value !== undefined);
  const assignments = present.map(([column], index) => `${column} = $${index + 2}`);
  const { rows } = await db.query<SubscriptionRow>(
    `UPDATE subscriptions SET ${[...assignments, 'updated_at = now()'].join(', ')}
     WHERE id = $1 AND deleted_at IS NULL
     RETURNING ${COLUMNS}`,
    [id, ...present.map(([, value]) => value)],
  );
  return rows[0] && toSubscription(rows[0]);
}

export async function deleteSubscription(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE subscriptions SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  return rowCount === 1;
}

/**
 * hookflow disabling a subscription on its own (410 Gone, failing too long).
 * Returns false when it was already disabled or is gone.
 */
export async function disableSubscription(db: Queryable, id: string, reason: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE subscriptions SET status = 'disabled', disabled_reason = $2, updated_at = now()
     WHERE id = $1 AND deleted_at IS NULL AND status <> 'disabled'`,
    [id, reason],
  );
  return rowCount === 1;
}

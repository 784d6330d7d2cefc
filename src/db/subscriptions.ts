import type { CreateSubscription, SignatureScheme, Subscription, SubscriptionStatus, UpdateSubscription } from '../schemas/subscription.js';
import type { Page } from '../schemas/common.js';
import type { PayloadFilter } from '../routing/payload-filter.js';
import { afterCursorSql, pageParams, toPage } from './page.js';
import type { Queryable } from './pool.js';

interface SubscriptionRow {
  id: string;
  tenant_id: string;
  url: string;
  event_types: string[];
  filter: PayloadFilter | null;
  description: string | null;
  headers: Record<string, string>;
  status: Subscription['status'];
  retry_schedule: number[] | null;
  timeout_ms: number | null;
  permanent_status_codes: number[];
  rate_limit_per_second: number | null;
  disabled_reason: string | null;
  signature_scheme: SignatureScheme;
  public_key: string | null;
  ordering: Subscription['ordering'];
  on_dead_letter: Subscription['onDeadLetter'];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, tenant_id, url, event_types, filter, description, headers, status, retry_schedule, timeout_ms,
  permanent_status_codes, rate_limit_per_second, disabled_reason, signature_scheme, public_key, ordering, on_dead_letter, created_at, updated_at`;

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    eventTypes: row.event_types,
    filter: row.filter,
    description: row.description,
    headers: row.headers,
    status: row.status,
    retrySchedule: row.retry_schedule,
    timeoutMs: row.timeout_ms,
    permanentStatusCodes: row.permanent_status_codes,
    rateLimitPerSecond: row.rate_limit_per_second,
    disabledReason: row.disabled_reason,
    signatureScheme: row.signature_scheme,
    publicKey: row.public_key,
    ordering: row.ordering,
    onDeadLetter: row.on_dead_letter,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The signing key as stored: sealed, with its scheme and (v1a) the public key that goes with it. */
export interface StoredSigningKey {
  sealed: string;
  scheme: SignatureScheme;
  publicKey: string | null;
}

export async function insertSubscription(
  db: Queryable,
  id: string,
  signingKey: StoredSigningKey,
  input: CreateSubscription & { tenantId: string },
): Promise<Subscription> {
  const { rows } = await db.query<SubscriptionRow>(
    `INSERT INTO subscriptions (id, url, event_types, description, headers, sealed_secret, retry_schedule, timeout_ms,
       permanent_status_codes, rate_limit_per_second, tenant_id, filter, signature_scheme, public_key, ordering, on_dead_letter)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     RETURNING ${COLUMNS}`,
    [
      id,
      input.url,
      [...new Set(input.eventTypes)],
      input.description ?? null,
      input.headers ?? {},
      signingKey.sealed,
      input.retrySchedule ?? null,
      input.timeoutMs ?? null,
      input.permanentStatusCodes ?? [],
      input.rateLimitPerSecond ?? null,
      input.tenantId,
      input.filter ?? null,
      signingKey.scheme,
      signingKey.publicKey,
      input.ordering ?? 'none',
      input.ordering === 'fifo' ? (input.onDeadLetter ?? 'block') : null,
    ],
  );
  return toSubscription(rows[0]!);
}

/** `tenantId`: only if it belongs to that tenant (a caller limited to one). */
export async function findSubscription(db: Queryable, id: string, tenantId?: string): Promise<Subscription | undefined> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM subscriptions WHERE id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR tenant_id = $2)`,
    [id, tenantId ?? null],
  );
  return rows[0] && toSubscription(rows[0]);
}

/** A subscription's signing keys, sealed (encrypted); only the secrets service opens them. */
export interface SealedSigningKeys {
  subscriptionId: string;
  signatureScheme: SignatureScheme;
  publicKey: string | null;
  sealedSecret: string;
  previousSealedSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

export async function findSigningKeys(db: Queryable, id: string): Promise<SealedSigningKeys | undefined> {
  const { rows } = await db.query<{
    signature_scheme: SignatureScheme;
    public_key: string | null;
    sealed_secret: string;
    previous_sealed_secret: string | null;
    previous_secret_expires_at: Date | null;
  }>(
    `SELECT signature_scheme, public_key, sealed_secret, previous_sealed_secret, previous_secret_expires_at
     FROM subscriptions WHERE id = $1 AND deleted_at IS NULL`,
    [id],
  );
  const row = rows[0];
  return (
    row && {
      subscriptionId: id,
      signatureScheme: row.signature_scheme,
      publicKey: row.public_key,
      sealedSecret: row.sealed_secret,
      previousSealedSecret: row.previous_sealed_secret,
      previousSecretExpiresAt: row.previous_secret_expires_at,
    }
  );
}

/**
 * Makes `next` the signing key (and its scheme the subscription's); the
 * current one keeps signing next to it until `previousExpiresAt`. Returns
 * false when there is no such subscription.
 */
export async function rotateSealedSecret(db: Queryable, id: string, next: StoredSigningKey, previousExpiresAt: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE subscriptions
     SET previous_sealed_secret = sealed_secret, previous_secret_expires_at = $3,
         sealed_secret = $2, signature_scheme = $4, public_key = $5, updated_at = now()
     WHERE id = $1 AND deleted_at IS NULL`,
    [id, next.sealed, previousExpiresAt, next.scheme, next.publicKey],
  );
  return rowCount === 1;
}

export async function listSubscriptions(
  db: Queryable,
  query: { limit: number; cursor?: string | undefined; tenantId?: string | undefined; status?: SubscriptionStatus | undefined },
): Promise<Page<Subscription>> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM subscriptions
     WHERE deleted_at IS NULL AND ($4::text IS NULL OR tenant_id = $4) AND ($5::text IS NULL OR status = $5) AND ${afterCursorSql(1)}
     ORDER BY created_at, id LIMIT $3`,
    [...pageParams(query), query.tenantId ?? null, query.status ?? null],
  );
  return toPage(rows, query.limit, toSubscription);
}

/** Applies only the fields present in `patch`; `undefined` keeps a column as it is. */
export async function updateSubscription(db: Queryable, id: string, patch: UpdateSubscription): Promise<Subscription | undefined> {
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
    ['filter', patch.filter],
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
  const { rowCount } = await db.query('UPDATE subscriptions SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL', [id]);
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

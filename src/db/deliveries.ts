import type { Delivery, DeliveryStatus, DeliveryWithAttempts, ListDeliveriesQuery } from '../schemas/delivery.js';
import type { Page } from '../schemas/common.js';
import type { SubscriptionStatus } from '../schemas/subscription.js';
import type { JsonValue } from '../json.js';
import { afterCursorSql, pageParams, toPage } from './page.js';
import { instant } from './instant.js';
import type { Queryable } from './pool.js';
import { countAttemptSql } from './usage.js';
import { BREAKER_PEEK_COLUMNS, toBreakerPeek, type BreakerPeekRow } from './endpoint-health.js';
import type { BreakerPeek } from '../delivery/breaker.js';

interface DeliveryRow {
  id: string;
  tenant_id: string;
  event_id: string;
  event_type: string;
  subscription_id: string;
  status: DeliveryStatus;
  attempt_count: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `d.id, d.tenant_id, d.event_id, e.type AS event_type, d.subscription_id, d.status, d.attempt_count,
  d.last_error, d.created_at, d.updated_at`;

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    eventId: row.event_id,
    eventType: row.event_type,
    subscriptionId: row.subscription_id,
    status: row.status,
    attemptCount: row.attempt_count,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** `tenantId`: only if it belongs to that tenant (a caller limited to one). */
export async function findDelivery(db: Queryable, id: string, tenantId?: string): Promise<DeliveryWithAttempts | undefined> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${COLUMNS} FROM deliveries d JOIN events e ON e.id = d.event_id
     WHERE d.id = $1 AND ($2::text IS NULL OR d.tenant_id = $2)`,
    [id, tenantId ?? null],
  );
  const row = rows[0];
  if (!row) return undefined;
  const attempts = await db.query<{
    number: number;
    started_at: Date;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
    response_body: string | null;
    request_headers: Record<string, string> | null;
  }>(
    `SELECT number, started_at, duration_ms, status_code, error, response_body, request_headers
     FROM attempts WHERE delivery_id = $1 ORDER BY number`,
    [id],
  );
  return {
    ...toDelivery(row),
    attempts: attempts.rows.map((a) => ({
      number: a.number,
      startedAt: a.started_at.toISOString(),
      durationMs: a.duration_ms,
      statusCode: a.status_code,
      error: a.error,
      responseBody: a.response_body,
      requestHeaders: a.request_headers,
    })),
  };
}

export async function listDeliveries(db: Queryable, query: ListDeliveriesQuery): Promise<Page<Delivery>> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${COLUMNS} FROM deliveries d JOIN events e ON e.id = d.event_id
     WHERE ($1::text IS NULL OR d.status = $1)
       AND ($2::text IS NULL OR d.subscription_id = $2)
       AND ($3::text IS NULL OR d.event_id = $3)
       AND ($7::text IS NULL OR d.tenant_id = $7)
       AND ($8::text IS NULL OR e.type = $8)
       AND ($9::timestamptz IS NULL OR d.created_at >= $9)
       AND ($10::timestamptz IS NULL OR d.created_at < $10)
       AND ${afterCursorSql(4, 'd.')}
     ORDER BY d.created_at, d.id LIMIT $6`,
    [
      query.status ?? null,
      query.subscriptionId ?? null,
      query.eventId ?? null,
      ...pageParams(query),
      query.tenantId ?? null,
      query.eventType ?? null,
      instant(query.since),
      instant(query.until),
    ],
  );
  return toPage(rows, query.limit, toDelivery);
}

/** Everything one attempt needs, read by id inside the activity (never passed through Temporal). */
export interface DeliveryTarget {
  deliveryId: string;
  status: DeliveryStatus;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  payload: JsonValue;
  subscriptionId: string;
  subscriptionStatus: SubscriptionStatus | 'deleted';
  url: string;
  /** Sealed; opened by the deliver activity just before signing. */
  sealedSecret: string;
  /** The secret before the last rotation, still signing until it expires. */
  previousSealedSecret: string | null;
  previousSecretExpiresAt: Date | null;
  headers: Record<string, string>;
  retrySchedule: number[] | null;
  timeoutMs: number | null;
  permanentStatusCodes: number[];
  rateLimitPerSecond: number | null;
  /** The endpoint's breaker, read in the same statement without a lock: the breaker's fast path needs no more. */
  breaker: BreakerPeek;
}

/**
 * The columns of a DeliveryTarget, for a query over `d` (the delivery: a row
 * of deliveries, or of an insert's RETURNING with the same columns), `e`
 * (events), `s` (subscriptions) and `h` (endpoint_health, LEFT JOINed), read
 * by toDeliveryTarget: one list for every query that loads a target.
 * `payload`: the expression for the event's payload (a query listing many
 * deliveries of one event reads it once, not once per row).
 */
export function deliveryTargetColumns(payload = 'e.payload'): string {
  return `d.id AS delivery_id, d.status, e.id AS event_id, e.type, e.created_at, ${payload} AS payload, s.id AS subscription_id,
  CASE WHEN s.deleted_at IS NULL THEN s.status ELSE 'deleted' END AS subscription_status,
  s.url, s.sealed_secret, s.previous_sealed_secret, s.previous_secret_expires_at, s.headers, s.retry_schedule, s.timeout_ms, s.permanent_status_codes,
  s.rate_limit_per_second, ${BREAKER_PEEK_COLUMNS}`;
}

export type DeliveryTargetRow = {
  delivery_id: string;
  status: DeliveryStatus;
  event_id: string;
  type: string;
  created_at: Date;
  payload: JsonValue;
  subscription_id: string;
  subscription_status: SubscriptionStatus | 'deleted';
  url: string;
  sealed_secret: string;
  previous_sealed_secret: string | null;
  previous_secret_expires_at: Date | null;
  headers: Record<string, string>;
  retry_schedule: number[] | null;
  timeout_ms: number | null;
  permanent_status_codes: number[];
  rate_limit_per_second: number | null;
} & BreakerPeekRow;

/** A row of DELIVERY_TARGET_COLUMNS, read at `peekedAt` (performance.now(), for the breaker peek's age). */
export function toDeliveryTarget(r: DeliveryTargetRow, peekedAt: number): DeliveryTarget {
  return {
    deliveryId: r.delivery_id,
    status: r.status,
    eventId: r.event_id,
    eventType: r.type,
    eventCreatedAt: r.created_at,
    payload: r.payload,
    subscriptionId: r.subscription_id,
    subscriptionStatus: r.subscription_status,
    url: r.url,
    sealedSecret: r.sealed_secret,
    previousSealedSecret: r.previous_sealed_secret,
    previousSecretExpiresAt: r.previous_secret_expires_at,
    headers: r.headers,
    retrySchedule: r.retry_schedule,
    timeoutMs: r.timeout_ms,
    permanentStatusCodes: r.permanent_status_codes,
    rateLimitPerSecond: r.rate_limit_per_second,
    breaker: toBreakerPeek(r, peekedAt),
  };
}

export async function loadDeliveryTarget(db: Queryable, deliveryId: string): Promise<DeliveryTarget | undefined> {
  const peekedAt = performance.now();
  const { rows } = await db.query<DeliveryTargetRow>(
    `SELECT ${deliveryTargetColumns()}
     FROM deliveries d
     JOIN events e ON e.id = d.event_id
     JOIN subscriptions s ON s.id = d.subscription_id
     LEFT JOIN endpoint_health h ON h.subscription_id = d.subscription_id
     WHERE d.id = $1`,
    [deliveryId],
  );
  return rows[0] && toDeliveryTarget(rows[0], peekedAt);
}

export interface AttemptRecord {
  deliveryId: string;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  /** The headers sent, credentials redacted (recordedRequestHeaders); left out: not recorded. */
  requestHeaders?: Record<string, string> | null;
  succeeded: boolean;
  /** The request body's size, counted in the tenant's usage when the attempt succeeded. */
  bodyBytes: number;
}

/**
 * Records one attempt and moves the delivery's counters (and its status, on
 * success) and the tenant's usage of the day in a single statement. Returns the attempt's number over the
 * delivery's life, and its number within the current round of retries.
 */
export async function recordAttempt(db: Queryable, attempt: AttemptRecord): Promise<{ number: number; attemptInRound: number }> {
  const { rows } = await db.query<{ number: number; retry_base: number }>(
    `WITH delivery AS (
       UPDATE deliveries
       SET attempt_count = attempt_count + 1,
           status = CASE WHEN $7 THEN 'succeeded' ELSE status END,
           last_error = CASE WHEN $7 THEN NULL ELSE COALESCE($5, 'HTTP ' || $4::int) END,
           updated_at = now()
       WHERE id = $1
       RETURNING attempt_count, retry_base, tenant_id
     ), ${countAttemptSql({ startedAt: '$2', succeeded: '$7', bodyBytes: '$8' })}, attempt AS (
       INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, response_body, request_headers)
       SELECT $1, attempt_count, $2, $3, $4::int, $5, $6, $9::jsonb FROM delivery
       RETURNING number
     )
     SELECT attempt.number, delivery.retry_base FROM attempt, delivery`,
    [
      attempt.deliveryId,
      attempt.startedAt,
      attempt.durationMs,
      attempt.statusCode,
      attempt.error,
      attempt.responseBody,
      attempt.succeeded,
      attempt.bodyBytes,
      attempt.requestHeaders == null ? null : JSON.stringify(attempt.requestHeaders),
    ],
  );
  const row = rows[0]!;
  return { number: row.number, attemptInRound: row.number - row.retry_base };
}

/** The delivery's latest attempt. */
export async function lastAttempt(db: Queryable, deliveryId: string): Promise<{ number: number; statusCode: number | null } | undefined> {
  const { rows } = await db.query<{ number: number; status_code: number | null }>(
    'SELECT number, status_code FROM attempts WHERE delivery_id = $1 ORDER BY number DESC LIMIT 1',
    [deliveryId],
  );
  return rows[0] && { number: rows[0].number, statusCode: rows[0].status_code };
}

export async function markDeliveryDead(db: Queryable, deliveryId: string, reason: string): Promise<void> {
  await db.query(`UPDATE deliveries SET status = 'dead', last_error = $2, updated_at = now() WHERE id = $1`, [deliveryId, reason]);
}

/** A redelivery: pending again, with a fresh round of retries. */
export async function reopenDelivery(db: Queryable, deliveryId: string): Promise<void> {
  await db.query(`UPDATE deliveries SET status = 'pending', retry_base = attempt_count, updated_at = now() WHERE id = $1`, [deliveryId]);
}

/**
 * One page of a subscription's dead deliveries created in [since, until),
 * in id order after `afterId`: a recovery's batch. Keyed on the id alone, so a
 * page that follows never sees a delivery an earlier page re-drove.
 */
export async function listDeadDeliveryIdsPage(
  db: Queryable,
  page: { subscriptionId: string; since: Date; until: Date; afterId: string | undefined; limit: number },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM deliveries
     WHERE subscription_id = $1 AND status = 'dead' AND created_at >= $2 AND created_at < $3
       AND ($4::text IS NULL OR id COLLATE "C" > $4)
     ORDER BY id COLLATE "C"
     LIMIT $5`,
    [page.subscriptionId, page.since, page.until, page.afterId ?? null, page.limit],
  );
  return rows.map((r) => r.id);
}

import type { AcceptedEvent, Event, EventSummary, ListEventsQuery } from '../schemas/event.js';
import type { Page } from '../schemas/common.js';
import { beforeCursorSql, pageParams, toPage } from './page.js';
import { instant } from './instant.js';
import type { DeliveryStatus } from '../schemas/delivery.js';
import { patternsMatching } from '../routing/event-type-pattern.js';
import { matchesFilter, type PayloadFilter } from '../routing/payload-filter.js';
import { DEFAULT_TENANT_ID } from '../schemas/tenant.js';
import { inTransaction, type Pool, type Queryable } from './pool.js';
import { countEventSql } from './usage.js';
import { deliveryTargetColumns, toDeliveryTarget, type DeliveryTarget, type DeliveryTargetRow } from './deliveries.js';

/**
 * Records an event and creates one pending delivery per matching subscription
 * (of the event's tenant; its event type patterns select the type and its
 * payload filter, if any, passes the payload) that is active or paused (a
 * paused one holds its deliveries until resumed), in one transaction,
 * exactly once per event id; then returns the first batch of deliveries to
 * start. `fannedOut` says another workflow run already
 * finished fanning the event out (a re-publication after Temporal's
 * retention). The same run asking again (its first answer was lost with a
 * worker or a Temporal restart) gets its batch again: its children were
 * perhaps never started, and starting one twice is refused by Temporal.
 * That run may also have delivered some of them at the first attempt before
 * its answer was lost: those are no longer pending, and come back apart, in
 * `alreadyDelivered`, so the run can still list them as delivered.
 */
export async function recordEvent(
  pool: Pool,
  event: AcceptedEvent,
  batchSize: number,
  runId: string,
  /** `readTargets`: a new event's first batch comes with each delivery's whole target, for first attempts made at once. */
  options: { readTargets?: boolean } = {},
): Promise<{ fannedOut: boolean; batch: FanoutTarget[]; alreadyDelivered: string[] }> {
  return inTransaction(pool, async (tx) => {
    // The new event's path is two statements: the insert with its routing
    // candidates, then its deliveries with everything that follows from them.
    const candidates = await insertEvent(tx, event, runId);
    if (candidates !== undefined) {
      const recipients = candidates.filter((s) => s.filter === null || matchesFilter(s.filter, event.payload));
      const batch = await createDeliveries(tx, event, recipients, batchSize, options.readTargets ?? false);
      return { fannedOut: false, batch, alreadyDelivered: [] };
    } else {
      const { rows } = await tx.query<{ fanned_out: boolean }>(
        // A row from before recorded_by_run existed counts as this run's: a
        // second delivery (at least once) beats a lost one.
        `SELECT fanned_out_at IS NOT NULL AND recorded_by_run <> $2 AS fanned_out FROM events WHERE id = $1`,
        [event.id, runId],
      );
      if (rows[0]!.fanned_out) return { fannedOut: true, batch: [], alreadyDelivered: [] };
      const batch = await nextFanoutBatch(tx, event.id, null, batchSize);
      // Within this batch's window: up to its last subscription when more batches follow, else all.
      const upTo = batch.length === batchSize ? batch.at(-1)!.subscriptionId : null;
      const { rows: succeeded } = await tx.query<{ subscription_id: string }>(
        `SELECT subscription_id FROM deliveries
         WHERE event_id = $1 AND status = 'succeeded' AND ($2::text IS NULL OR subscription_id <= $2)
         ORDER BY subscription_id`,
        [event.id, upTo],
      );
      return { fannedOut: false, batch, alreadyDelivered: succeeded.map((row) => row.subscription_id) };
    }
  });
}

/**
 * Inserts the event unless its id is recorded already (undefined then), and
 * lists, in the same statement, the subscriptions of the event's own tenant
 * whose event type patterns select the event and that take deliveries
 * (active or paused), with their payload filters, which are evaluated in
 * JavaScript. The patterns are matched here, through the GIN index on
 * event_types: every pattern that can select the type is listed
 * (src/routing/event-type-pattern.ts), so a subscription that cannot match is
 * never loaded.
 */
async function insertEvent(
  db: Queryable,
  event: AcceptedEvent,
  runId: string,
): Promise<Array<{ id: string; filter: PayloadFilter | null }> | undefined> {
  const { rows } = await db.query<{ id: string | null; filter: PayloadFilter | null }>(
    // No row: the id was there already. One row per candidate, or a single
    // row of nulls for a new event that no subscription selects.
    `WITH inserted AS (
       INSERT INTO events (id, type, payload, idempotency_key, created_at, recorded_by_run, tenant_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING
       RETURNING id
     )
     SELECT c.id, c.filter FROM inserted LEFT JOIN LATERAL (
       SELECT s.id, s.filter FROM subscriptions s
       WHERE s.tenant_id = $7 AND s.deleted_at IS NULL AND s.status IN ('active', 'paused')
         AND s.event_types && $8::text[]
     ) c ON true`,
    [
      event.id,
      event.type,
      JSON.stringify(event.payload),
      event.idempotencyKey,
      event.createdAt,
      runId,
      tenantOf(event),
      patternsMatching(event.type),
    ],
  );
  if (rows.length === 0) return undefined;
  return rows.flatMap((row) => (row.id === null ? [] : [{ id: row.id, filter: row.filter }]));
}

/**
 * A new event's deliveries, one per recipient, in one statement with what
 * follows from them: the first batch (as nextFanoutBatch lists it: all of
 * them are pending), with each one's whole target for its first attempt, the event marked fanned out when that batch is the last
 * one, and the event counted in the tenant's usage: once, with the insert
 * that made it new, and in the transaction's last statement, so the tenant's
 * usage row is locked only until the commit.
 */
async function createDeliveries(
  db: Queryable,
  event: AcceptedEvent,
  recipients: Array<{ id: string }>,
  batchSize: number,
  readTargets: boolean,
): Promise<FanoutTarget[]> {
  const peekedAt = performance.now();
  const listed = fanoutColumns('batch', readTargets);
  const { rows } = await db.query<FanoutRow & Partial<DeliveryTargetRow>>(
    // A fifo subscription's delivery takes its place in the stream: the
    // event's acceptance time (see migration 009).
    `WITH created AS (
       INSERT INTO deliveries (id, event_id, subscription_id, tenant_id, ordered_at)
       SELECT 'dlv_' || replace(gen_random_uuid()::text, '-', ''), $1, s.id, $3,
              CASE WHEN s.ordering = 'fifo' THEN $4::timestamptz END
       FROM unnest($2::text[]) AS r(subscription_id) JOIN subscriptions s ON s.id = r.subscription_id
       RETURNING id, event_id, subscription_id, status, ordered_at
     ), fanned_out AS (
       UPDATE events SET fanned_out_at = now() WHERE id = $1 AND fanned_out_at IS NULL AND (SELECT count(*) FROM created) < $5
     ), ${countEventSql({ tenantId: '$3', acceptedAt: '$4', deliveries: '(SELECT count(*) FROM created)' })},
     batch AS (SELECT * FROM created ORDER BY subscription_id LIMIT $5)
     SELECT ${listed}
     ORDER BY d.subscription_id`,
    [event.id, recipients.map((s) => s.id), tenantOf(event), event.createdAt, batchSize],
  );
  return toFanoutTargets(rows, readTargets, peekedAt);
}

/**
 * What a batch lists of each delivery of `deliveries` (a relation aliased d
 * in the FROM clause this returns, already cut to the batch, so the joins and
 * the window cover its rows only, not every delivery of a wide fan-out): with
 * `readTargets`, the whole target of its first attempt, and the event's
 * payload once, on the first row, not once per delivery: a wide fan-out of a
 * large payload would read it (up to its limit) fifty times.
 */
function fanoutColumns(deliveries: string, readTargets: boolean): string {
  return readTargets
    ? `${deliveryTargetColumns('CASE WHEN row_number() OVER (ORDER BY d.subscription_id) = 1 THEN e.payload END')}, d.ordered_at IS NOT NULL AS ordered
       FROM ${deliveries} d
       JOIN events e ON e.id = d.event_id
       JOIN subscriptions s ON s.id = d.subscription_id
       LEFT JOIN endpoint_health h ON h.subscription_id = d.subscription_id`
    : `d.id AS delivery_id, d.subscription_id, s.url, d.ordered_at IS NOT NULL AS ordered
       FROM ${deliveries} d JOIN subscriptions s ON s.id = d.subscription_id`;
}

function toFanoutTargets(rows: Array<FanoutRow & Partial<DeliveryTargetRow>>, readTargets: boolean, peekedAt: number): FanoutTarget[] {
  if (!readTargets) return rows.map(toFanoutTarget);
  const payload = rows[0]?.payload;
  return rows.map((row) => ({ ...toFanoutTarget(row), target: toDeliveryTarget({ ...(row as DeliveryTargetRow), payload: payload! }, peekedAt) }));
}

export interface FanoutTarget {
  deliveryId: string;
  subscriptionId: string;
  url: string;
  /** A fifo subscription's delivery: its stream delivers it, in order, not the event workflow. */
  ordered: boolean;
  /**
   * Everything its first attempt needs, read with the new delivery itself, so
   * that attempt need not read it again (never passed through Temporal).
   * Only when asked for (a batch whose first attempts are made at once).
   */
  target?: DeliveryTarget;
}

/**
 * One batch of an event's pending deliveries, in subscription id order, after
 * `afterSubscriptionId`. The last batch (a short one) marks the event fanned
 * out: once the workflow run that asked has its answer it starts every child
 * in it, so from here on a new run of the same event id must start none.
 */
export async function nextFanoutBatch(
  db: Queryable,
  eventId: string,
  afterSubscriptionId: string | null,
  limit: number,
  /** `readTargets`: each delivery's whole target, for first attempts made at once. */
  options: { readTargets?: boolean } = {},
): Promise<FanoutTarget[]> {
  const readTargets = options.readTargets ?? false;
  const peekedAt = performance.now();
  const { rows } = await db.query<FanoutRow & Partial<DeliveryTargetRow>>(
    `WITH batch AS (
       SELECT * FROM deliveries
       WHERE event_id = $1 AND status = 'pending' AND ($2::text IS NULL OR subscription_id > $2)
       ORDER BY subscription_id LIMIT $3
     )
     SELECT ${fanoutColumns('batch', readTargets)}
     ORDER BY d.subscription_id`,
    [eventId, afterSubscriptionId, limit],
  );
  if (rows.length < limit) {
    await db.query('UPDATE events SET fanned_out_at = now() WHERE id = $1 AND fanned_out_at IS NULL', [eventId]);
  }
  return toFanoutTargets(rows, readTargets, peekedAt);
}

interface FanoutRow {
  delivery_id: string;
  subscription_id: string;
  url: string;
  ordered: boolean;
}

function toFanoutTarget(r: FanoutRow): FanoutTarget {
  return { deliveryId: r.delivery_id, subscriptionId: r.subscription_id, url: r.url, ordered: r.ordered };
}

/** The event's tenant: events accepted before tenants existed carry none and belong to the default tenant. */
export function tenantOf(event: Pick<AcceptedEvent, 'tenantId'>): string {
  return event.tenantId ?? DEFAULT_TENANT_ID;
}

export async function findEvent(db: Queryable, id: string): Promise<Event | undefined> {
  const { rows } = await db.query<{ id: string; tenant_id: string; type: string; payload: Event['payload']; created_at: Date }>(
    'SELECT id, tenant_id, type, payload, created_at FROM events WHERE id = $1',
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const deliveries = await db.query<{ id: string; subscription_id: string; status: DeliveryStatus; attempt_count: number }>(
    'SELECT id, subscription_id, status, attempt_count FROM deliveries WHERE event_id = $1 ORDER BY subscription_id',
    [id],
  );
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
    state: 'recorded',
    deliveries: deliveries.rows.map((d) => ({
      id: d.id,
      subscriptionId: d.subscription_id,
      status: d.status,
      attemptCount: d.attempt_count,
    })),
  };
}

/**
 * Events recorded in PostgreSQL, newest first, with their deliveries counted
 * by status. `tenantId` is the filter already scoped to the caller
 * (tenantForList). An event accepted but not yet recorded by its workflow is
 * not listed yet (GET /v1/events/:id finds it in Temporal).
 */
export async function listEvents(db: Queryable, query: ListEventsQuery): Promise<Page<EventSummary>> {
  const { rows } = await db.query<{
    id: string;
    tenant_id: string;
    type: string;
    created_at: Date;
    pending: number;
    succeeded: number;
    dead: number;
  }>(
    `SELECT e.id, e.tenant_id, e.type, e.created_at,
            count(*) FILTER (WHERE d.status = 'pending')::int AS pending,
            count(*) FILTER (WHERE d.status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE d.status = 'dead')::int AS dead
     FROM (
       SELECT id, tenant_id, type, created_at FROM events
       WHERE ($4::text IS NULL OR tenant_id = $4)
         AND ($5::text IS NULL OR type = $5)
         AND ($6::timestamptz IS NULL OR created_at >= $6)
         AND ($7::timestamptz IS NULL OR created_at < $7)
         AND ${beforeCursorSql(1)}
       ORDER BY created_at DESC, id DESC LIMIT $3
     ) e
     LEFT JOIN deliveries d ON d.event_id = e.id
     GROUP BY e.id, e.tenant_id, e.type, e.created_at
     ORDER BY e.created_at DESC, e.id DESC`,
    [...pageParams(query), query.tenantId ?? null, query.type ?? null, instant(query.since), instant(query.until)],
  );
  return toPage(rows, query.limit, (row) => ({
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    createdAt: row.created_at.toISOString(),
    deliveries: { pending: row.pending, succeeded: row.succeeded, dead: row.dead },
  }));
}

// GET /v1/stats, pure: which buckets a window has, and the counted rows laid
// out into them (every bucket present, zeros where nothing happened) with the
// window's totals. The counting itself is src/db/stats.ts.
import { statusClass } from '../metrics/metrics.js';
import { STATS_WINDOWS, type AttemptsByClass, type StatsBucket, type StatsWindow } from '../schemas/stats.js';

export interface StatsSpan {
  /** The first bucket's start; the window is [since, until). */
  since: Date;
  until: Date;
  bucketSeconds: number;
  bucketCount: number;
}

/** Whole buckets ending with the one `now` falls in (still under way), as long as the window in all. */
export function statsSpan(window: StatsWindow, now: Date): StatsSpan {
  const { seconds, bucketSeconds } = STATS_WINDOWS[window];
  const bucketMs = bucketSeconds * 1000;
  const until = new Date((Math.floor(now.getTime() / bucketMs) + 1) * bucketMs);
  return { since: new Date(until.getTime() - seconds * 1000), until, bucketSeconds, bucketCount: seconds / bucketSeconds };
}

/** Counted rows, by bucket index (0: the oldest bucket); rows outside the window are ignored. */
export interface CountedRows {
  events: Array<{ bucket: number; n: number }>;
  /** Attempts by HTTP status (null: no answer), classed here exactly as the attempts metric classes them. */
  attempts: Array<{ bucket: number; statusCode: number | null; n: number }>;
  dead: Array<{ bucket: number; n: number }>;
}

const noAttempts = (): AttemptsByClass => ({ '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, network: 0 });

export function layOut(
  span: StatsSpan,
  rows: CountedRows,
): { buckets: StatsBucket[]; totals: Omit<StatsBucket, 'start'> & { successRate: number | null } } {
  const buckets: StatsBucket[] = Array.from({ length: span.bucketCount }, (_, i) => ({
    start: new Date(span.since.getTime() + i * span.bucketSeconds * 1000).toISOString(),
    events: 0,
    deliveries: { succeeded: 0, dead: 0 },
    attempts: noAttempts(),
  }));
  const at = (bucket: number) => (Number.isInteger(bucket) && bucket >= 0 && bucket < buckets.length ? buckets[bucket] : undefined);
  for (const row of rows.events) {
    const bucket = at(row.bucket);
    if (bucket) bucket.events += row.n;
  }
  for (const row of rows.attempts) {
    const bucket = at(row.bucket);
    if (!bucket) continue;
    const statusClassOf = statusClass(row.statusCode ?? undefined);
    bucket.attempts[statusClassOf] += row.n;
    // The attempts metric's outcome="succeeded" is a 2xx, and each one settles its delivery as succeeded.
    if (statusClassOf === '2xx') bucket.deliveries.succeeded += row.n;
  }
  for (const row of rows.dead) {
    const bucket = at(row.bucket);
    if (bucket) bucket.deliveries.dead += row.n;
  }
  const totals = { events: 0, deliveries: { succeeded: 0, dead: 0 }, attempts: noAttempts() };
  for (const bucket of buckets) {
    totals.events += bucket.events;
    totals.deliveries.succeeded += bucket.deliveries.succeeded;
    totals.deliveries.dead += bucket.deliveries.dead;
    for (const key of Object.keys(totals.attempts) as Array<keyof AttemptsByClass>) totals.attempts[key] += bucket.attempts[key];
  }
  const settled = totals.deliveries.succeeded + totals.deliveries.dead;
  return { buckets, totals: { ...totals, successRate: settled === 0 ? null : totals.deliveries.succeeded / settled } };
}

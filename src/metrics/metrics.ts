// Prometheus metrics (prom-client). Labels are bounded on purpose: outcomes
// and status classes, never subscription or event ids, so a busy hookflow
// does not grow the metric set without end.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queryable } from '../db/pool.js';
import { countBreakers, countDeadLetters } from '../db/stats.js';
import { fetchSdkMetrics } from './sdk-metrics.js';

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'network';

export function statusClass(statusCode: number | undefined): StatusClass {
  if (statusCode === undefined) return 'network';
  if (statusCode >= 200 && statusCode < 300) return '2xx';
  if (statusCode >= 300 && statusCode < 400) return '3xx';
  if (statusCode >= 400 && statusCode < 500) return '4xx';
  return '5xx';
}

export interface HookflowMetrics {
  registry: Registry;
  /** What /metrics answers: hookflow's metrics, then the Temporal SDK's when this process runs a worker. */
  scrape(): Promise<string>;
  /** The content type of that answer (Prometheus text 0.0.4, which both sides speak). */
  contentType: string;
  eventsAccepted: Counter<'replayed'>;
  deliveries: Counter<'outcome'>;
  attempts: Counter<'outcome' | 'status_class'>;
  attemptDuration: Histogram<'outcome'>;
  inFlight: Gauge;
  /** Deliveries a fifo stream sent behind a later-accepted one (docs/ordered-delivery.md). */
  orderViolations: Counter;
  /** Rows the retention workflow deleted, by table (src/db/retention.ts). */
  retentionDeleted: Counter<'table'>;
}

/**
 * One registry per process. `pool`, when given, adds gauges read from
 * Postgres at scrape time: dead letters and breakers by state (all workers'
 * view, not just this process's). `sdkMetricsUrl`, when given, says where
 * this process's Temporal SDK serves its metrics, if it does (see
 * src/runtime/sdk-runtime.ts); every scrape appends them.
 */
export function createMetrics(
  options: { pool?: Queryable; defaultMetrics?: boolean; sdkMetricsUrl?: () => Promise<string | undefined> } = {},
): HookflowMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'hookflow_' });
  const metrics: HookflowMetrics = {
    registry,
    async scrape() {
      const [own, sdkUrl] = await Promise.all([registry.metrics(), options.sdkMetricsUrl?.()]);
      return sdkUrl === undefined ? own : `${own}${await fetchSdkMetrics(sdkUrl)}`;
    },
    contentType: registry.contentType,
    eventsAccepted: new Counter({
      name: 'hookflow_events_accepted_total',
      help: 'Events accepted by POST /v1/events (replayed: a repeat of an id or Idempotency-Key)',
      labelNames: ['replayed'],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'hookflow_deliveries_total',
      help: 'Deliveries that settled, by outcome (succeeded or dead)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    attempts: new Counter({
      name: 'hookflow_attempts_total',
      help: 'HTTP delivery attempts, by outcome and status class',
      labelNames: ['outcome', 'status_class'],
      registers: [registry],
    }),
    attemptDuration: new Histogram({
      name: 'hookflow_attempt_duration_seconds',
      help: 'Duration of HTTP delivery attempts',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'hookflow_deliveries_in_flight',
      help: 'Delivery attempts under way in this process',
      registers: [registry],
    }),
    orderViolations: new Counter({
      name: 'hookflow_fifo_order_violations_total',
      help: 'Fifo deliveries sent after a later-accepted event of the same subscription (recorded later than the hold-back)',
      registers: [registry],
    }),
    retentionDeleted: new Counter({
      name: 'hookflow_retention_deleted_rows_total',
      help: 'Expired rows deleted by the retention workflow, by table (events, deliveries, attempts)',
      labelNames: ['table'],
      registers: [registry],
    }),
  };
  const pool = options.pool;
  if (pool) {
    new Gauge({
      name: 'hookflow_dead_letters',
      help: 'Deliveries currently dead-lettered (all workers)',
      registers: [registry],
      async collect() {
        this.set(await countDeadLetters(pool));
      },
    });
    new Gauge({
      name: 'hookflow_breakers',
      help: 'Circuit breakers of existing subscriptions, by state (all workers)',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const counts = await countBreakers(pool);
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
  }
  return metrics;
}

// The bench's printed output: one table per scenario (a row per worker
// shape), the baselines, and the processes.
import type { BaselineResult } from './baseline.js';
import { SHAPE_LABELS, SHAPES, type ScenarioResult } from './scenarios.js';
import { table, type LatencySummary } from './stats.js';

export interface BenchReport {
  label: string;
  date: string;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  scenarios: ScenarioResult[];
  baselines: BaselineResult[];
  processes: Record<string, { cpuSeconds: number; peakRssMiB: number }>;
  soak?: unknown;
  wallSeconds: number;
}

const PROCESSES = ['api', 'worker', 'temporal', 'postgres'];

export function formatReport(report: Pick<BenchReport, 'scenarios' | 'baselines' | 'processes'>): string {
  const out: string[] = [];
  const names = [...new Set(report.scenarios.map((r) => r.scenario))];
  for (const name of names) {
    const runs = report.scenarios.filter((r) => r.scenario === name).sort((a, b) => SHAPES.indexOf(a.shape) - SHAPES.indexOf(b.shape));
    out.push(`${runs[0]!.title}`);
    const rows = runs.map((r) => {
      const per = r.cost.perDelivery;
      const cpu = r.cpuSecondsPer1000Deliveries;
      return {
        shape: SHAPE_LABELS[r.shape],
        'del/s': r.deliveriesPerSecond,
        'ingest ms p50/p95/p99': `${r.ingestMs.p50}/${r.ingestMs.p95}/${r.ingestMs.p99}`,
        'API ms/event': r.apiCpuMsPerEvent,
        'lag ms p50/p99': `${r.lagMs.p50}/${r.lagMs.p99}`,
        ...(r.keptUp === undefined ? {} : { 'kept up': r.keptUp ? 'yes' : 'no' }),
        'events/del': per.historyEventsPerDelivery,
        'WF tasks/del':
          per.workflowTasksPerDelivery === per.workflowTasksScheduledPerDelivery
            ? per.workflowTasksPerDelivery
            : `${per.workflowTasksPerDelivery} (${per.workflowTasksScheduledPerDelivery} sched.)`,
        'act tasks/del': per.activityTasksPerDelivery,
        'local act/del': per.localActivitiesPerDelivery,
        'execs/del': per.executionsPerDelivery,
        'CPU-s/1k del api/worker/temporal/pg (all)': `${PROCESSES.map((p) => cpu[p] ?? '-').join('/')} (${cpu.all})`,
        'peak RSS MiB api/worker/temporal/pg': PROCESSES.map((p) => r.peakRssMiB[p] ?? '-').join('/'),
      };
    });
    out.push(table(rows));
    for (const r of runs) {
      const notes = [
        r.missing ? `${r.missing} of ${r.expectedDeliveries} deliveries missing` : '',
        r.duplicates ? `${r.duplicates} duplicate receipt(s)` : '',
        r.publishErrors ? `${r.publishErrors} publish error(s): ${r.firstPublishError}` : '',
        r.closed.stillRunning ? `${r.closed.stillRunning} execution(s) still running (${r.closed.stillRunningIds.slice(0, 3).join(', ')})` : '',
      ].filter(Boolean);
      if (notes.length) out.push(`  ${SHAPE_LABELS[r.shape]}: ${notes.join('; ')}`);
    }
    out.push('');
  }
  if (report.baselines.length) {
    out.push('Bare Temporal, same server, same run (no HTTP, no PostgreSQL)');
    out.push(
      table(
        report.baselines.map((b) => {
          const hookflow = report.scenarios.find((r) =>
            b.rate === undefined
              ? r.shape === b.shape && r.subscribers === b.subscribers && r.concurrency !== undefined && r.events > 1
              : r.shape === b.shape && r.subscribers === b.subscribers && r.rate === b.rate,
          );
          const ms = (l: LatencySummary | undefined) => (l ? `${l.p50}/${l.p95}/${l.p99}` : '-');
          return {
            shape: SHAPE_LABELS[b.shape],
            workflow: b.workflow,
            subscribers: b.subscribers,
            starts: b.rate === undefined ? `${b.concurrency ?? '?'} concurrent` : `${b.rate}/s`,
            eager: b.eagerlyStarted === undefined ? '-' : `${b.eagerlyStarted}/${b.parents}`,
            'del/s': b.deliveriesPerSecond,
            'start ms p50/p95/p99': ms(b.startMs),
            'lag ms p50/p99': b.lagMs ? `${b.lagMs.p50}/${b.lagMs.p99}` : '-',
            'events/del': b.cost.historyEventsPerDelivery,
            'WF tasks/del': b.cost.workflowTasksPerDelivery,
            'act tasks/del': b.cost.activityTasksPerDelivery,
            'local act/del': b.cost.localActivitiesPerDelivery,
            'execs/del': b.cost.executionsPerDelivery,
            'hookflow del/s': hookflow ? `${hookflow.deliveriesPerSecond} (${hookflow.scenario})` : '-',
            'hookflow / bare': hookflow ? Math.round((hookflow.deliveriesPerSecond / b.deliveriesPerSecond) * 100) / 100 : '-',
            'hookflow ingest ms p50/p95/p99': hookflow ? ms(hookflow.ingestMs) : '-',
          };
        }),
      ),
    );
    out.push('');
  }
  out.push(
    table(Object.entries(report.processes).map(([name, p]) => ({ process: name, 'CPU s (whole run)': p.cpuSeconds, 'peak RSS MiB': p.peakRssMiB }))),
  );
  out.push('(del = successful delivery; CPU-s/1k = CPU seconds per 1,000 deliveries, children included; PostgreSQL RSS is the postmaster only)');
  return `${out.join('\n')}\n`;
}

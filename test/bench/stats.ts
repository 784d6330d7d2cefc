// Small measurement helpers for the benchmark: percentiles, rates, /proc readings.
import { readdirSync, readFileSync } from 'node:fs';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? NaN),
  };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU seconds (user + system) a process and its children have used so far:
 * PostgreSQL does its work in backends forked from the postmaster. Children
 * that have exited count once reaped (cutime/cstime).
 */
export function cpuSeconds(pid: number): number {
  const own = statFields(pid);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(Number(entry));
      if (Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** The processes that exist: a part not running has no pid to measure. */
export function definedOnly(pids: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).filter((entry): entry is [string, number] => entry[1] !== undefined));
}

/** Peak resident memory (VmHWM) of a process, in MiB. */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

/** Current resident memory (VmRSS), in MiB. */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

export function table(rows: Array<Record<string, string | number>>): string {
  const headers = Object.keys(rows[0] ?? {});
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(headers.map((h) => String(r[h]))))].join('\n');
}

export interface SecondSample {
  /** Seconds since the scenario's first publish (this second starts at t). */
  t: number;
  published: number;
  delivered: number;
  /** Publish-to-receipt lag of the deliveries received in this second; null when none were. */
  lagP50Ms: number | null;
  lagP99Ms: number | null;
}

/** A per-second time series from the first publish to the last receipt. */
export function perSecond(firstAt: number, publishedAt: readonly number[], receipts: ReadonlyArray<{ at: number; lagMs: number }>): SecondSample[] {
  const second = (at: number) => Math.max(0, Math.floor((at - firstAt) / 1000));
  const length = Math.max(0, ...publishedAt.map(second), ...receipts.map((r) => second(r.at))) + 1;
  const published = new Array<number>(length).fill(0);
  const lags = Array.from({ length }, () => [] as number[]);
  for (const at of publishedAt) published[second(at)]! += 1;
  for (const r of receipts) lags[second(r.at)]!.push(r.lagMs);
  return lags.map((bucket, t) => {
    const sorted = bucket.sort((a, b) => a - b);
    return {
      t,
      published: published[t]!,
      delivered: sorted.length,
      lagP50Ms: sorted.length ? percentile(sorted, 50) : null,
      lagP99Ms: sorted.length ? percentile(sorted, 99) : null,
    };
  });
}

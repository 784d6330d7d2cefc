// The benchmark's bare-Temporal rows (test/bench/report.ts) are compared with
// the hookflow scenario that was loaded the same way: a steady-rate baseline
// with the steady scenario of that rate, a concurrent one with the concurrent
// scenario of its shape and subscribers; and the steady starter
// (test/bench/publish.ts runAtRate) keeps its schedule whatever the tasks take.
import { describe, expect, it } from 'vitest';
import type { BaselineResult } from '../bench/baseline.js';
import { perDelivery, emptyCost } from '../bench/history-cost.js';
import { runAtRate } from '../bench/publish.js';
import { formatReport } from '../bench/report.js';
import type { ScenarioResult } from '../bench/scenarios.js';
import { summarise } from '../bench/stats.js';

const cost = perDelivery(emptyCost(), 1);

function scenario(name: string, load: { rate: number } | { concurrency: number }, deliveriesPerSecond: number, ingest: number[]): ScenarioResult {
  return {
    scenario: name,
    title: `${name}: test`,
    shape: 'on-failure',
    eventType: `bench.${name}`,
    events: 100,
    subscribers: 1,
    ...load,
    publishErrors: 0,
    expectedDeliveries: 100,
    deliveries: 100,
    duplicates: 0,
    missing: 0,
    seconds: 2,
    deliveriesPerSecond,
    ingestMs: summarise(ingest),
    apiCpuMsPerEvent: 1,
    lagMs: summarise([1]),
    cpuSeconds: {},
    cpuSecondsPer1000Deliveries: { all: 1 },
    peakRssMiB: {},
    closed: { stillRunning: 0, stillRunningIds: [], waitedMs: 0 },
    cost: { total: emptyCost(), perDelivery: cost },
    series: [],
  };
}

function baseline(
  load: { rate: number } | { concurrency: number },
  deliveriesPerSecond: number,
  extra: Partial<BaselineResult> = {},
): BaselineResult {
  return {
    shape: 'on-failure',
    workflow: 'baselineLocalParent',
    parents: 100,
    subscribers: 1,
    ...load,
    deliveries: 100,
    deliveriesPerSecond,
    startMs: summarise([5, 7, 9]),
    cost,
    ...extra,
  };
}

/** The baseline table's data rows, split into cells (two or more spaces apart). */
function baselineRows(text: string): string[][] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Bare Temporal'));
  const rows: string[][] = [];
  for (const line of lines.slice(at + 3)) {
    if (line.trim() === '') break;
    rows.push(line.trim().split(/ {2,}/));
  }
  return rows;
}

describe('the bare-Temporal table', () => {
  const text = formatReport({
    scenarios: [scenario('A', { concurrency: 32 }, 40, [100, 200, 300]), scenario('C50', { rate: 50 }, 45, [11, 22, 33])],
    baselines: [
      baseline({ concurrency: 32 }, 50),
      baseline({ concurrency: 32 }, 60, { eagerlyStarted: 30 }),
      baseline({ rate: 50 }, 50, { eagerlyStarted: 100 }),
    ],
    processes: {},
  });
  const rows = baselineRows(text);

  it('compares a concurrent baseline with the concurrent scenario, and says how many starts were eager', () => {
    expect(rows[0]).toEqual(expect.arrayContaining(['32 concurrent', '-', '50', '7/9/9', '40 (A)', '0.8', '200/300/300']));
    expect(rows[1]).toEqual(expect.arrayContaining(['32 concurrent', '30/100', '60', '40 (A)', '0.67']));
  });

  it('compares a steady baseline with the steady scenario of the same rate, start latency beside ingest latency', () => {
    expect(rows[2]).toEqual(expect.arrayContaining(['50/s', '100/100', '7/9/9', '45 (C50)', '0.9', '22/33/33']));
  });
});

describe('runAtRate', () => {
  it('starts every task on its schedule without waiting for earlier ones to finish', async () => {
    const startedAt: number[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const t0 = Date.now();
    const all = runAtRate(5, 200, async (i) => {
      startedAt[i] = Date.now() - t0;
      await blocked;
    });
    // Every task starts while none has finished (at 200/s the last is due after 20 ms; allowed 5 s).
    const started = () => startedAt.filter((t) => t !== undefined).length;
    for (const deadline = Date.now() + 5_000; started() < 5 && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started()).toBe(5);
    // Never before its slot (5 ms apart at 200/s; a timer may fire 1 ms early).
    startedAt.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(i * 5 - 1));
    release();
    await all;
  });
});

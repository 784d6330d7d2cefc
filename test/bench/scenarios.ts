// The benchmark's scenarios (issue #11, "Cost per delivery") and how one runs:
// fresh subscriptions and a fresh receiver, an event type of its own
// (`bench.<scenario>.<shape>`) so its workflows can be told apart, publish,
// wait for every receipt and for every workflow to close, then read back from
// the histories what each delivery cost Temporal.
import type { Client } from '@temporalio/client';
import { printProgress as progress } from '../../src/dev/progress.js';
import { startReceiver } from '../support/receiver.js';
import { perDelivery, type CostPerDelivery, type HistoryCost } from './history-cost.js';
import { listStable, readCost, waitAllClosed, type ClosedCheck } from './histories.js';
import { publishAtRate, publishConcurrently, runConcurrently, waitUntil, type Call } from './publish.js';
import { cpuSeconds, perSecond, rssMiB, summarise, type LatencySummary, type SecondSample } from './stats.js';

/** The worker's HOOKFLOW_DELIVERY_WORKFLOWS: `always` is the shape before issue #11, `on-failure` the one after. */
export const SHAPES = ['always', 'on-failure'] as const;
export type Shape = (typeof SHAPES)[number];
export const SHAPE_LABELS: Record<Shape, string> = { always: 'always (before)', 'on-failure': 'on-failure (after)' };

export interface ScenarioDef {
  name: string;
  title: string;
  events: number;
  subscribers: number;
  /** Concurrent publishers, each publishing its next event once the last was accepted... */
  concurrency?: number;
  /** ...or a steady rate in events per second. */
  rate?: number;
}

const n = (x: number) => x.toLocaleString('en-US');
const count = (x: number, noun: string) => `${n(x)} ${noun}${x === 1 ? '' : 's'}`;

/** The scenarios by name, sizes multiplied by `scale` (at least one event, one subscriber). */
export function scenarioDefs(options: { scale: number; concurrency: number; fanout: number }): Record<string, ScenarioDef> {
  const size = (x: number) => Math.max(1, Math.round(x * options.scale));
  const concurrent = (name: string, events: number, subscribers: number): ScenarioDef => ({
    name,
    title: `${name}: ${count(events, 'event')} × ${count(subscribers, 'subscriber')}, ${options.concurrency} concurrent publishers`,
    events,
    subscribers,
    concurrency: options.concurrency,
  });
  const steady = (name: string, rate: number, seconds: number): ScenarioDef => {
    const events = size(rate * seconds);
    return { name, title: `${name}: steady ${rate} events/s for ${n(events / rate)} s × 1 subscriber`, events, subscribers: 1, rate };
  };
  return {
    A: concurrent('A', size(2000), 1),
    B: concurrent('B', size(300), 10),
    C: steady('C', 100, 30),
    C50: steady('C50', 50, 30),
    // Not in the default run: one event to many subscribers (continue-as-new every 200).
    F: concurrent('F', 1, size(options.fanout)),
  };
}

export interface ScenarioContext {
  call: Call;
  temporal: Client;
  /** The measured processes' ids now (the worker's changes with the shape). */
  pids: () => Record<string, number>;
  concurrency: number;
  /** Makes the event type unique when one scenario runs several times on one server (the cluster's worker counts). */
  eventTypeSuffix?: string;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  shape: Shape;
  eventType: string;
  events: number;
  subscribers: number;
  rate?: number;
  concurrency?: number;
  publishErrors: number;
  firstPublishError?: string;
  expectedDeliveries: number;
  /** Distinct (event, subscriber) receipts: the successful deliveries. */
  deliveries: number;
  duplicates: number;
  missing: number;
  /** From the first publish to the last receipt. */
  seconds: number;
  deliveriesPerSecond: number;
  ingestMs: LatencySummary;
  /** API CPU spent while publishing, per event accepted: how much of the accept latency is hookflow's own work. */
  apiCpuMsPerEvent: number;
  lagMs: LatencySummary;
  /** Steady-rate scenarios: lag p99 under a second. */
  keptUp?: boolean;
  cpuSeconds: Record<string, number>;
  cpuSecondsPer1000Deliveries: Record<string, number>;
  /** Highest resident memory sampled (each second) during the scenario; PostgreSQL: the postmaster only. */
  peakRssMiB: Record<string, number>;
  closed: ClosedCheck;
  cost: { total: HistoryCost; perDelivery: CostPerDelivery };
  series: SecondSample[];
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function runScenario(ctx: ScenarioContext, def: ScenarioDef, shape: Shape): Promise<ScenarioResult> {
  const eventType = `bench.${def.name}.${shape}${ctx.eventTypeSuffix ?? ''}`;
  const receiver = await startReceiver();
  let rssTimer: NodeJS.Timeout | undefined;
  try {
    await runConcurrently(def.subscribers, ctx.concurrency, (i) =>
      ctx.call('POST', '/v1/subscriptions', { url: `${receiver.url}/${i}`, eventTypes: [eventType] }),
    );
    progress(`${def.name} [${shape}]: ${def.title.slice(def.name.length + 2)}; event type ${eventType}`);
    const pids = ctx.pids();
    const cpuAt = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
    const cpuBefore = cpuAt();
    const peakRss: Record<string, number> = {};
    const sampleRss = () => {
      for (const [name, pid] of Object.entries(pids)) peakRss[name] = Math.max(peakRss[name] ?? 0, rssMiB(pid));
    };
    sampleRss();
    rssTimer = setInterval(sampleRss, 1000);

    const published = def.rate
      ? await publishAtRate(ctx.call, eventType, def.events, def.rate)
      : await publishConcurrently(ctx.call, eventType, def.events, def.concurrency ?? ctx.concurrency);
    const accepted = published.sentAt.size;
    const apiCpuMsPerEvent = accepted ? round(((cpuSeconds(pids.api!) - cpuBefore.api!) * 1000) / accepted) : NaN;
    if (published.errors) progress(`  ${published.errors} publish(es) failed, first: ${published.firstError}`);

    // Receipts: the first of each (event, subscriber) counts; later ones are duplicates (at-least-once).
    const expected = accepted * def.subscribers;
    const firstReceipt = new Map<string, { at: number; lagMs: number }>();
    let seen = 0;
    const collect = () => {
      for (; seen < receiver.requests.length; seen++) {
        const r = receiver.requests[seen]!;
        const id = String(r.headers['webhook-id']);
        const key = `${id} ${r.path}`;
        if (!firstReceipt.has(key)) firstReceipt.set(key, { at: r.receivedAt, lagMs: r.receivedAt - (published.sentAt.get(id) ?? r.receivedAt) });
      }
      return firstReceipt.size;
    };
    const timeoutMs = Math.max(300_000, (expected / 5) * 1000);
    await waitUntil(
      `${expected} deliveries`,
      async () => collect() >= expected,
      timeoutMs,
      () => progress(`  received ${firstReceipt.size}/${expected}`),
    ).catch((error: Error) => progress(`  ${error.message}: got ${collect()}; going on`));
    const receipts = [...firstReceipt.values()];
    const lastAt = Math.max(published.firstAt, ...receipts.map((r) => r.at));

    const query = `HookflowEventType = '${eventType}'`;
    const closed = await waitAllClosed(ctx.temporal, query, 120_000);
    if (closed.stillRunning) progress(`  ${closed.stillRunning} execution(s) still running, e.g. ${closed.stillRunningIds.slice(0, 3).join(', ')}`);
    clearInterval(rssTimer);
    const cpuAfter = cpuAt();
    const cpu: Record<string, number> = Object.fromEntries(Object.keys(pids).map((name) => [name, round(cpuAfter[name]! - cpuBefore[name]!)]));
    cpu.all = round(Object.values(cpu).reduce((a, b) => a + b, 0));
    const deliveries = receipts.length;

    // At least an event workflow per event, and in the `always` shape a delivery workflow per delivery.
    const executions = await listStable(ctx.temporal, query, accepted + (shape === 'always' ? deliveries : 0));
    const readStarted = Date.now();
    const total = await readCost(ctx.temporal, executions);
    progress(`  read ${executions.length} histories in ${round((Date.now() - readStarted) / 1000, 1)} s`);
    const seconds = (lastAt - published.firstAt) / 1000;
    const lagMs = summarise(receipts.map((r) => r.lagMs));
    return {
      scenario: def.name,
      title: def.title,
      shape,
      eventType,
      events: def.events,
      subscribers: def.subscribers,
      ...(def.rate ? { rate: def.rate } : { concurrency: def.concurrency ?? ctx.concurrency }),
      publishErrors: published.errors,
      ...(published.firstError ? { firstPublishError: published.firstError } : {}),
      expectedDeliveries: expected,
      deliveries,
      duplicates: seen - deliveries,
      missing: expected - deliveries,
      seconds: round(seconds),
      deliveriesPerSecond: round(deliveries / seconds),
      ingestMs: published.acceptMs,
      apiCpuMsPerEvent,
      lagMs,
      ...(def.rate ? { keptUp: lagMs.p99 < 1000 } : {}),
      cpuSeconds: cpu,
      cpuSecondsPer1000Deliveries: Object.fromEntries(Object.entries(cpu).map(([name, s]) => [name, round((s / deliveries) * 1000)])),
      peakRssMiB: peakRss,
      closed,
      cost: { total, perDelivery: perDelivery(total, deliveries) },
      series: perSecond(published.firstAt, [...published.sentAt.values()], receipts),
    };
  } finally {
    clearInterval(rssTimer);
    await receiver.close();
  }
}

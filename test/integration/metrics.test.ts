// Prometheus metrics move by exactly what happened: read /metrics before and
// after one delivery that succeeds and one that is dead-lettered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/metrics/server.js';
import { alwaysFail, alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let workerMetrics: { url: string; close(): Promise<void> };
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  workerMetrics = await startMetricsServer(stack.apiDeps.metrics.registry, 0, '127.0.0.1');
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await workerMetrics?.close();
  await stack?.close();
});

type Samples = Array<{ name: string; labels: Record<string, string>; value: number }>;

function parse(text: string): Samples {
  const samples: Samples = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function value(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

async function scrape(): Promise<{ api: Samples; worker: Samples }> {
  const api = await stack.app.request('/metrics');
  expect(api.status).toBe(200);
  expect(api.headers.get('content-type')).toContain('text/plain');
  const worker = await fetch(workerMetrics.url);
  expect(worker.status).toBe(200);
  return { api: parse(await api.text()), worker: parse(await worker.text()) };
}

describe('metrics', () => {
  it('count events, deliveries, attempts and dead letters exactly', async () => {
    const ok = await startReceiver(alwaysOk);
    const broken = await startReceiver(alwaysFail);
    receivers.push(ok, broken);
    const okType = `${uniqueName('m')}.ok`;
    const deadType = `${uniqueName('m')}.dead`;
    await stack.api('POST', '/v1/subscriptions', { url: ok.url, eventTypes: [okType] });
    await stack.api('POST', '/v1/subscriptions', { url: broken.url, eventTypes: [deadType] });

    const before = await scrape();
    const { body: a } = await stack.api('POST', '/v1/events', { type: okType, payload: {} });
    const { body: b } = await stack.api('POST', '/v1/events', { type: deadType, payload: {} }, { 'Idempotency-Key': uniqueName('k') });
    await stack.api('POST', '/v1/events', { type: deadType, payload: {}, id: b.id }); // a replay
    for (const id of [a.id, b.id]) {
      await waitFor(`event ${id} to settle`, async () => {
        const { body } = await stack.api('GET', `/v1/events/${id}`);
        return body.deliveries?.length === 1 && body.deliveries[0].status !== 'pending' ? true : undefined;
      });
    }
    // The dead letter's counter moves when the workflow has marked it.
    await waitFor('the dead counter', async () => {
      const now = await scrape();
      return value(now.worker, 'hookflow_deliveries_total', { outcome: 'dead' }) > value(before.worker, 'hookflow_deliveries_total', { outcome: 'dead' }) ? true : undefined;
    });
    const after = await scrape();
    const moved = (samples: 'api' | 'worker', name: string, labels: Record<string, string> = {}) =>
      value(after[samples], name, labels) - value(before[samples], name, labels);

    expect(moved('api', 'hookflow_events_accepted_total', { replayed: 'false' })).toBe(2);
    expect(moved('api', 'hookflow_events_accepted_total', { replayed: 'true' })).toBe(1);
    expect(moved('worker', 'hookflow_attempts_total', { outcome: 'succeeded', status_class: '2xx' })).toBe(1);
    expect(moved('worker', 'hookflow_attempts_total', { outcome: 'failed', status_class: '5xx' })).toBe(2);
    expect(moved('worker', 'hookflow_attempt_duration_seconds_count')).toBe(3);
    expect(moved('worker', 'hookflow_deliveries_total', { outcome: 'succeeded' })).toBe(1);
    expect(moved('worker', 'hookflow_deliveries_total', { outcome: 'dead' })).toBe(1);
    expect(moved('worker', 'hookflow_dead_letters')).toBe(1);
    expect(value(after.worker, 'hookflow_deliveries_in_flight')).toBe(0);
    expect(value(after.worker, 'hookflow_breakers', { state: 'closed' })).toBeGreaterThanOrEqual(2);
    // Bounded labels: no ids anywhere in the metric set.
    expect(after.worker.some((s) => Object.values(s.labels).some((v) => /^(sub|evt|dlv)_/.test(v)))).toBe(false);
  });
});

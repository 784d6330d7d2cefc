// Prometheus metrics move by exactly what happened: read /metrics before and
// after one delivery that succeeds and one that is dead-lettered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/ports.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { startMetricsServer } from '../../src/metrics/server.js';
import { alwaysFail, alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let workerMetrics: { url: string; close(): Promise<void> };
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  workerMetrics = await startMetricsServer(stack.apiDeps.metrics, 0, '127.0.0.1');
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
      return value(now.worker, 'hookflow_deliveries_total', { outcome: 'dead' }) >
        value(before.worker, 'hookflow_deliveries_total', { outcome: 'dead' })
        ? true
        : undefined;
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

  it("the worker's /metrics carries the Temporal SDK's worker metrics too, and they move with the work", async () => {
    const ok = await startReceiver(alwaysOk);
    receivers.push(ok);
    const type = `${uniqueName('m')}.sdk`;
    await stack.api('POST', '/v1/subscriptions', { url: ok.url, eventTypes: [type] });
    const queue = { task_queue: stack.taskQueue };
    const completed = (samples: Samples, workflowType: string) =>
      value(samples, 'temporal_workflow_completed', { ...queue, workflow_type: workflowType });
    // The default mode: the first attempt is made by the event workflow's local activity (with the
    // event's recording), and no delivery workflow starts.
    const firstAttempts = (samples: Samples) =>
      value(samples, 'temporal_local_activity_execution_latency_seconds_count', { ...queue, activity_type: 'recordEvent' });

    const before = await scrape();
    const { body: event } = await stack.api('POST', '/v1/events', { type, payload: {} });
    // The SDK counts a workflow once its last workflow task is done, a moment after the delivery is recorded.
    const after = await waitFor('the SDK to count the event workflow', async () => {
      const now = await scrape();
      return completed(now.worker, 'eventWorkflow') > completed(before.worker, 'eventWorkflow') ? now : undefined;
    });
    expect((await stack.api('GET', `/v1/events/${event.id}`)).body.deliveries[0].status).toBe('succeeded');
    expect(completed(after.worker, 'eventWorkflow') - completed(before.worker, 'eventWorkflow')).toBe(1);
    expect(completed(after.worker, 'deliveryWorkflow') - completed(before.worker, 'deliveryWorkflow')).toBe(0);
    expect(firstAttempts(after.worker) - firstAttempts(before.worker)).toBe(1);
    // In one process with a worker (the embedded mode), the API's /metrics carries them as well.
    expect(completed(after.api, 'eventWorkflow')).toBe(completed(after.worker, 'eventWorkflow'));
  });

  it("serves each metric family once: hookflow_ first, then the SDK's temporal_", async () => {
    const text = await (await fetch(workerMetrics.url)).text();
    const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    expect(new Set(families).size).toBe(families.length);
    const firstSdk = families.findIndex((name) => name.startsWith('temporal_'));
    expect(firstSdk).toBeGreaterThan(0);
    expect(families.slice(0, firstSdk).every((name) => name.startsWith('hookflow_'))).toBe(true);
    expect(families.slice(firstSdk).every((name) => name.startsWith('temporal_'))).toBe(true);
  });

  it("still answers hookflow's metrics when the SDK's cannot be read", async () => {
    const nothingListens = `http://127.0.0.1:${await freePort()}/metrics`;
    const metrics = createMetrics({ defaultMetrics: false, sdkMetricsUrl: async () => nothingListens });
    metrics.eventsAccepted.inc({ replayed: 'false' });
    const server = await startMetricsServer(metrics, 0, '127.0.0.1');
    try {
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(value(parse(text), 'hookflow_events_accepted_total', { replayed: 'false' })).toBe(1);
      expect(text).toContain(`# Temporal SDK metrics unavailable from ${nothingListens}: `);
      expect(parse(text).some((s) => s.name.startsWith('temporal_'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});

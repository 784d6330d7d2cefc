// GET /v1/stats: after a known workload in two tenants, the figures are exact
// (events, settled deliveries, attempts by status class, dead letters, open
// breakers), per tenant and for the platform, every event in the bucket of
// the minute it was accepted; a tenant's key sees its own tenant only; bad
// input is a 422 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stats } from '../../src/schemas/stats.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { STATS_STACK_OPTIONS, runStatsWorkload, type StatsWorkload } from '../support/stats-workload.js';

let stack: TestStack;
let a: StatsWorkload;
let b: StatsWorkload;

beforeAll(async () => {
  stack = await startTestStack(STATS_STACK_OPTIONS);
  a = await runStatsWorkload(stack, 3);
  b = await runStatsWorkload(stack, 1);
}, 180_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await stack?.close();
});

async function stats(query: string, headers?: Record<string, string>): Promise<Stats> {
  const answer = await stack.api('GET', `/v1/stats?${query}`, undefined, headers);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** What the workload with `successes` events to the healthy receiver must count. */
function expectedFigures(successes: number) {
  return {
    events: successes + 1,
    deliveries: { succeeded: successes, dead: 4 },
    // Each failing receiver is tried twice (one retry) before its delivery is dead-lettered.
    attempts: { '2xx': successes, '3xx': 2, '4xx': 2, '5xx': 2, network: 2 },
    successRate: successes / (successes + 4),
  };
}

describe('GET /v1/stats', () => {
  it("counts one tenant's workload exactly, each event in its minute", async () => {
    const answer = await stats(`tenantId=${a.tenantId}`);
    expect(answer).toMatchObject({ window: '1h', tenantId: a.tenantId, bucketSeconds: 60 });
    expect(answer.buckets).toHaveLength(60);
    expect(Date.parse(answer.until) - Date.parse(answer.since)).toBe(3_600_000);
    expect(answer.totals).toEqual(expectedFigures(3));
    expect(answer.deadLetters).toBe(4);
    expect(answer.breakers).toEqual({ closed: 1, open: 4, half_open: 0 });
    expect(answer.openBreakers.map((o) => o.subscriptionId).sort()).toEqual([...a.brokenSubscriptions].sort());
    for (const breaker of answer.openBreakers) {
      expect(breaker).toMatchObject({ tenantId: a.tenantId, state: 'open' });
      expect(Date.parse(breaker.openUntil!)).toBeGreaterThan(Date.now());
    }

    // Events per bucket: exactly where their acceptance times fall.
    const perBucket = new Map<number, number>();
    for (const at of a.eventTimes) {
      const index = Math.floor((at.getTime() - Date.parse(answer.since)) / 60_000);
      perBucket.set(index, (perBucket.get(index) ?? 0) + 1);
    }
    expect(answer.buckets.map((bucket) => [bucket.start, bucket.events]).filter(([, n]) => n !== 0)).toEqual(
      [...perBucket].sort(([x], [y]) => x - y).map(([i, n]) => [new Date(Date.parse(answer.since) + i * 60_000).toISOString(), n]),
    );
    // The buckets add up to the totals.
    const sum = (pick: (bucket: Stats['buckets'][number]) => number) => answer.buckets.reduce((s, bucket) => s + pick(bucket), 0);
    expect(sum((x) => x.attempts['5xx'])).toBe(2);
    expect(sum((x) => x.deliveries.dead)).toBe(4);
    expect(sum((x) => x.deliveries.succeeded)).toBe(3);
  });

  it("adds every tenant's up for the platform, and over a day in 10-minute buckets", async () => {
    const platform = await stats('window=1h');
    const [fa, fb] = [expectedFigures(3), expectedFigures(1)];
    expect(platform.tenantId).toBeNull();
    expect(platform.totals).toEqual({
      events: fa.events + fb.events,
      deliveries: { succeeded: 4, dead: 8 },
      attempts: { '2xx': 4, '3xx': 4, '4xx': 4, '5xx': 4, network: 4 },
      successRate: 4 / 12,
    });
    expect(platform.deadLetters).toBe(8);
    expect(platform.breakers).toEqual({ closed: 2, open: 8, half_open: 0 });
    expect(platform.openBreakers).toHaveLength(8);

    const day = await stats(`window=24h&tenantId=${b.tenantId}`);
    expect(day).toMatchObject({ window: '24h', bucketSeconds: 600 });
    expect(day.buckets).toHaveLength(144);
    expect(day.totals).toEqual(fb);
  });

  it("gives a tenant's key its own tenant's figures, and another tenant's is a 404", async () => {
    const key = await stack.api('POST', '/v1/keys', { name: 'a reader', scopes: ['read'], tenantId: a.tenantId });
    const headers = { authorization: `Bearer ${key.body.key}` };
    const own = await stats('', headers);
    expect(own.tenantId).toBe(a.tenantId);
    expect(own.totals).toEqual(expectedFigures(3));
    const other = await stack.api('GET', `/v1/stats?tenantId=${b.tenantId}`, undefined, headers);
    expect(other.status).toBe(404);
  });

  it('refuses a window it does not know, or a parameter it does not take, naming it', async () => {
    for (const [query, path] of [
      ['window=7d', 'query.window'],
      ['since=2020-01-01', 'query'],
      ['tenantId=no%20spaces', 'query.tenantId'],
    ]) {
      const answer = await stack.api('GET', `/v1/stats?${query}`);
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
  });
});

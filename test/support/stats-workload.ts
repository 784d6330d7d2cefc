// A known workload for the overview's figures (GET /v1/stats and the console's
// overview): in a new tenant, `successes` events to a receiver that answers
// 200, and one event to each of four failing receivers (500, 404, 302, a
// dropped connection), each tried twice then dead-lettered, its breaker open.
// Needs a stack with retryScheduleSeconds of one retry and a breaker that
// opens after 2 failures (STATS_STACK_OPTIONS).
import { expect } from 'vitest';
import type { AttemptsByClass } from '../../src/schemas/stats.js';
import { startReceiver, type Behaviour, type Receiver } from './receiver.js';
import { uniqueName, waitFor, type TestStack } from './stack.js';

export const STATS_STACK_OPTIONS = {
  retryScheduleSeconds: [0.1],
  breaker: { failureThreshold: 2, baseCooldownMs: 600_000, maxCooldownMs: 600_000 },
};

const FAILING: Record<Exclude<keyof AttemptsByClass, '2xx'>, Behaviour> = {
  '5xx': () => ({ status: 500, body: 'broken' }),
  '4xx': () => ({ status: 404, body: 'no such hook' }),
  '3xx': () => ({ status: 302, headers: { location: 'http://127.0.0.1:1/' } }),
  network: () => ({ status: 0, reset: true }),
};

export interface StatsWorkload {
  tenantId: string;
  /** When the API accepted each event. */
  eventTimes: Date[];
  /** The subscriptions whose breaker the workload opened. */
  brokenSubscriptions: string[];
  okSubscription: string;
  receivers: Receiver[];
  close(): Promise<void>;
}

export async function runStatsWorkload(stack: TestStack, successes: number): Promise<StatsWorkload> {
  const tenant = await stack.api('POST', '/v1/tenants', { name: uniqueName('stats') });
  expect(tenant.status).toBe(201);
  const tenantId: string = tenant.body.id;
  const okType = `${uniqueName('ok')}.event`;
  const failType = `${uniqueName('fail')}.event`;
  const receivers: Receiver[] = [];
  const subscribe = async (behaviour: Behaviour | undefined, type: string): Promise<string> => {
    const receiver = await startReceiver(behaviour);
    receivers.push(receiver);
    const created = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], tenantId });
    expect(created.status).toBe(201);
    return created.body.id;
  };
  const okSubscription = await subscribe(undefined, okType);
  const brokenSubscriptions: string[] = [];
  for (const behaviour of Object.values(FAILING)) brokenSubscriptions.push(await subscribe(behaviour, failType));

  const eventTimes: Date[] = [];
  const publish = async (type: string) => {
    const published = await stack.api('POST', '/v1/events', { type, payload: { n: eventTimes.length }, tenantId });
    expect(published.status).toBe(202);
    eventTimes.push(new Date(published.body.createdAt));
  };
  for (let i = 0; i < successes; i++) await publish(okType);
  await publish(failType);

  const expected = successes + brokenSubscriptions.length;
  await waitFor(
    `the workload's ${expected} deliveries to settle`,
    async () => {
      const { body } = await stack.api('GET', `/v1/deliveries?tenantId=${tenantId}&limit=100`);
      const settled = body.data.filter((d: { status: string }) => d.status !== 'pending');
      return settled.length === expected ? true : undefined;
    },
    60_000,
  );
  return {
    tenantId,
    eventTimes,
    brokenSubscriptions,
    okSubscription,
    receivers,
    close: async () => void (await Promise.all(receivers.map((r) => r.close()))),
  };
}

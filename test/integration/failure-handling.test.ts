// Receivers fail in every way there is; hookflow answers each the way it
// promises, against real Temporal, real Postgres and misbehaving receivers.
import { status as grpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alwaysFail, alwaysOk, startReceiver, type Behaviour, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

const COOLDOWN_MS = 1_500;
let breakerStack: TestStack; // breaker: 3 failures, 1.5 s cool-down doubling to 6 s
let plain: TestStack; // no breaker in the way, two attempts per round
let autoDisable: TestStack; // disables after 2 s of failing
const receivers: Receiver[] = [];

beforeAll(async () => {
  [breakerStack, plain, autoDisable] = await Promise.all([
    startTestStack({
      retryScheduleSeconds: Array(20).fill(0.1),
      breaker: { failureThreshold: 3, baseCooldownMs: COOLDOWN_MS, maxCooldownMs: 4 * COOLDOWN_MS },
    }),
    startTestStack({ retryScheduleSeconds: [0.1] }),
    startTestStack({ retryScheduleSeconds: Array(20).fill(0.1), autoDisableAfterMs: 2_000 }),
  ]);
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await Promise.all([breakerStack, plain, autoDisable].map((s) => s?.close()));
});

async function receiver(behaviour: Behaviour = alwaysOk): Promise<Receiver> {
  const r = await startReceiver(behaviour);
  receivers.push(r);
  return r;
}

async function subscribe(stack: TestStack, url: string, eventTypes: string[], extra: Record<string, unknown> = {}) {
  const { status, body } = await stack.api('POST', '/v1/subscriptions', { url, eventTypes, ...extra });
  expect(status).toBe(201);
  return body as { id: string };
}

async function publish(stack: TestStack, type: string, payload: unknown = {}): Promise<string> {
  const { status, body } = await stack.api('POST', '/v1/events', { type, payload });
  expect(status).toBe(202);
  return body.id;
}

async function deliveriesOf(stack: TestStack, subscriptionId: string) {
  const { body } = await stack.api('GET', `/v1/deliveries?subscriptionId=${subscriptionId}&limit=100`);
  return body.data as Array<{ id: string; status: string; attemptCount: number; eventId: string }>;
}

async function health(stack: TestStack, subscriptionId: string) {
  return (await stack.api('GET', `/v1/subscriptions/${subscriptionId}/health`)).body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('circuit breaker', () => {
  it('opens after consecutive failures, sends nothing while open, probes once, and drains on recovery', async () => {
    const type = `${uniqueName('cb')}.event`;
    const down = await receiver(alwaysFail);
    const sub = await subscribe(breakerStack, down.url, [type]);
    for (let i = 0; i < 4; i++) await publish(breakerStack, type, { i });

    const opened = await waitFor('the breaker to open', async () => {
      const h = await health(breakerStack, sub.id);
      return h.state === 'open' ? h : undefined;
    });
    expect(opened.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(opened.transitions[0]).toMatchObject({ from: 'closed', to: 'open' });
    const atOpen = down.requests.length;
    // Deliveries already past the gate when it tripped may still land, but no more than the four in flight.
    expect(atOpen).toBeGreaterThanOrEqual(3);
    expect(atOpen).toBeLessThanOrEqual(4);

    // While open: silence.
    const openUntil = Date.parse(opened.openUntil);
    await sleep(Math.max(0, openUntil - Date.now() - 200));
    expect(down.requests.length).toBe(atOpen);

    // After the cool-down: exactly one probe, which fails and re-opens it for twice as long.
    const reopened = await waitFor('the failed probe to re-open the breaker', async () => {
      const h = await health(breakerStack, sub.id);
      return h.state === 'open' && h.trips === 2 ? h : undefined;
    });
    expect(down.requests.length).toBe(atOpen + 1);
    expect(reopened.transitions.slice(0, 2).map((t: { from: string; to: string }) => `${t.from}>${t.to}`)).toEqual([
      'half_open>open',
      'open>half_open',
    ]);
    const secondCooldown = Date.parse(reopened.openUntil) - Date.parse(reopened.transitions[0].at);
    expect(secondCooldown).toBeGreaterThanOrEqual(2 * COOLDOWN_MS - 50);

    // The receiver recovers: the next probe closes the breaker and the backlog drains.
    down.setBehaviour(alwaysOk);
    await waitFor(
      'every delivery to succeed',
      async () => {
        const all = await deliveriesOf(breakerStack, sub.id);
        return all.length === 4 && all.every((d) => d.status === 'succeeded') ? all : undefined;
      },
      40_000,
    );
    const closed = await health(breakerStack, sub.id);
    expect(closed).toMatchObject({ state: 'closed', consecutiveFailures: 0, trips: 0, failingSince: null });
    expect(closed.transitions[0]).toMatchObject({ from: 'half_open', to: 'closed' });
    // Waiting spent no attempts: each delivery's attempts are real HTTP calls.
    const attempts = (await deliveriesOf(breakerStack, sub.id)).reduce((n, d) => n + d.attemptCount, 0);
    expect(attempts).toBe(down.requests.length);
  });
});

describe('rate limit and two workers', () => {
  it('share the endpoint state: a receiver never sees more than the limit plus one in a second', async () => {
    await plain.startAnotherWorker('second-worker');
    const type = `${uniqueName('rl')}.event`;
    const counter = await receiver();
    const sub = await subscribe(plain, counter.url, [type], { rateLimitPerSecond: 2 });
    const events = 10;
    for (let i = 0; i < events; i++) await publish(plain, type, { i });

    await waitFor('all deliveries', async () => (counter.requests.length >= events ? true : undefined), 40_000);
    const perSecond = new Map<number, number>();
    for (const r of counter.requests) perSecond.set(Math.floor(r.receivedAt / 1000), (perSecond.get(Math.floor(r.receivedAt / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(3);
    // Any sliding second, too.
    const times = counter.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    for (let i = 0; i + 3 < times.length; i++) expect(times[i + 3]! - times[i]!).toBeGreaterThanOrEqual(1000 - 50);
    expect(counter.requests).toHaveLength(events);

    // Both workers delivered: their identities appear in the histories. A
    // first attempt is a local activity of the event workflow, run by the
    // worker that completes its workflow task; a retry is an activity of the
    // delivery workflow, which exists only when a first attempt had to wait.
    const identities = new Set<string>();
    for (const d of await deliveriesOf(plain, sub.id)) {
      for (const workflowId of [`event:${d.eventId}`, `delivery:${d.eventId}:${sub.id}`]) {
        const history = await plain.temporal.workflow
          .getHandle(workflowId)
          .fetchHistory()
          .catch((error: unknown) => {
            if (isGrpcServiceError(error) && error.code === grpcStatus.NOT_FOUND) return undefined;
            throw error;
          });
        for (const e of history?.events ?? []) {
          const identity = e.activityTaskStartedEventAttributes?.identity ?? e.workflowTaskCompletedEventAttributes?.identity;
          if (identity) identities.add(identity);
        }
      }
    }
    expect(identities.has('second-worker')).toBe(true);
    expect(identities.size).toBeGreaterThanOrEqual(2);
  });
});

describe('failure classification', () => {
  it('waits as a 429 Retry-After says', async () => {
    const type = `${uniqueName('ra')}.event`;
    const busy = await receiver((n) => (n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    await subscribe(plain, busy.url, [type]);
    await publish(plain, type);
    await waitFor('the retry', async () => (busy.requests.length === 2 ? true : undefined));
    expect(busy.requests[1]!.receivedAt - busy.requests[0]!.receivedAt).toBeGreaterThanOrEqual(2_000);
  });

  it('disables a subscription whose receiver answers 410 Gone, and loses nothing for the others', async () => {
    const type = `${uniqueName('gone')}.event`;
    const gone = await receiver(() => ({ status: 410 }));
    const healthy = await receiver();
    const goneSub = await subscribe(plain, gone.url, [type]);
    await subscribe(plain, healthy.url, [type]);

    await publish(plain, type, { n: 1 });
    await waitFor('the 410 to disable the subscription', async () => {
      const { body } = await plain.api('GET', `/v1/subscriptions/${goneSub.id}`);
      return body.status === 'disabled' ? body : undefined;
    });
    const { body: disabled } = await plain.api('GET', `/v1/subscriptions/${goneSub.id}`);
    expect(disabled.disabledReason).toBe('the receiver answered 410 Gone');
    await waitFor('the delivery to be dead', async () => ((await deliveriesOf(plain, goneSub.id))[0]?.status === 'dead' ? true : undefined));
    expect(gone.requests).toHaveLength(1);

    await publish(plain, type, { n: 2 });
    await waitFor('the healthy receiver to get both', async () => (healthy.requests.length === 2 ? true : undefined));
    await sleep(500);
    expect(gone.requests).toHaveLength(1);
    expect(await deliveriesOf(plain, goneSub.id)).toHaveLength(1);
  });
});

describe('auto-disable', () => {
  it('disables a subscription failing too long, dead-letters its deliveries and announces subscription.disabled', async () => {
    const type = `${uniqueName('ad')}.event`;
    const failing = await receiver(alwaysFail);
    const operator = await receiver();
    const sub = await subscribe(autoDisable, failing.url, [type]);
    await subscribe(autoDisable, operator.url, ['subscription.disabled']);

    await publish(autoDisable, type, { n: 1 });
    await publish(autoDisable, type, { n: 2 });
    await waitFor(
      'both deliveries to be dead',
      async () => {
        const all = await deliveriesOf(autoDisable, sub.id);
        return all.length === 2 && all.every((d) => d.status === 'dead') ? all : undefined;
      },
      30_000,
    );
    const { body: disabled } = await autoDisable.api('GET', `/v1/subscriptions/${sub.id}`);
    expect(disabled.status).toBe('disabled');
    expect(disabled.disabledReason).toMatch(/^no successful delivery since /);

    const announcement = await waitFor('subscription.disabled to arrive', async () => operator.requests[0]);
    const body = JSON.parse(announcement.body);
    expect(body.type).toBe('subscription.disabled');
    expect(body.data).toMatchObject({ subscriptionId: sub.id, reason: disabled.disabledReason });
    await sleep(1_000);
    expect(operator.requests).toHaveLength(1); // announced once

    // Re-enabling resets the breaker and the failure clock.
    failing.setBehaviour(alwaysOk);
    const enabled = await autoDisable.api('PATCH', `/v1/subscriptions/${sub.id}`, { status: 'active' });
    expect(enabled.body).toMatchObject({ status: 'active', disabledReason: null });
    expect(await health(autoDisable, sub.id)).toMatchObject({ state: 'closed', failingSince: null, consecutiveFailures: 0 });
  });
});

describe('dead-letter recovery', () => {
  it('re-drives exactly the dead deliveries in the window, once each', async () => {
    const type = `${uniqueName('rec')}.event`;
    const flaky = await receiver(alwaysFail);
    const sub = await subscribe(plain, flaky.url, [type]);
    const deadCount = async (n: number) =>
      waitFor(`${n} dead deliveries`, async () => {
        const all = await deliveriesOf(plain, sub.id);
        return all.length === n && all.every((d) => d.status === 'dead') ? all : undefined;
      });

    await publish(plain, type, { n: 1 });
    await publish(plain, type, { n: 2 });
    const before = await deadCount(2);
    await sleep(20);
    const since = new Date().toISOString();
    await publish(plain, type, { n: 3 });
    await publish(plain, type, { n: 4 });
    const all = await deadCount(4);
    const inWindow = all.filter((d) => !before.some((b) => b.id === d.id));
    const requestsBefore = flaky.requests.length;

    flaky.setBehaviour(alwaysOk);
    const recovered = await plain.api('POST', `/v1/subscriptions/${sub.id}/recover`, { since });
    expect(recovered.status).toBe(202);
    expect(recovered.body).toEqual({ id: expect.stringMatching(/^rcv_/), subscriptionId: sub.id, status: 'running' });
    const report = await waitFor('the recovery to finish', async () => {
      const { body } = await plain.api('GET', recovered.headers.get('location')!);
      return body.status === 'done' ? body : undefined;
    });
    expect(report).toMatchObject({ found: 2, redelivered: 2, skipped: 0 });

    await waitFor('the two in the window to succeed', async () => {
      const now = await deliveriesOf(plain, sub.id);
      return inWindow.every((d) => now.find((x) => x.id === d.id)?.status === 'succeeded') ? now : undefined;
    });
    await sleep(500);
    const after = await deliveriesOf(plain, sub.id);
    for (const b of before) expect(after.find((x) => x.id === b.id)?.status).toBe('dead');
    expect(flaky.requests.length - requestsBefore).toBe(2);
    const recoveredIds = new Set(flaky.requests.slice(requestsBefore).map((r) => JSON.parse(r.body).data.n));
    expect(recoveredIds).toEqual(new Set([3, 4]));
  });
});

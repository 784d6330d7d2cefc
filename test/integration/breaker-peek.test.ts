// The breaker as an attempt drives it, on PostgreSQL: its state read with the
// delivery (loadDeliveryTarget), the statements a closed breaker's success
// sends or skips, and the locked path kept for non-closed and rate-limited
// endpoints. Deliveries are held (paused subscriptions), so the stack's own
// worker leaves these endpoints alone.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeliveryTarget, type DeliveryTarget } from '../../src/db/deliveries.js';
import { findEndpointHealth, peekBreakerState, postgresBreakerStore } from '../../src/db/endpoint-health.js';
import { createBreaker, type BreakerPass, type BreakerSettings } from '../../src/delivery/breaker.js';
import { countingPool, type CountingPool } from '../support/counting-pool.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let counting: CountingPool;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.2] });
  counting = countingPool((stack.pool.options as { connectionString: string }).connectionString);
});

afterAll(async () => {
  await counting?.pool.end();
  await stack?.close();
});

/** A held delivery to a new endpoint (nobody listens there: nothing is sent in these tests). */
async function heldDelivery(): Promise<string> {
  const type = `${uniqueName('peek')}.event`;
  const { body: subscription } = await stack.api('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', eventTypes: [type] });
  await stack.api('PATCH', `/v1/subscriptions/${subscription.id}`, { status: 'paused' });
  const { body: event } = await stack.api('POST', '/v1/events', { type, payload: { n: 1 } });
  return waitFor('the delivery row', async () => (await stack.api('GET', `/v1/events/${event.id}`)).body.deliveries?.[0]?.id as string | undefined);
}

const load = async (deliveryId: string): Promise<DeliveryTarget> => (await loadDeliveryTarget(counting.pool, deliveryId))!;

function breakerOn(settings: Partial<BreakerSettings> = {}) {
  return createBreaker(postgresBreakerStore(counting.pool), { failureThreshold: 5, baseCooldownMs: 1_000, maxCooldownMs: 1_000, ...settings });
}

/** Passes the breaker on the target's peek, as an attempt does; the statements the pass sent come back with it. */
async function passOn(breaker: ReturnType<typeof breakerOn>, target: DeliveryTarget, rateLimitPerSecond: number | null = null) {
  counting.take();
  const pass = (await breaker.pass({ subscriptionId: target.subscriptionId, timeoutMs: 1_000, rateLimitPerSecond }, target.breaker)) as BreakerPass;
  return { pass, statements: counting.take() };
}

/** The statements a success sent. */
async function succeed(breaker: ReturnType<typeof breakerOn>, pass: BreakerPass): Promise<string[]> {
  counting.take();
  await breaker.succeeded(pass);
  return counting.take();
}

const SUCCESS_WHILE_CLOSED = /^UPDATE endpoint_health SET consecutive_failures = 0, failing_since = NULL, last_success_at = clock_timestamp()/;
const LOCKED_READ = /^SELECT \*, clock_timestamp\(\) AS now FROM endpoint_health WHERE subscription_id = \$1 FOR UPDATE$/;

describe('the breaker read with the delivery', () => {
  it('a healthy endpoint (no state at all) passes and succeeds with no statement of its own', async () => {
    const target = await load(await heldDelivery());
    expect(target.breaker).toMatchObject({ state: 'closed', quietSuccessMs: Infinity });
    const breaker = breakerOn();
    const { pass, statements } = await passOn(breaker, target);
    expect(statements).toEqual([]);
    expect(await succeed(breaker, pass)).toEqual([]);
    const { rows } = await stack.pool.query('SELECT 1 FROM endpoint_health WHERE subscription_id = $1', [target.subscriptionId]);
    expect(rows).toEqual([]);
  });

  it('a success clears a failure count; the next skips while last_success_at is fresh; one a second later refreshes it', async () => {
    const deliveryId = await heldDelivery();
    const breaker = breakerOn();
    await breaker.failed((await passOn(breaker, await load(deliveryId))).pass);

    const failing = await load(deliveryId);
    expect(failing.breaker).toMatchObject({ state: 'closed', quietSuccessMs: 0 });
    // The store's own peek reads the same.
    expect(await peekBreakerState(counting.pool, failing.subscriptionId)).toMatchObject({ state: 'closed', quietSuccessMs: 0 });
    const cleared = await succeed(breaker, (await passOn(breaker, failing)).pass);
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatch(SUCCESS_WHILE_CLOSED);
    const afterClear = await findEndpointHealth(stack.pool, failing.subscriptionId);
    expect(afterClear).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastSuccessAt: expect.any(Date) });

    const fresh = await load(deliveryId);
    expect(fresh.breaker.quietSuccessMs).toBeGreaterThan(0);
    expect(fresh.breaker.quietSuccessMs).toBeLessThanOrEqual(1_000);
    expect(await succeed(breaker, (await passOn(breaker, fresh)).pass)).toEqual([]);
    expect((await findEndpointHealth(stack.pool, failing.subscriptionId)).lastSuccessAt).toEqual(afterClear.lastSuccessAt);

    // Read fresh, succeeded more than a second later: the refresh is due by then.
    const { pass } = await passOn(breaker, await load(deliveryId));
    await sleep(1_100);
    const refreshed = await succeed(breaker, pass);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).toMatch(SUCCESS_WHILE_CLOSED);
    expect((await findEndpointHealth(stack.pool, failing.subscriptionId)).lastSuccessAt!.getTime()).toBeGreaterThan(
      afterClear.lastSuccessAt!.getTime(),
    );
  });

  it('an open breaker keeps the locked path: its probe passes and succeeds under the row lock, and closes it', async () => {
    const deliveryId = await heldDelivery();
    const breaker = breakerOn({ failureThreshold: 1, baseCooldownMs: 100, maxCooldownMs: 100 });
    await breaker.failed((await passOn(breaker, await load(deliveryId))).pass);
    await sleep(150);

    const open = await load(deliveryId);
    expect(open.breaker.state).toBe('open');
    const { pass, statements } = await passOn(breaker, open);
    expect(pass.passedAs).toBe('open');
    expect(statements.filter((s) => LOCKED_READ.test(s))).toHaveLength(1);
    const succeeded = await succeed(breaker, pass);
    expect(succeeded.filter((s) => LOCKED_READ.test(s))).toHaveLength(1);
    const health = await findEndpointHealth(stack.pool, open.subscriptionId);
    expect(health.state).toBe('closed');
    expect(health.transitions.map((t) => [t.from, t.to])).toEqual([
      ['half_open', 'closed'],
      ['open', 'half_open'],
      ['closed', 'open'],
    ]);
  });

  it('a rate-limited endpoint keeps the locked path, and its success sends its statement', async () => {
    const target = await load(await heldDelivery());
    expect(target.breaker).toMatchObject({ state: 'closed', quietSuccessMs: Infinity });
    const breaker = breakerOn();
    const { pass, statements } = await passOn(breaker, target, 100);
    expect(pass.passedAs).toBe('closed');
    expect(statements.filter((s) => LOCKED_READ.test(s))).toHaveLength(1);
    const succeeded = await succeed(breaker, pass);
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]).toMatch(SUCCESS_WHILE_CLOSED);
  });
});

// What counting usage costs the two writes it rides on: records N events (one
// subscription each, all in ONE tenant: the hot usage row) and one attempt per
// delivery, CONCURRENCY at a time, straight against an embedded PostgreSQL,
// and prints the throughput. Run on main and on this branch to compare:
//   node --import tsx scripts/usage-cost.ts [events=2000] [concurrency=16]
import { recordEvent } from '../src/db/events.js';
import { recordAttempt } from '../src/db/deliveries.js';
import { insertSubscription } from '../src/db/subscriptions.js';
import { newId } from '../src/ids.js';
import { startScratchStack } from '../test/support/hookflow-parts.js';

const total = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 16);
const stack = await startScratchStack('usage-cost');
try {
  const subscriptionId = newId('sub');
  await insertSubscription(
    stack.pool,
    subscriptionId,
    { sealed: 'x', scheme: 'v1', publicKey: null },
    {
      url: 'https://receiver.example/hook',
      eventTypes: ['usage.cost'],
      tenantId: 'default',
      // The rest of a subscription's fields take their column defaults.
    },
  );
  let next = 0;
  const eventMs: number[] = [];
  const attemptMs: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        const event = {
          id: newId('evt'),
          type: 'usage.cost',
          payload: { n: next },
          idempotencyKey: null,
          createdAt: new Date().toISOString(),
          tenantId: 'default',
        };
        const t0 = performance.now();
        const { batch } = await recordEvent(stack.pool, event, 100, 'run');
        const t1 = performance.now();
        await recordAttempt(stack.pool, {
          deliveryId: batch[0]!.deliveryId,
          startedAt: new Date(),
          durationMs: 5,
          statusCode: next % 4 === 0 ? 500 : 200,
          error: null,
          responseBody: null,
          succeeded: next % 4 !== 0,
          bodyBytes: 100,
        });
        eventMs.push(t1 - t0);
        attemptMs.push(performance.now() - t1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const p = (xs: number[], q: number) => xs.sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!.toFixed(2);
  console.log(
    JSON.stringify({
      events: total,
      concurrency,
      seconds: seconds.toFixed(2),
      eventsPerSecond: Math.round(total / seconds),
      recordEventMs: { p50: p(eventMs, 0.5), p99: p(eventMs, 0.99) },
      recordAttemptMs: { p50: p(attemptMs, 0.5), p99: p(attemptMs, 0.99) },
    }),
  );
} finally {
  await stack.stop();
}

// `npm run record-histories`: runs hookflow for real (embedded Temporal and
// PostgreSQL, a worker, loopback receivers) through the situations its
// workflows must keep replaying, in each delivery-workflow mode, and writes
// their histories to test/fixtures/histories/<mode>/. The replay test then
// fails on any workflow change that would break executions already running.
// Re-record only on purpose; histories of older code stay in their own folders.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createApp } from '../../src/api/app.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { createLogger } from '../../src/logger.js';
import type { DeliveryWorkflowsMode } from '../../src/schemas/delivery.js';
import { deliveryWorkflowId, eventWorkflowId } from '../../workflows/definitions.js';
import { startHookflowParts, startScratchStack } from '../support/hookflow-parts.js';
import { FIXTURES, ROOT, writeHistory } from './write-history.js';
import { alwaysFail, alwaysOk, startReceiver, type Behaviour } from '../support/receiver.js';


async function main(): Promise<void> {
  const scratch = await startScratchStack('hookflow-record');
  try {
    for (const mode of ['on-failure', 'always'] as const) await record(scratch, mode);
  } finally {
    await scratch.stop();
  }
}

async function record(scratch: Awaited<ReturnType<typeof startScratchStack>>, mode: DeliveryWorkflowsMode): Promise<void> {
  const { infrastructure, pool, temporal } = scratch;
  const folder = path.join(FIXTURES, mode);
  const taskQueue = `record-histories-${mode}`;
  const { apiDeps, worker, adminKey: key } = await startHookflowParts({
    pool,
    temporal,
    temporalAddress: infrastructure.temporalAddress,
    taskQueue,
    deliveryWorkflows: mode,
    logger: createLogger('warn'),
    retryScheduleSeconds: [0.2, 0.2],
    // A cool-down longer than the activity sleeps through, so the breaker's wait is in the history.
    breaker: { failureThreshold: 2, baseCooldownMs: 3_000, maxCooldownMs: 3_000 },
  });
  const app = createApp(apiDeps);
  const api = async (method: string, route: string, body?: unknown) => {
    const response = await app.request(route, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as any;
  };

  /** One scenario: a subscriber behaving as told, one event, histories saved once it settles. */
  const scenario = async (
    name: string,
    behaviour: Behaviour,
    drive: (ids: { eventId: string; subscriptionId: string; deliveryId: () => Promise<string> }) => Promise<void>,
  ) => {
    progress(`scenario ${name} (delivery workflows ${mode})`);
    const receiver = await startReceiver(behaviour);
    try {
      const type = `record.${mode.replace(/[^a-z]/g, '')}.${name.replace(/[^a-z]/g, '')}`;
      const subscription = await api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] });
      const event = await api('POST', '/v1/events', { type, payload: { scenario: name } });
      const deliveryId = async () => {
        for (;;) {
          const shown = await api('GET', `/v1/events/${event.id}`);
          if (shown.deliveries?.[0]) return shown.deliveries[0].id as string;
          await sleep(100);
        }
      };
      await drive({ eventId: event.id, subscriptionId: subscription.id, deliveryId });
      await until(() => closed(eventWorkflowId(event.id)));
      await writeHistory(infrastructure.temporalAddress, folder, `${name}.event`, eventWorkflowId(event.id));
      // In the on-failure mode a delivery that succeeded at once has no workflow of its own.
      const delivery = deliveryWorkflowId(event.id, subscription.id);
      if (await exists(delivery)) await writeHistory(infrastructure.temporalAddress, folder, `${name}.delivery`, delivery);
    } finally {
      await receiver.close();
    }
  };
  const until = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 60_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('scenario did not settle');
      await sleep(200);
    }
  };
  const statusOf = async (deliveryId: string) => (await api('GET', `/v1/deliveries/${deliveryId}`)).status as string;
  const closed = async (workflowId: string) =>
    temporal.workflow
      .getHandle(workflowId)
      .describe()
      .then((d) => d.status.name !== 'RUNNING', () => false); // not started yet
  const exists = async (workflowId: string) =>
    temporal.workflow
      .getHandle(workflowId)
      .describe()
      .then(() => true, () => false);
  const delivered = async (deliveryId: () => Promise<string>) => {
    const id = await deliveryId();
    await until(async () => (await statusOf(id)) === 'succeeded');
    return id;
  };

  await mkdir(folder, { recursive: true });
  await scenario('success', alwaysOk, async ({ deliveryId }) => {
    await delivered(deliveryId);
  });
  await scenario('redelivered-after-success', alwaysOk, async ({ eventId, subscriptionId, deliveryId }) => {
    const id = await delivered(deliveryId);
    await until(() => closed(eventWorkflowId(eventId)));
    await api('POST', `/v1/deliveries/${id}/redeliver`);
    await until(async () => (await exists(deliveryWorkflowId(eventId, subscriptionId))) && closed(deliveryWorkflowId(eventId, subscriptionId)));
  });
  await scenario('permanent-failure-then-redelivered', (n) => (n === 1 ? { status: 410 } : { status: 200 }), async ({ eventId, subscriptionId, deliveryId }) => {
    const id = await deliveryId();
    await until(async () => (await statusOf(id)) === 'dead');
    // 410 disabled the subscription: enable it again, then re-drive the dead letter.
    await api('PATCH', `/v1/subscriptions/${subscriptionId}`, { status: 'active' });
    await api('POST', `/v1/deliveries/${id}/redeliver`);
    await until(() => closed(deliveryWorkflowId(eventId, subscriptionId)));
  });
  await scenario('retries', (n) => (n <= 2 ? { status: 503 } : { status: 200 }), async ({ eventId, subscriptionId }) => {
    await until(() => closed(deliveryWorkflowId(eventId, subscriptionId)));
  });
  let fixed = false;
  await scenario('dead-then-redelivered', (n, r) => (fixed ? alwaysOk(n, r) : alwaysFail(n, r)), async ({ eventId, subscriptionId, deliveryId }) => {
    const id = await deliveryId();
    await until(async () => (await statusOf(id)) === 'dead');
    fixed = true;
    await api('POST', `/v1/deliveries/${id}/redeliver`);
    await until(() => closed(deliveryWorkflowId(eventId, subscriptionId)));
  });
  await scenario('breaker-wait', (n) => (n <= 2 ? { status: 500 } : { status: 200 }), async ({ eventId, subscriptionId }) => {
    await until(() => closed(deliveryWorkflowId(eventId, subscriptionId)));
  });
  await worker.shutdown();
  progress(`histories written to ${path.relative(ROOT, folder)}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch((error: unknown) => {
  process.stderr.write(`recording failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

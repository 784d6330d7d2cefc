// `npm run record-histories [-- <recording>…]`: runs hookflow for real
// (embedded Temporal and PostgreSQL, a worker, loopback receivers) through the
// situations its workflows must keep replaying, in each delivery-workflow
// mode, and writes their histories to test/fixtures/histories/<recording>/:
// `on-failure`, `always`, and `continue-as-new` (every run of workflows that
// continued as new: a fan-out wider than one run, and a dead letter whose
// redeliveries arrive after its workflow continued as new). Without
// arguments, all of them. The replay test then fails on any workflow change
// that would break executions already running. Re-record only on purpose;
// histories of older code stay in their own folders.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createApp } from '../../src/api/app.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { createLogger } from '../../src/logger.js';
import type { DeliveryWorkflowsMode } from '../../src/schemas/delivery.js';
import { startRecovery } from '../../src/services/recoveries.js';
import { INLINE_FANOUT_BATCH_SIZE, deliveryWorkflowId, eventWorkflowId, recoveryWorkflowId } from '../../workflows/definitions.js';
import { startHookflowParts, startScratchStack } from '../support/hookflow-parts.js';
import { FIXTURES, ROOT, writeHistory } from './write-history.js';
import { alwaysFail, alwaysOk, startReceiver, type Behaviour } from '../support/receiver.js';

const RECORDINGS = ['on-failure', 'always', 'continue-as-new'] as const;
type Recording = (typeof RECORDINGS)[number];

/**
 * The server suggests continuing as new after this many history events (4,096 by
 * default): low, so the delivery workflow's continue-as-new after a redeliver
 * signal happens in a recording of a few attempts.
 */
const SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS = 10;

async function main(): Promise<void> {
  const asked = process.argv.slice(2) as Recording[];
  const unknown = asked.filter((name) => !RECORDINGS.includes(name));
  if (unknown.length > 0) throw new Error(`unknown recording ${unknown.join(', ')} (known: ${RECORDINGS.join(', ')})`);
  const wanted = (name: Recording) => asked.length === 0 || asked.includes(name);

  const modes = (['on-failure', 'always'] as const).filter(wanted);
  if (modes.length > 0) {
    const scratch = await startScratchStack('hookflow-record');
    try {
      for (const mode of modes) await record(scratch, mode);
    } finally {
      await scratch.stop();
    }
  }
  if (wanted('continue-as-new')) {
    const scratch = await startScratchStack('hookflow-record-continued', {
      temporalDynamicConfig: { 'limit.historyCount.suggestContinueAsNew': SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS },
    });
    try {
      await recordContinuedAsNew(scratch);
    } finally {
      await scratch.stop();
    }
  }
}

type Scratch = Awaited<ReturnType<typeof startScratchStack>>;

/** A worker and the API on the scratch stack, in one delivery-workflow mode, with short retries. */
async function startParts(scratch: Scratch, taskQueue: string, mode: DeliveryWorkflowsMode) {
  const { infrastructure, pool, temporal } = scratch;
  const {
    apiDeps,
    worker,
    adminKey: key,
  } = await startHookflowParts({
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
    return await response.json();
  };
  return { worker, api };
}

/** Waits until `check` holds (a minute at most). */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('scenario did not settle');
    await sleep(200);
  }
}

/** Whether the workflow's latest run has closed (false before it starts). */
async function closed(scratch: Scratch, workflowId: string): Promise<boolean> {
  return scratch.temporal.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      (d) => d.status.name !== 'RUNNING',
      () => false,
    );
}

async function record(scratch: Scratch, mode: DeliveryWorkflowsMode): Promise<void> {
  const { infrastructure, temporal } = scratch;
  const folder = path.join(FIXTURES, mode);
  const { worker, api } = await startParts(scratch, `record-histories-${mode}`, mode);

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
      await until(() => closedRun(eventWorkflowId(event.id)));
      await writeHistory(infrastructure.temporalAddress, folder, `${name}.event`, eventWorkflowId(event.id));
      // In the on-failure mode a delivery that succeeded at once has no workflow of its own.
      const delivery = deliveryWorkflowId(event.id, subscription.id);
      if (await exists(delivery)) await writeHistory(infrastructure.temporalAddress, folder, `${name}.delivery`, delivery);
    } finally {
      await receiver.close();
    }
  };
  const closedRun = (workflowId: string) => closed(scratch, workflowId);
  const statusOf = async (deliveryId: string) => (await api('GET', `/v1/deliveries/${deliveryId}`)).status as string;
  const exists = async (workflowId: string) =>
    temporal.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => true,
        () => false,
      );
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
    await until(() => closedRun(eventWorkflowId(eventId)));
    await api('POST', `/v1/deliveries/${id}/redeliver`);
    await until(async () => (await exists(deliveryWorkflowId(eventId, subscriptionId))) && closedRun(deliveryWorkflowId(eventId, subscriptionId)));
  });
  await scenario(
    'permanent-failure-then-redelivered',
    (n) => (n === 1 ? { status: 410 } : { status: 200 }),
    async ({ eventId, subscriptionId, deliveryId }) => {
      const id = await deliveryId();
      await until(async () => (await statusOf(id)) === 'dead');
      // 410 disabled the subscription: enable it again, then re-drive the dead letter.
      await api('PATCH', `/v1/subscriptions/${subscriptionId}`, { status: 'active' });
      await api('POST', `/v1/deliveries/${id}/redeliver`);
      await until(() => closedRun(deliveryWorkflowId(eventId, subscriptionId)));
    },
  );
  await scenario(
    'retries',
    (n) => (n <= 2 ? { status: 503 } : { status: 200 }),
    async ({ eventId, subscriptionId }) => {
      await until(() => closedRun(deliveryWorkflowId(eventId, subscriptionId)));
    },
  );
  let fixed = false;
  await scenario(
    'dead-then-redelivered',
    (n, r) => (fixed ? alwaysOk(n, r) : alwaysFail(n, r)),
    async ({ eventId, subscriptionId, deliveryId }) => {
      const id = await deliveryId();
      await until(async () => (await statusOf(id)) === 'dead');
      fixed = true;
      await api('POST', `/v1/deliveries/${id}/redeliver`);
      await until(() => closedRun(deliveryWorkflowId(eventId, subscriptionId)));
    },
  );
  await scenario(
    'breaker-wait',
    (n) => (n <= 2 ? { status: 500 } : { status: 200 }),
    async ({ eventId, subscriptionId }) => {
      await until(() => closedRun(deliveryWorkflowId(eventId, subscriptionId)));
    },
  );
  await worker.shutdown();
  progress(`histories written to ${path.relative(ROOT, folder)}`);
}

/**
 * Every run of a workflow that continued as new, oldest first, as
 * `<name>.run<N>.json`: the first ends in its continue-as-new, the later ones
 * start from the input it carried.
 */
async function writeAllRuns(scratch: Scratch, folder: string, name: string, workflowId: string): Promise<number> {
  const runIds = [(await scratch.temporal.workflow.getHandle(workflowId).describe()).runId];
  for (;;) {
    const { events } = await scratch.temporal.workflow.getHandle(workflowId, runIds[0]).fetchHistory();
    const previous = events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) break;
    runIds.unshift(previous);
  }
  for (const [i, runId] of runIds.entries()) {
    await writeHistory(scratch.infrastructure.temporalAddress, folder, `${name}.run${i + 1}`, workflowId, runId);
  }
  return runIds.length;
}

async function recordContinuedAsNew(scratch: Scratch): Promise<void> {
  const folder = path.join(FIXTURES, 'continue-as-new');
  await mkdir(folder, { recursive: true });
  const taskQueue = 'record-histories-continue-as-new';
  const { worker, api } = await startParts(scratch, taskQueue, 'on-failure');
  const receiver = await startReceiver(alwaysOk);
  try {
    progress('scenario fan-out wider than one run (continue-as-new)');
    const wide = 'record.continued.fanout';
    for (let n = 0; n <= INLINE_FANOUT_BATCH_SIZE; n++) await api('POST', '/v1/subscriptions', { url: `${receiver.url}?n=${n}`, eventTypes: [wide] });
    const fannedOut = await api('POST', '/v1/events', { type: wide, payload: { scenario: 'fanout' } });
    await until(() => closed(scratch, eventWorkflowId(fannedOut.id)));
    const eventRuns = await writeAllRuns(scratch, folder, 'fanout.event', eventWorkflowId(fannedOut.id));
    if (eventRuns < 2) throw new Error(`the fan-out did not continue as new (${eventRuns} run)`);

    progress('scenario redeliveries after the delivery workflow continued as new');
    let fixed = false;
    receiver.setBehaviour((n, r) => (fixed ? alwaysOk(n, r) : alwaysFail(n, r)));
    const type = 'record.continued.redelivered';
    const subscription = await api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] });
    const event = await api('POST', '/v1/events', { type, payload: { scenario: 'redelivered-after-continue-as-new' } });
    const deliveryId = await (async () => {
      for (;;) {
        const shown = await api('GET', `/v1/events/${event.id}`);
        if (shown.deliveries?.[0]) return shown.deliveries[0].id as string;
        await sleep(100);
      }
    })();
    const deadAfter = (attempts: number) =>
      until(async () => {
        const delivery = await api('GET', `/v1/deliveries/${deliveryId}`);
        return delivery.status === 'dead' && delivery.attempts.length === attempts;
      });
    await deadAfter(3);
    // The redeliver signal makes the workflow continue as new (the server suggests it), and that run fails again.
    await api('POST', `/v1/deliveries/${deliveryId}/redeliver`);
    await deadAfter(6);
    fixed = true;
    await api('POST', `/v1/deliveries/${deliveryId}/redeliver`);
    const workflowId = deliveryWorkflowId(event.id, subscription.id);
    await until(async () => (await closed(scratch, workflowId)) && (await api('GET', `/v1/deliveries/${deliveryId}`)).status === 'succeeded');
    await writeHistory(scratch.infrastructure.temporalAddress, folder, 'redelivered-after-continue-as-new.event', eventWorkflowId(event.id));
    const deliveryRuns = await writeAllRuns(scratch, folder, 'redelivered-after-continue-as-new.delivery', workflowId);
    if (deliveryRuns < 2) throw new Error(`the delivery workflow did not continue as new (${deliveryRuns} run)`);

    progress('scenario dead-letter recovery in batches (continue-as-new)');
    const recovered = 'record.continued.recovery';
    const failing = await api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [recovered] });
    // Dead letters without an HTTP call (so no breaker in the way): held while paused, given up once disabled.
    await api('PATCH', `/v1/subscriptions/${failing.id}`, { status: 'paused' });
    const since = new Date(Date.now() - 60_000).toISOString();
    for (let n = 0; n < 6; n++) await api('POST', '/v1/events', { type: recovered, payload: { n } });
    const deliveriesOf = async () => (await api('GET', `/v1/deliveries?subscriptionId=${failing.id}&limit=100`)).data as Array<{ status: string }>;
    await until(async () => (await deliveriesOf()).length === 6);
    await api('PATCH', `/v1/subscriptions/${failing.id}`, { status: 'disabled' });
    await until(async () => (await deliveriesOf()).every((d) => d.status === 'dead'));
    await api('PATCH', `/v1/subscriptions/${failing.id}`, { status: 'active' });
    const recovery = await startRecovery({ temporal: scratch.temporal, taskQueue }, failing, { since }, { batchSize: 2 });
    const recoveryId = recoveryWorkflowId(failing.id, recovery.id);
    await until(() => closed(scratch, recoveryId));
    const recoveryRuns = await writeAllRuns(scratch, folder, 'recovery', recoveryId);
    if (recoveryRuns < 2) throw new Error(`the recovery did not continue as new (${recoveryRuns} run)`);
  } finally {
    await receiver.close();
    await worker.shutdown();
  }
  progress(`histories written to ${path.relative(ROOT, folder)}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch((error: unknown) => {
  process.stderr.write(`recording failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

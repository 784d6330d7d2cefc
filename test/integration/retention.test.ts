// Retention on a real PostgreSQL and Temporal: the Schedule exists and is
// described by Temporal; a run of it (triggered, with a short retention and
// small batches) deletes expired attempts, deliveries and events in several
// batches, keeps everything newer, dead letters within their own retention,
// pending deliveries, events still guarding idempotency and a tenant's longer
// retention; keeps a published event whose row still guards its
// Idempotency-Key; continues as new; is set up by worker processes; counts its
// work in Prometheus; and retentionDays is validated.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduleHandle } from '@temporalio/client';
import { ensureRetentionSchedule, retentionScheduleId } from '../../src/retention/schedule.js';
import type { RetentionPolicy } from '../../src/retention/policy.js';
import { BATCHES_PER_RUN, retentionWorkflow } from '../../workflows/retention-workflow.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { spawnHookflowPart } from '../support/hookflow-process.js';
import { partEnv, startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

const HOUR = 3600;
const DAY = 24 * HOUR;
const BATCH_SIZE = 3;

let stack: TestStack;
let receiver: Receiver;
let schedule: ScheduleHandle;
let policy: RetentionPolicy;
const spawned: ChildProcess[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  receiver = await startReceiver();
  // Once a day is as good as never for the test: it triggers the runs itself.
  policy = await ensureRetentionSchedule(stack.temporal, {
    taskQueue: stack.taskQueue,
    defaultRetentionDays: 1,
    intervalSeconds: DAY,
    batchSize: BATCH_SIZE,
  });
  schedule = stack.temporal.schedule.getHandle(retentionScheduleId(stack.taskQueue));
});

afterAll(async () => {
  // A test that failed half-way must not leave its processes behind.
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await schedule?.delete().catch(() => undefined);
  await receiver?.close();
  await stack?.close();
});

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

interface Seed {
  tenantId: string;
  subscriptionId: string;
  /** Age of the event and its delivery. */
  ageSeconds: number;
  /** No delivery when null (an event nobody subscribed to). */
  status: 'succeeded' | 'dead' | 'pending' | null;
  /** Since the delivery settled (updated_at); its age by default. */
  settledSecondsAgo?: number;
  /** Since the event was fanned out; null: not yet. Its age by default. */
  fannedOutSecondsAgo?: number | null;
  attempts?: number;
  /** A fifo subscription's delivery (it has a place in the stream). */
  ordered?: boolean;
}

/** Rows as hookflow writes them, with the ages a test needs (no test can wait days). */
async function seed(s: Seed): Promise<{ eventId: string; deliveryId: string | null }> {
  const eventId = id('evt');
  const fannedOut = s.fannedOutSecondsAgo === undefined ? s.ageSeconds : s.fannedOutSecondsAgo;
  await stack.pool.query(
    `INSERT INTO events (id, type, payload, created_at, fanned_out_at, tenant_id)
     VALUES ($1, 'retention.test', '{}', now() - make_interval(secs => $2), now() - make_interval(secs => $3), $4)`,
    [eventId, s.ageSeconds, fannedOut, s.tenantId],
  );
  if (fannedOut === null) await stack.pool.query('UPDATE events SET fanned_out_at = NULL WHERE id = $1', [eventId]);
  if (s.status === null) return { eventId, deliveryId: null };
  const deliveryId = id('dlv');
  const attempts = s.attempts ?? 2;
  await stack.pool.query(
    `INSERT INTO deliveries (id, event_id, subscription_id, tenant_id, status, attempt_count, created_at, updated_at, ordered_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() - make_interval(secs => $7), now() - make_interval(secs => $8),
             CASE WHEN $9 THEN now() - make_interval(secs => $7) END)`,
    [deliveryId, eventId, s.subscriptionId, s.tenantId, s.status, attempts, s.ageSeconds, s.settledSecondsAgo ?? s.ageSeconds, s.ordered ?? false],
  );
  await stack.pool.query(
    `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code)
     SELECT $1, n, now() - make_interval(secs => $2), 5, 200 FROM generate_series(1, $3) AS n`,
    [deliveryId, s.ageSeconds, attempts],
  );
  return { eventId, deliveryId };
}

async function present(seeded: Array<{ eventId: string; deliveryId: string | null }>) {
  const eventIds = seeded.map((s) => s.eventId);
  const deliveryIds = seeded.flatMap((s) => (s.deliveryId ? [s.deliveryId] : []));
  const events = await stack.pool.query<{ id: string }>('SELECT id FROM events WHERE id = ANY($1)', [eventIds]);
  const deliveries = await stack.pool.query<{ id: string }>('SELECT id FROM deliveries WHERE id = ANY($1)', [deliveryIds]);
  const attempts = await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM attempts WHERE delivery_id = ANY($1)', [deliveryIds]);
  return { events: events.rows.map((r) => r.id).sort(), deliveries: deliveries.rows.map((r) => r.id).sort(), attempts: attempts.rows[0]!.n };
}

async function deletedMetric(table: string): Promise<number> {
  const metric = await stack.workerOptions.activities.metrics.retentionDeleted.get();
  return metric.values.find((v) => v.labels.table === table)?.value ?? 0;
}

/** Triggers the Schedule and waits for the run it starts (across its continue-as-new runs) to finish. */
async function runRetentionNow(): Promise<Record<string, number>> {
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  const workflowId = await waitFor('the Schedule to start a run', async () => {
    const actions = (await schedule.describe()).info.recentActions;
    return actions.length > before ? actions.at(-1)!.action.workflow.workflowId : undefined;
  });
  return stack.temporal.workflow.getHandle(workflowId).result();
}

async function subscription(tenantId: string, extra: Record<string, string> = {}): Promise<string> {
  const created = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: ['retention.test'], tenantId, ...extra });
  expect(created.status).toBe(201);
  return created.body.id;
}

describe('retention', () => {
  it('is a Temporal Schedule running the retention workflow on the task queue, with the policy in plain view', async () => {
    const described = await schedule.describe();
    expect(described.spec.intervals).toMatchObject([{ every: DAY * 1000 }]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow', taskQueue: stack.taskQueue });
    expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([{ policy }]);
    expect(policy).toMatchObject({ defaultRetentionDays: 1, batchSize: BATCH_SIZE });
    // 30 days of dead-letter wait and the namespace's retention, each with a day's margin.
    expect(policy.deadLetterKeepSeconds).toBe(31 * DAY);
    expect(policy.eventKeepAfterFanoutSeconds).toBeGreaterThanOrEqual(DAY);

    // Ensuring it again (another worker starting, a new setting) updates it in place.
    await ensureRetentionSchedule(stack.temporal, {
      taskQueue: stack.taskQueue,
      defaultRetentionDays: 1,
      intervalSeconds: 2 * DAY,
      batchSize: BATCH_SIZE,
    });
    expect((await schedule.describe()).spec.intervals).toMatchObject([{ every: 2 * DAY * 1000 }]);
    await ensureRetentionSchedule(stack.temporal, {
      taskQueue: stack.taskQueue,
      defaultRetentionDays: 1,
      intervalSeconds: DAY,
      batchSize: BATCH_SIZE,
    });
  });

  it('deletes expired rows in batches and keeps what is newer or still needed, per tenant', async () => {
    const longer = await stack.api('POST', '/v1/tenants', { name: uniqueName('keeps-longer') });
    const patched = await stack.api('PATCH', `/v1/tenants/${longer.body.id}`, { retentionDays: 5 });
    expect(patched.status).toBe(200);
    expect(patched.body.retentionDays).toBe(5);
    const subDefault = await subscription('default');
    const subLonger = await subscription(longer.body.id);
    const inDefault = { tenantId: 'default', subscriptionId: subDefault };
    const inLonger = { tenantId: longer.body.id, subscriptionId: subLonger };
    const expiredEvent = policy.eventKeepAfterFanoutSeconds + HOUR;
    const fifo = {
      block: await subscription('default', { ordering: 'fifo', onDeadLetter: 'block' }),
      skip: await subscription('default', { ordering: 'fifo', onDeadLetter: 'skip' }),
    };
    const inFifo = (onDeadLetter: 'block' | 'skip') => ({ ...inDefault, subscriptionId: fifo[onDeadLetter], ordered: true });

    const goes = [
      // Succeeded, older than a day: 7 events, 7 deliveries, 14 attempts (5 batches of 3).
      ...(await Promise.all(Array.from({ length: 7 }, () => seed({ ...inDefault, ageSeconds: expiredEvent, status: 'succeeded' })))),
      // A dead letter whose own retention (its workflow's wait) has ended.
      await seed({ ...inDefault, ageSeconds: policy.deadLetterKeepSeconds + DAY, status: 'dead' }),
      // An event nobody subscribed to.
      await seed({ ...inDefault, ageSeconds: expiredEvent, status: null }),
      // A skipping fifo stream's dead letter, past its own retention: nothing waits on it.
      await seed({ ...inFifo('skip'), ageSeconds: policy.deadLetterKeepSeconds + DAY, status: 'dead' }),
      // The longer-keeping tenant's, past its 5 days.
      await seed({ ...inLonger, ageSeconds: 6 * DAY, status: 'succeeded' }),
    ];
    const stays = [
      // Newer than the retention.
      await seed({ ...inDefault, ageSeconds: 12 * HOUR, status: 'succeeded' }),
      await seed({ ...inDefault, ageSeconds: 12 * HOUR, status: null }),
      // A dead letter still waiting for a redeliver: created long ago, died again 3 days ago after a redelivery.
      await seed({ ...inDefault, ageSeconds: policy.deadLetterKeepSeconds + DAY, status: 'dead', settledSecondsAgo: 3 * DAY }),
      // A blocking fifo stream's dead letter: the stream may wait on it with no deadline.
      await seed({ ...inFifo('block'), ageSeconds: policy.deadLetterKeepSeconds + DAY, status: 'dead' }),
      // Not settled yet.
      await seed({ ...inDefault, ageSeconds: expiredEvent, status: 'pending' }),
      // Old, but its fan-out is recent enough that Temporal may have forgotten its workflow: the row is what keeps it idempotent.
      await seed({ ...inDefault, ageSeconds: expiredEvent, status: null, fannedOutSecondsAgo: policy.eventKeepAfterFanoutSeconds - HOUR }),
      // Never fanned out: its workflow is still at work.
      await seed({ ...inDefault, ageSeconds: expiredEvent, status: null, fannedOutSecondsAgo: null }),
      // The longer-keeping tenant's, within its 5 days though past the default.
      await seed({ ...inLonger, ageSeconds: 3 * DAY, status: 'succeeded' }),
    ];
    const keptBefore = await present(stays);
    const metricBefore = {
      attempts: await deletedMetric('attempts'),
      deliveries: await deletedMetric('deliveries'),
      events: await deletedMetric('events'),
    };

    const deleted = await runRetentionNow();

    expect(await present(goes)).toEqual({ events: [], deliveries: [], attempts: 0 });
    expect(await present(stays)).toEqual(keptBefore);
    expect(keptBefore.attempts).toBe(5 * 2);
    // Other tests' rows may share the database: at least ours went, and the counts agree with the metric.
    expect(deleted.attempts).toBeGreaterThanOrEqual(10 * 2);
    expect(deleted.deliveries).toBeGreaterThanOrEqual(10);
    expect(deleted.events).toBeGreaterThanOrEqual(11);
    for (const table of ['attempts', 'deliveries', 'events'] as const) {
      expect((await deletedMetric(table)) - metricBefore[table]).toBe(deleted[table]);
    }

    // Back to the default retention: the tenant's 3-day-old rows expire too.
    expect((await stack.api('PATCH', `/v1/tenants/${longer.body.id}`, { retentionDays: null })).body.retentionDays).toBeNull();
    await runRetentionNow();
    const longerStays = stays.at(-1)!;
    expect(await present([longerStays])).toEqual({ events: [], deliveries: [], attempts: 0 });
  });

  it("deletes audit events past the audit trail's own retention (365 days by default), and nothing newer", async () => {
    const audit = async (id: string, ageDays: number) =>
      stack.pool.query(
        `INSERT INTO audit_events (id, created_at, actor_kind, actor_id, action, resource_type, resource_id)
         VALUES ($1, now() - make_interval(days => $2), 'api-key', 'key_x', 'tenant.update', 'tenant', 'default')`,
        [id, ageDays],
      );
    const [old, young] = [uniqueName('aud_old'), uniqueName('aud_young')];
    await audit(old, 366);
    await audit(young, 364);
    const before = await deletedMetric('audit_events');
    const deleted = await runRetentionNow();
    const left = await stack.pool.query<{ id: string }>('SELECT id FROM audit_events WHERE id = ANY($1) ORDER BY id', [[old, young]]);
    expect(left.rows.map((r) => r.id)).toEqual([young]);
    expect(deleted.audit_events).toBeGreaterThanOrEqual(1);
    expect((await deletedMetric('audit_events')) - before).toBe(deleted.audit_events);
  });

  it('keeps a published event that still guards its Idempotency-Key, while its expired delivery goes', async () => {
    const type = `${uniqueName('retention')}.live`;
    const created = await stack.api('POST', '/v1/subscriptions', { url: `${receiver.url}/live`, eventTypes: [type] });
    expect(created.status).toBe(201);
    const key = uniqueName('order');
    const published = await stack.api('POST', '/v1/events', { type, payload: { n: 1 } }, { 'idempotency-key': key });
    expect(published.status).toBe(202);
    const eventId: string = published.body.id;
    await waitFor('the delivery to succeed', async () => {
      const { rows } = await stack.pool.query("SELECT 1 FROM deliveries WHERE event_id = $1 AND status = 'succeeded'", [eventId]);
      return rows.length === 1 ? true : undefined;
    });
    // Older than the retention, but fanned out just now: Temporal still has its workflow, and the row outlives that.
    await stack.pool.query("UPDATE events SET created_at = created_at - interval '3 days' WHERE id = $1", [eventId]);
    await stack.pool.query("UPDATE deliveries SET created_at = created_at - interval '3 days' WHERE event_id = $1", [eventId]);

    await runRetentionNow();

    expect((await stack.pool.query('SELECT 1 FROM deliveries WHERE event_id = $1', [eventId])).rowCount).toBe(0);
    const event = await stack.api('GET', `/v1/events/${eventId}`);
    expect(event.status).toBe(200);
    expect(event.body.deliveries).toEqual([]);
    const repeat = await stack.api('POST', '/v1/events', { type, payload: { n: 1 } }, { 'idempotency-key': key });
    expect(repeat.status).toBe(202);
    expect(repeat.body.id).toBe(eventId);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(receiver.requests.filter((r) => r.path === new URL(`${receiver.url}/live`).pathname)).toHaveLength(1);
  });

  it('continues as new after BATCHES_PER_RUN batches, carrying its place and counts', async () => {
    const prefix = id('evt_can');
    const rows = 2 * BATCHES_PER_RUN + 5;
    await stack.pool.query(
      `INSERT INTO events (id, type, payload, created_at, fanned_out_at)
       SELECT $1 || '_' || n, 'retention.test', '{}', now() - make_interval(secs => $2), now() - make_interval(secs => $2)
       FROM generate_series(1, $3) AS n`,
      [prefix, policy.eventKeepAfterFanoutSeconds + DAY, rows],
    );
    const handle = await stack.temporal.workflow.start(retentionWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: id('retention-direct'),
      args: [{ policy: { ...policy, batchSize: 2 } }],
    });
    const deleted = await handle.result();
    expect(deleted.events).toBeGreaterThanOrEqual(rows);
    expect((await stack.pool.query('SELECT 1 FROM events WHERE id LIKE $1', [`${prefix}_%`])).rowCount).toBe(0);
    // The first run handed over to a second one.
    expect((await stack.temporal.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe()).status.name).toBe('CONTINUED_AS_NEW');
  });

  it('is created by worker processes from their settings: two starting together both come up, one Schedule', { timeout: 180_000 }, async () => {
    const taskQueue = uniqueName('retention-workers');
    const settings = { HOOKFLOW_RETENTION_DAYS: '7', HOOKFLOW_RETENTION_INTERVAL_SECONDS: '600', HOOKFLOW_RETENTION_BATCH_SIZE: '50' };
    // Each its own metrics port (partEnv picks a free one).
    const envs = [await partEnv(stack, taskQueue, settings), await partEnv(stack, taskQueue, settings)];
    let output = '';
    const workers = envs.map((env) =>
      spawnHookflowPart('worker', env, { readyTimeoutMs: 120_000, onOutput: (chunk) => (output += chunk.toString('utf8')) }),
    );
    spawned.push(...workers.map((w) => w.child));
    await Promise.all(workers.map((w) => w.ready)).catch((error: Error) => {
      throw new Error(`${error.message}\n${output.slice(-3000)}`);
    });
    const own = stack.temporal.schedule.getHandle(retentionScheduleId(taskQueue));
    try {
      const described = await own.describe();
      expect(described.spec.intervals).toMatchObject([{ every: 600_000 }]);
      expect(described.action).toMatchObject({
        workflowType: 'retentionWorkflow',
        taskQueue,
        args: [{ policy: { defaultRetentionDays: 7, batchSize: 50 } }],
      });
    } finally {
      await own.delete();
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.closed));
    }
  });

  it('refuses a bad retentionDays with the field named, changes nothing, and lets only the platform set it', async () => {
    const tenant = await stack.api('POST', '/v1/tenants', { name: uniqueName('strict') });
    for (const bad of [0, 3651, 1.5, '30']) {
      const answer = await stack.api('PATCH', `/v1/tenants/${tenant.body.id}`, { retentionDays: bad });
      expect(answer.status).toBe(422);
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(['retentionDays']);
    }
    expect((await stack.api('GET', `/v1/tenants/${tenant.body.id}`)).body.retentionDays).toBeNull();

    const portal = await stack.api('POST', `/v1/tenants/${tenant.body.id}/portal-token`, {});
    const asTenant = { authorization: `Bearer ${portal.body.token}` };
    expect((await stack.api('PATCH', `/v1/tenants/${tenant.body.id}`, { retentionDays: 365 }, asTenant)).status).toBe(403);
    expect((await stack.api('PATCH', `/v1/tenants/${tenant.body.id}`, { name: 'renamed by itself' }, asTenant)).status).toBe(200);
    expect((await stack.api('GET', `/v1/tenants/${tenant.body.id}`)).body).toMatchObject({ name: 'renamed by itself', retentionDays: null });
  });
});

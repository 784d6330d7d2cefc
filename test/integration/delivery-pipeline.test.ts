// The whole path of an event, against a real Temporal server, a real
// PostgreSQL and real HTTP receivers on loopback.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { recordEvent } from '../../src/db/events.js';
import { createGuardedAgent } from '../../src/net/guarded-connect.js';
import { createActivities } from '../../activities/index.js';
import { defaultPayloadConverter } from '@temporalio/common';
import { FANOUT_BATCH_SIZE, SEARCH_ATTRIBUTES, deliveryWorkflowId, eventWorkflowId, fanoutBatchSize } from '../../workflows/definitions.js';
import { alwaysFail, alwaysOk, startReceiver, type Behaviour, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

// Short waits so retries and dead-lettering take well under a second: 3 attempts in all.
const RETRY_SCHEDULE = [0.1, 0.1];

let stack: TestStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: RETRY_SCHEDULE });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

async function receiver(behaviour: Behaviour = alwaysOk): Promise<Receiver> {
  const r = await startReceiver(behaviour);
  receivers.push(r);
  return r;
}

async function subscribe(url: string, eventTypes: string[]): Promise<{ id: string; secret: string }> {
  const { status, body } = await stack.api('POST', '/v1/subscriptions', { url, eventTypes });
  expect(status).toBe(201);
  return body;
}

async function publish(type: string, payload: unknown, headers: Record<string, string> = {}) {
  const answer = await stack.api('POST', '/v1/events', { type, payload }, headers);
  expect(answer.status).toBe(202);
  return answer;
}

/** Waits until every delivery of the event has left `pending`, and returns the event. */
async function settledEvent(eventId: string, expectedDeliveries: number) {
  return waitFor(`event ${eventId} to settle`, async () => {
    const { status, body } = await stack.api('GET', `/v1/events/${eventId}`);
    if (status !== 200 || body.state !== 'recorded' || body.deliveries.length !== expectedDeliveries) return undefined;
    return body.deliveries.every((d: { status: string }) => d.status !== 'pending') ? body : undefined;
  });
}

describe('delivery pipeline', () => {
  it('delivers a signed event to the matching subscribers only', async () => {
    const type = `${uniqueName('order')}.created`;
    const [exact, wildcard, other] = await Promise.all([receiver(), receiver(), receiver()]);
    const exactSub = await subscribe(exact.url, [type]);
    const wildcardSub = await subscribe(wildcard.url, ['*']);
    await subscribe(other.url, [`${uniqueName('other')}.created`]);

    // Keys in an order jsonb would change: the receiver must get them as published.
    const payload = { orderId: 42, note: 'café ☕', amount: { value: '12.50', currency: 'EUR' } };
    const { body: accepted } = await publish(type, payload);
    const event = await settledEvent(accepted.id, 2);

    expect(event.deliveries.map((d: { status: string }) => d.status)).toEqual(['succeeded', 'succeeded']);
    expect(exact.requests).toHaveLength(1);
    expect(wildcard.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);

    for (const [r, sub] of [
      [exact, exactSub],
      [wildcard, wildcardSub],
    ] as const) {
      const request = r.requests[0]!;
      // The reference library throws unless the signature, id and timestamp check out.
      const verified = new Webhook(sub.secret).verify(request.body, request.headers as Record<string, string>);
      expect(verified).toEqual({ type, timestamp: accepted.createdAt, data: payload });
      expect(request.body).toBe(JSON.stringify({ type, timestamp: accepted.createdAt, data: payload }));
      expect(request.headers['webhook-id']).toBe(accepted.id);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toMatch(/^hookflow\//);
    }
    // A signature made with the other subscription's secret must not verify.
    expect(() => new Webhook(wildcardSub.secret).verify(exact.requests[0]!.body, exact.requests[0]!.headers as Record<string, string>)).toThrow();

    // The wildcard would match every later test's events.
    expect((await stack.api('DELETE', `/v1/subscriptions/${wildcardSub.id}`)).status).toBe(204);
  });

  it('retries a failing receiver and records every attempt', async () => {
    const type = `${uniqueName('invoice')}.paid`;
    const flaky = await receiver((n) => (n <= 2 ? { status: 503, body: `down ${n}` } : { status: 204 }));
    await subscribe(flaky.url, [type]);

    const { body: accepted } = await publish(type, { invoice: 7 });
    const event = await settledEvent(accepted.id, 1);
    expect(event.deliveries[0]).toMatchObject({ status: 'succeeded', attemptCount: 3 });

    const { body: delivery } = await stack.api('GET', `/v1/deliveries/${event.deliveries[0].id}`);
    expect(delivery.attempts.map((a: { number: number; statusCode: number }) => [a.number, a.statusCode])).toEqual([
      [1, 503],
      [2, 503],
      [3, 204],
    ]);
    expect(delivery.attempts[0].responseBody).toBe('down 1');
    expect(flaky.requests).toHaveLength(3);
    // Every retry carries the same webhook-id, so the receiver can deduplicate.
    expect(new Set(flaky.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([accepted.id]));
  });

  it('dead-letters a receiver that always fails, and redelivers it on request', async () => {
    const type = `${uniqueName('user')}.deleted`;
    const broken = await receiver(alwaysFail);
    const sub = await subscribe(broken.url, [type]);

    const { body: accepted } = await publish(type, { user: 'u1' });
    const event = await settledEvent(accepted.id, 1);
    const deliveryId = event.deliveries[0].id;
    expect(event.deliveries[0]).toMatchObject({ status: 'dead', attemptCount: RETRY_SCHEDULE.length + 1 });
    expect(broken.requests).toHaveLength(RETRY_SCHEDULE.length + 1);

    const { body: dead } = await stack.api('GET', `/v1/deliveries/${deliveryId}`);
    expect(dead.lastError).toMatch(/HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/webhook/);
    const deadLetters = await stack.api('GET', `/v1/deliveries?status=dead&subscriptionId=${sub.id}`);
    expect(deadLetters.body).toEqual({ data: [expect.objectContaining({ id: deliveryId, status: 'dead' })], nextCursor: null });

    // The Temporal Web UI's DLQ view: the search attribute says dead.
    const workflowId = deliveryWorkflowId(accepted.id, sub.id);
    await waitFor('the dead status in Temporal visibility', async () => {
      for await (const wf of stack.temporal.workflow.list({
        query: `WorkflowId = '${workflowId}' AND ${SEARCH_ATTRIBUTES.deliveryStatus.name} = 'dead'`,
      })) {
        return wf;
      }
      return undefined;
    });

    // A redelivery while the receiver is still broken gets a whole new round
    // of attempts, then dead-letters again.
    expect((await stack.api('POST', `/v1/deliveries/${deliveryId}/redeliver`)).status).toBe(202);
    const attemptsPerRound = RETRY_SCHEDULE.length + 1;
    await waitFor('the second round to dead-letter', async () => {
      const { body } = await stack.api('GET', `/v1/deliveries/${deliveryId}`);
      return body.status === 'dead' && body.attemptCount === 2 * attemptsPerRound ? body : undefined;
    });

    broken.setBehaviour(alwaysOk);
    const redeliver = await stack.api('POST', `/v1/deliveries/${deliveryId}/redeliver`);
    expect(redeliver.status).toBe(202);

    const delivered = await waitFor('the redelivery to succeed', async () => {
      const { body } = await stack.api('GET', `/v1/deliveries/${deliveryId}`);
      return body.status === 'succeeded' ? body : undefined;
    });
    expect(delivered.attempts).toHaveLength(2 * attemptsPerRound + 1);
    expect(delivered.attempts.at(-1).statusCode).toBe(200);
    expect(broken.requests.at(-1)!.headers['webhook-id']).toBe(accepted.id);
    // The workflow sets the attribute right after the activity has recorded the success.
    const handle = stack.temporal.workflow.getHandle(workflowId);
    await waitFor('the workflow to complete', async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined));
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.deliveryStatus)).toBe('succeeded');

    // A succeeded delivery whose workflow has closed can be sent again: a fresh run.
    const again = await stack.api('POST', `/v1/deliveries/${deliveryId}/redeliver`);
    expect(again.status).toBe(202);
    await waitFor('the second redelivery', async () => (broken.requests.length === 2 * attemptsPerRound + 2 ? true : undefined));
  });

  it('refuses to redeliver a delivery that is still pending, or that does not exist', async () => {
    const type = `${uniqueName('slow')}.thing`;
    // The first answer takes 1.5 s, so the delivery stays pending meanwhile.
    const slow = await receiver((n) => (n === 1 ? { status: 200, delayMs: 1_500 } : { status: 200 }));
    await subscribe(slow.url, [type]);
    const { body: accepted } = await publish(type, {});
    const pending = await waitFor('the pending delivery', async () => {
      const { body } = await stack.api('GET', `/v1/events/${accepted.id}`);
      return body?.deliveries?.[0];
    });
    expect(pending.status).toBe('pending');
    const answer = await stack.api('POST', `/v1/deliveries/${pending.id}/redeliver`);
    expect(answer.status).toBe(409);
    expect(answer.body.type).toBe('https://hookflow.dev/problems/conflict');
    await settledEvent(accepted.id, 1);
    expect(slow.requests).toHaveLength(1);

    const missing = await stack.api('POST', '/v1/deliveries/dlv_missing/redeliver');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
  });

  it('publishes once per Idempotency-Key: one event, one delivery per subscriber', async () => {
    const type = `${uniqueName('payment')}.captured`;
    const [a, b] = await Promise.all([receiver(), receiver()]);
    await subscribe(a.url, [type]);
    await subscribe(b.url, [type]);
    const key = uniqueName('key');

    const first = await publish(type, { amount: 100 }, { 'Idempotency-Key': key });
    const second = await publish(type, { amount: 100 }, { 'Idempotency-Key': key });
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.createdAt).toBe(first.body.createdAt);
    expect(second.headers.get('idempotent-replayed')).toBe('true');

    const event = await settledEvent(first.body.id, 2);
    // Once more after the fan-out has finished: still the same event, nothing new sent.
    const third = await publish(type, { amount: 100 }, { 'Idempotency-Key': key });
    expect(third.body.id).toBe(first.body.id);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(event.deliveries).toHaveLength(2);
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM events WHERE id = $1', [first.body.id]);
    expect(rows[0].n).toBe(1);
  });

  it('holds deliveries while a subscription is paused, spending no attempts, and delivers on resume', async () => {
    const type = `${uniqueName('held')}.event`;
    const target = await receiver();
    const sub = await subscribe(target.url, [type]);
    expect((await stack.api('PATCH', `/v1/subscriptions/${sub.id}`, { status: 'paused' })).body.status).toBe('paused');

    const { body: accepted } = await publish(type, { n: 1 });
    const held = await waitFor('the held delivery', async () => {
      const { body } = await stack.api('GET', `/v1/events/${accepted.id}`);
      return body?.deliveries?.[0];
    });
    // Several re-checks (every 300 ms in tests) pass without a request or an attempt.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(target.requests).toHaveLength(0);
    expect((await stack.api('GET', `/v1/deliveries/${held.id}`)).body).toMatchObject({ status: 'pending', attempts: [] });

    await stack.api('PATCH', `/v1/subscriptions/${sub.id}`, { status: 'active' });
    const event = await settledEvent(accepted.id, 1);
    expect(event.deliveries[0]).toMatchObject({ status: 'succeeded', attemptCount: 1 });
    expect(target.requests).toHaveLength(1);
  });

  it('fans one event out to more subscribers than one batch, continuing as new between batches', async () => {
    const type = `${uniqueName('wide')}.event`;
    const target = await receiver();
    // The default mode makes first attempts in the event workflow, in batches of this size.
    const subscribers = fanoutBatchSize('on-failure') + 5;
    for (let i = 0; i < subscribers; i++) {
      const { status } = await stack.api('POST', '/v1/subscriptions', { url: `${target.url}?n=${i}`, eventTypes: [type] });
      expect(status).toBe(201);
    }
    const { body: accepted } = await publish(type, { wide: true });
    await waitFor('every subscriber to get it', async () => (target.requests.length >= subscribers ? true : undefined), 60_000);
    expect(new Set(target.requests.map((r) => r.path)).size).toBe(subscribers);
    // The last run closes once it has recorded its attempts: its history is whole from then on.
    await stack.temporal.workflow.getHandle(eventWorkflowId(accepted.id)).result();
    expect(target.requests).toHaveLength(subscribers);

    // Two runs of the event workflow: one full batch, then the rest.
    const runs: Array<{ runId: string; startTime: Date }> = [];
    for await (const wf of stack.temporal.workflow.list({ query: `WorkflowId = '${eventWorkflowId(accepted.id)}'` })) runs.push(wf);
    expect(runs).toHaveLength(2);
    const { rows } = await stack.pool.query('SELECT fanned_out_at IS NOT NULL AS done FROM events WHERE id = $1', [accepted.id]);
    expect(rows[0].done).toBe(true);
    // The second run lists its 5 subscribers and makes their first attempts in one local activity, as the first run does for its 50.
    const later = runs.reduce((a, b) => (a.startTime > b.startTime ? a : b));
    const history = await stack.temporal.workflow.getHandle(eventWorkflowId(accepted.id), later.runId).fetchHistory();
    const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes);
    expect(markers).toHaveLength(1);
    const result = defaultPayloadConverter.fromPayload<{ batch: unknown[]; firstAttempts: Record<string, { kind: string }> }>(
      markers[0]!.markerRecordedEventAttributes!.details!.result!.payloads![0]!,
    );
    expect(result.batch).toHaveLength(5);
    expect(Object.values(result.firstAttempts).map((outcome) => outcome.kind)).toEqual(Array(5).fill('succeeded'));
  }, 90_000);

  it('records an event once, gives the run that recorded it its batch again, and another run none', async () => {
    // The event workflow's local activity can run twice in one run: its first
    // answer is lost when the worker dies or Temporal restarts before the
    // workflow task completes. Found by the chaos run: the retry took its own
    // first attempt for an earlier run's fan-out, and no delivery started.
    const type = `${uniqueName('twice')}.event`;
    const target = await receiver();
    const { body: sub } = await stack.api('POST', '/v1/subscriptions', { url: target.url, eventTypes: [type] });
    const event = { id: `evt_${uniqueName('direct')}`, type, payload: { n: 1 }, idempotencyKey: null, createdAt: new Date().toISOString() };

    const recorded = await recordEvent(stack.pool, event, FANOUT_BATCH_SIZE, 'run-1', { readTargets: true });
    expect(recorded.fannedOut).toBe(false);
    expect(recorded.batch.map((item) => item.subscriptionId)).toEqual([sub.id]);
    // The new event's batch comes with each first attempt's target, read with the delivery; a
    // repeated ask has the same batch without them (its attempts read their own).
    expect(recorded.batch[0]!.target).toMatchObject({
      deliveryId: recorded.batch[0]!.deliveryId,
      status: 'pending',
      eventId: event.id,
      payload: event.payload,
      url: target.url,
    });
    const first = { ...recorded, batch: recorded.batch.map(({ target: _known, ...item }) => item) };
    expect(await recordEvent(stack.pool, event, FANOUT_BATCH_SIZE, 'run-1')).toEqual(first);
    // A later run (the event published again after Temporal forgot the first) starts nothing.
    expect(await recordEvent(stack.pool, event, FANOUT_BATCH_SIZE, 'run-2')).toEqual({ fannedOut: true, batch: [], alreadyDelivered: [] });
    // Recorded before the run was kept (an older hookflow): the batch again, rather than risk losing it.
    await stack.pool.query('UPDATE events SET recorded_by_run = NULL WHERE id = $1', [event.id]);
    expect(await recordEvent(stack.pool, event, FANOUT_BATCH_SIZE, 'run-3')).toEqual(first);
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM deliveries WHERE event_id = $1', [event.id]);
    expect(rows[0].n).toBe(1);
  });

  it('gives a run that asks again the deliveries it made before its answer was lost, apart from those still to make', async () => {
    // Found by the cluster topology test: a worker died after the event
    // workflow's first attempts had delivered but before its workflow task
    // completed. The retried task asked again, got no batch (nothing was
    // pending), attempted nothing, and so never listed the delivered
    // subscriptions in HookflowDeliveredTo: the README's "one endpoint's
    // whole traffic" query missed those events.
    const type = `${uniqueName('lost-task')}.event`;
    const [delivered, pending] = [await receiver(), await receiver()];
    const { body: deliveredSub } = await stack.api('POST', '/v1/subscriptions', { url: delivered.url, eventTypes: [type] });
    const { body: pendingSub } = await stack.api('POST', '/v1/subscriptions', { url: pending.url, eventTypes: [type] });
    const event = { id: `evt_${uniqueName('lost')}`, type, payload: { n: 1 }, idempotencyKey: null, createdAt: new Date().toISOString() };

    const first = await recordEvent(stack.pool, event, FANOUT_BATCH_SIZE, 'run-1');
    expect(first.alreadyDelivered).toEqual([]);
    expect(first.batch.map((item) => item.subscriptionId).sort()).toEqual([deliveredSub.id, pendingSub.id].sort());
    await stack.pool.query(`UPDATE deliveries SET status = 'succeeded' WHERE event_id = $1 AND subscription_id = $2`, [event.id, deliveredSub.id]);

    const again = await recordEvent(stack.pool, event, FANOUT_BATCH_SIZE, 'run-1');
    expect(again.fannedOut).toBe(false);
    expect(again.batch.map((item) => item.subscriptionId)).toEqual([pendingSub.id]);
    expect(again.alreadyDelivered).toEqual([deliveredSub.id]);
  });

  it('does not send again when an attempt already recorded as succeeded runs again', async () => {
    // What a worker dying between recording a success and reporting it to
    // Temporal leads to: the activity runs again for a delivery that is done.
    const type = `${uniqueName('done')}.event`;
    const target = await receiver();
    await stack.api('POST', '/v1/subscriptions', { url: target.url, eventTypes: [type] });
    const { body: accepted } = await publish(type, { once: true });
    const event = await settledEvent(accepted.id, 1);
    expect(event.deliveries[0]).toMatchObject({ status: 'succeeded', attemptCount: 1 });

    const http = createGuardedAgent(stack.workerOptions.activities.addressPolicy);
    try {
      const { deliver, attemptFirst } = createActivities({ ...stack.workerOptions.activities, http, userAgent: 'test' });
      expect(await deliver({ deliveryId: event.deliveries[0].id })).toEqual({ statusCode: 200, attemptNumber: 1 });
      // The event workflow's first attempt, run again after its worker died: the same, nothing sent.
      expect(await attemptFirst({ deliveryId: event.deliveries[0].id })).toEqual({ kind: 'succeeded', statusCode: 200, attemptNumber: 1 });
    } finally {
      await http.close();
    }
    expect(target.requests).toHaveLength(1);
    expect((await stack.api('GET', `/v1/deliveries/${event.deliveries[0].id}`)).body).toMatchObject({ status: 'succeeded', attemptCount: 1 });
  });

  it('shows an accepted event from Temporal before any worker has recorded it', async () => {
    // An API on a task queue no worker polls: the event is durably accepted
    // by Temporal, and nothing has reached Postgres.
    const idle = createApp({ ...stack.apiDeps, taskQueue: uniqueName('idle') });
    const type = `${uniqueName('queued')}.event`;
    const authorization = `Bearer ${stack.adminKey}`;
    const published = await idle.request('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ type, payload: { waiting: true } }),
    });
    expect(published.status).toBe(202);
    const { id } = (await published.json()) as { id: string };

    const shown = await idle.request(`/v1/events/${id}`, { headers: { authorization } });
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({ id, type, payload: { waiting: true }, state: 'accepted', deliveries: [] });
    await stack.temporal.workflow.getHandle(eventWorkflowId(id)).terminate('test cleanup');
  });
});

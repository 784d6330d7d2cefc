// The Temporal Web UI as an inspection tool: each search attribute query
// finds exactly the workflows it should, after one delivery succeeds and
// another is dead-lettered, in both delivery-workflow modes.
import { afterAll, describe, expect, it } from 'vitest';
import type { DeliveryWorkflowsMode } from '../../src/schemas/delivery.js';
import { SEARCH_ATTRIBUTES, deliveryWorkflowId, eventWorkflowId } from '../../workflows/definitions.js';
import { alwaysFail, alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

const stacks: TestStack[] = [];
const receivers: Receiver[] = [];

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await Promise.all(stacks.map((s) => s.close()));
});

async function workflowIds(stack: TestStack, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of stack.temporal.workflow.list({ query: `TaskQueue = '${stack.taskQueue}' AND ${query}` })) ids.push(wf.workflowId);
  return ids.sort();
}

describe.each<DeliveryWorkflowsMode>(['on-failure', 'always'])('search attributes, delivery workflows %s', (mode) => {
  it('find the event, its deliveries, one endpoint’s traffic and the dead-letter queue', async () => {
    const stack = await startTestStack({ retryScheduleSeconds: [0.1], deliveryWorkflows: mode });
    stacks.push(stack);
    const ok = await startReceiver(alwaysOk);
    const broken = await startReceiver(alwaysFail);
    receivers.push(ok, broken);
    const type = `${uniqueName('vis')}.event`;
    const { body: good } = await stack.api('POST', '/v1/subscriptions', { url: ok.url, eventTypes: [type] });
    const { body: bad } = await stack.api('POST', '/v1/subscriptions', { url: broken.url, eventTypes: [type] });
    const { body: event } = await stack.api('POST', '/v1/events', { type, payload: { look: 'here' } });

    const eventWf = eventWorkflowId(event.id);
    const goodWf = deliveryWorkflowId(event.id, good.id);
    const badWf = deliveryWorkflowId(event.id, bad.id);
    const { eventId, eventType, subscriptionId, deliveryStatus, deliveredTo } = SEARCH_ATTRIBUTES;

    // In the on-failure mode the good delivery succeeded at its first attempt,
    // inside the event workflow, which lists it in HookflowDeliveredTo; only
    // the failing one has a delivery workflow. In the always mode each has one.
    const inline = mode === 'on-failure';
    const expectations: Array<[string, string[]]> = [
      [`${eventId.name} = '${event.id}'`, (inline ? [eventWf, badWf] : [eventWf, goodWf, badWf]).sort()],
      [`${eventType.name} = '${type}'`, (inline ? [eventWf, badWf] : [eventWf, goodWf, badWf]).sort()],
      [`${subscriptionId.name} = '${good.id}'`, inline ? [] : [goodWf]],
      [`${subscriptionId.name} = '${bad.id}'`, [badWf]],
      [`${deliveredTo.name} = '${good.id}'`, inline ? [eventWf] : []],
      [`${deliveredTo.name} = '${bad.id}'`, []],
      // One endpoint's whole traffic, whichever way each delivery went.
      [`(${deliveredTo.name} = '${good.id}' OR ${subscriptionId.name} = '${good.id}')`, [inline ? eventWf : goodWf]],
      [`${deliveryStatus.name} = 'succeeded'`, inline ? [] : [goodWf]],
      [`${deliveryStatus.name} = 'dead'`, [badWf]],
      [`${deliveryStatus.name} = 'pending'`, []],
    ];
    // Visibility trails the workflows a little: wait until every query agrees.
    const answers = await waitFor('visibility to catch up', async () => {
      const found = await Promise.all(expectations.map(async ([query]) => [query, await workflowIds(stack, query)] as const));
      return found.every(([, ids], i) => JSON.stringify(ids) === JSON.stringify(expectations[i]![1])) ? found : undefined;
    }).catch(async () => Promise.all(expectations.map(async ([query]) => [query, await workflowIds(stack, query)] as const)));
    expect(answers).toEqual(expectations);

    // The delivery's summary says what it does, without query strings or secrets.
    const described = await stack.temporal.workflow.getHandle(badWf).describe();
    expect(await described.staticSummary()).toBe(`deliver ${type} to ${new URL(broken.url).origin}/webhook`);
  });
});

// The Temporal Web UI as an inspection tool: each search attribute query
// finds exactly the workflows it should, after one delivery succeeds and
// another is dead-lettered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES, deliveryWorkflowId, eventWorkflowId } from '../../workflows/definitions.js';
import { alwaysFail, alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

async function workflowIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of stack.temporal.workflow.list({ query: `TaskQueue = '${stack.taskQueue}' AND ${query}` })) ids.push(wf.workflowId);
  return ids.sort();
}

describe('search attributes', () => {
  it('find the event, its deliveries, one endpoint’s traffic and the dead-letter queue', async () => {
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
    const { eventId, eventType, subscriptionId, deliveryStatus } = SEARCH_ATTRIBUTES;

    const expectations: Array<[string, string[]]> = [
      [`${eventId.name} = '${event.id}'`, [eventWf, goodWf, badWf].sort()],
      [`${eventType.name} = '${type}'`, [eventWf, goodWf, badWf].sort()],
      [`${subscriptionId.name} = '${good.id}'`, [goodWf]],
      [`${subscriptionId.name} = '${bad.id}'`, [badWf]],
      [`${deliveryStatus.name} = 'succeeded'`, [goodWf]],
      [`${deliveryStatus.name} = 'dead'`, [badWf]],
      [`${deliveryStatus.name} = 'pending'`, []],
    ];
    // Visibility trails the workflows a little: wait until every query agrees.
    const answers = await waitFor('visibility to catch up', async () => {
      const found = await Promise.all(expectations.map(async ([query]) => [query, await workflowIds(query)] as const));
      return found.every(([, ids], i) => JSON.stringify(ids) === JSON.stringify(expectations[i]![1])) ? found : undefined;
    }).catch(async () => Promise.all(expectations.map(async ([query]) => [query, await workflowIds(query)] as const)));
    expect(answers).toEqual(expectations);

    // The delivery's summary says what it does, without query strings or secrets.
    const described = await stack.temporal.workflow.getHandle(badWf).describe();
    expect(await described.staticSummary()).toBe(`deliver ${type} to ${new URL(broken.url).origin}/webhook`);
  });
});

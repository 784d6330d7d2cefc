import { describe, expect, it } from 'vitest';
import { deliveryWorkflows, temporalWorkflowUrl, type DeliveryShape } from '../../src/ui/console/delivery-workflows.js';

const ui = { url: 'http://temporal.example:8233/', namespace: 'default' };
const base = { eventId: 'evt_1', subscriptionId: 'sub_1' };
const ok = { statusCode: 200 };
const failed = { statusCode: 500 };
const noAnswer = { statusCode: null };
const idsOf = (shape: DeliveryShape, ordering: 'none' | 'fifo' | undefined = 'none') =>
  deliveryWorkflows(shape, ordering, ui).map((l) => l.workflowId);

describe('temporalWorkflowUrl', () => {
  it("is the Web UI's page of the workflow, its id encoded, without a doubled slash", () => {
    expect(temporalWorkflowUrl('http://localhost:8233/', 'default', 'delivery:evt_1:sub_1')).toBe(
      'http://localhost:8233/namespaces/default/workflows/delivery%3Aevt_1%3Asub_1',
    );
    expect(temporalWorkflowUrl('https://t.example/ui', 'prod ns', 'event:evt_1')).toBe(
      'https://t.example/ui/namespaces/prod%20ns/workflows/event%3Aevt_1',
    );
  });
});

describe('deliveryWorkflows', () => {
  it('a fifo delivery: its stream first, whatever its attempts', () => {
    for (const shape of [
      { ...base, status: 'succeeded' as const, attempts: [ok] },
      { ...base, status: 'dead' as const, attempts: [failed, failed] },
      { ...base, status: 'pending' as const, attempts: [] },
    ]) {
      expect(idsOf(shape, 'fifo')).toEqual(['ordered:sub_1', 'event:evt_1']);
    }
  });

  it('delivered at the first attempt: the event workflow first, the delivery workflow of the always mode second', () => {
    expect(idsOf({ ...base, status: 'succeeded', attempts: [ok] })).toEqual(['event:evt_1', 'delivery:evt_1:sub_1']);
    expect(idsOf({ ...base, status: 'succeeded', attempts: [{ statusCode: 204 }] }, undefined)).toEqual(['event:evt_1', 'delivery:evt_1:sub_1']);
  });

  it('not attempted yet: the event workflow first, the delivery workflow second', () => {
    expect(idsOf({ ...base, status: 'pending', attempts: [] })).toEqual(['event:evt_1', 'delivery:evt_1:sub_1']);
  });

  it.each<[string, DeliveryShape]>([
    ['retried, then delivered', { ...base, status: 'succeeded', attempts: [failed, ok] }],
    ['redelivered after a success', { ...base, status: 'succeeded', attempts: [ok, ok] }],
    ['a dead letter after one permanent failure', { ...base, status: 'dead', attempts: [{ statusCode: 410 }] }],
    ['a dead letter without an answer', { ...base, status: 'dead', attempts: [noAnswer, noAnswer] }],
    ['dead without any attempt (an inactive subscription)', { ...base, status: 'dead', attempts: [] }],
    ['retrying', { ...base, status: 'pending', attempts: [failed] }],
    ['redelivery pending after a success', { ...base, status: 'pending', attempts: [ok] }],
  ])('%s: the delivery workflow first, the event workflow second', (_, shape) => {
    expect(idsOf(shape)).toEqual(['delivery:evt_1:sub_1', 'event:evt_1']);
    expect(idsOf(shape, undefined)).toEqual(['delivery:evt_1:sub_1', 'event:evt_1']);
  });

  it('links each to the Web UI with a role', () => {
    const [first] = deliveryWorkflows({ ...base, status: 'dead', attempts: [failed] }, 'none', ui);
    expect(first).toEqual({
      workflowId: 'delivery:evt_1:sub_1',
      role: expect.stringContaining('delivery workflow'),
      url: 'http://temporal.example:8233/namespaces/default/workflows/delivery%3Aevt_1%3Asub_1',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { testSendSchema } from '../../src/schemas/test-send.js';
import { firstExactEventType } from '../../src/services/test-sends.js';

describe('firstExactEventType', () => {
  it('is the first event type that is not a pattern', () => {
    expect(firstExactEventType(['order.created', 'order.updated'])).toBe('order.created');
    expect(firstExactEventType(['*', 'invoice.paid', 'order.created'])).toBe('invoice.paid');
    expect(firstExactEventType(['order.*', 'order.created'])).toBe('order.created');
  });

  it('is undefined when there are only patterns, or none', () => {
    expect(firstExactEventType(['*'])).toBeUndefined();
    expect(firstExactEventType(['*', 'order.*'])).toBeUndefined();
    expect(firstExactEventType([])).toBeUndefined();
  });
});

describe('testSendSchema', () => {
  it('takes nothing, an event type, a payload of any JSON (null included), or both', () => {
    expect(testSendSchema.parse({})).toEqual({});
    expect(testSendSchema.parse({ eventType: 'order.created' })).toEqual({ eventType: 'order.created' });
    expect(testSendSchema.parse({ payload: null })).toEqual({ payload: null });
    expect(testSendSchema.parse({ eventType: 'a.b', payload: { n: [1, 'x'] } })).toEqual({ eventType: 'a.b', payload: { n: [1, 'x'] } });
  });

  it('refuses a malformed event type or an unknown field, naming it', () => {
    const badType = testSendSchema.safeParse({ eventType: 'order created' });
    expect(badType.success).toBe(false);
    expect(badType.error!.issues.map((issue) => issue.path)).toEqual([['eventType']]);
    const unknown = testSendSchema.safeParse({ type: 'order.created' });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]!.code).toBe('unrecognized_keys');
  });
});

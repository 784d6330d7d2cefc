import { describe, expect, it } from 'vitest';
import { webhookBody } from '../../src/delivery/payload.js';
import type { JsonValue } from '../../src/json.js';

const createdAt = new Date('2025-06-01T12:34:56.789Z');

describe('webhookBody', () => {
  it('has the Standard Webhooks shape {type, timestamp, data}', () => {
    const body = JSON.parse(webhookBody({ type: 'order.created', createdAt, payload: { id: 42 } }));
    expect(body).toEqual({ type: 'order.created', timestamp: '2025-06-01T12:34:56.789Z', data: { id: 42 } });
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data']);
  });

  it('serialises the timestamp as an ISO 8601 UTC string of createdAt', () => {
    const body = JSON.parse(webhookBody({ type: 'a', createdAt, payload: null }));
    expect(body.timestamp).toBe(createdAt.toISOString());
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(new Date(body.timestamp).getTime()).toBe(createdAt.getTime());
  });

  it('produces compact JSON in a fixed key order', () => {
    expect(webhookBody({ type: 'user.deleted', createdAt, payload: { a: 1 } })).toBe(
      '{"type":"user.deleted","timestamp":"2025-06-01T12:34:56.789Z","data":{"a":1}}',
    );
  });

  const payloads: Array<[string, JsonValue]> = [
    ['object', { nested: { deep: [1, 2, { x: 'y' }] }, flag: false }],
    ['array', [1, 'two', null, true]],
    ['string', 'just a string'],
    ['number', 3.14],
    ['zero', 0],
    ['negative', -17],
    ['null', null],
    ['true', true],
    ['false', false],
    ['empty object', {}],
    ['empty array', []],
    ['unicode', { text: 'héllo — 日本語 🎉', quote: '"\\\n' }],
  ];

  it.each(payloads)('round-trips a %s payload as data', (_name, payload) => {
    const body = webhookBody({ type: 'thing.happened', createdAt, payload });
    const parsed = JSON.parse(body);
    expect(parsed.data).toEqual(payload);
    expect(parsed.type).toBe('thing.happened');
    expect(parsed.timestamp).toBe('2025-06-01T12:34:56.789Z');
    // A second round trip is stable.
    expect(JSON.stringify(JSON.parse(body))).toBe(body);
  });

  it('keeps data present even when the payload is null', () => {
    const parsed = JSON.parse(webhookBody({ type: 'a', createdAt, payload: null }));
    expect('data' in parsed).toBe(true);
    expect(parsed.data).toBeNull();
  });

  it('throws for an invalid date (toISOString on an invalid Date)', () => {
    expect(() => webhookBody({ type: 'a', createdAt: new Date(Number.NaN), payload: null })).toThrow(RangeError);
  });
});

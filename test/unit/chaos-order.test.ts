import { describe, expect, it } from 'vitest';
import { tallyOrder } from '../chaos/order.js';
import type { Receipt } from '../chaos/report.js';

const receipt = (receiver: string, webhookId: string): Receipt => ({ receiver, seq: 0, webhookId, signatureValid: true });

describe('tallyOrder', () => {
  const order = ['e0', 'e1', 'e2', 'e3'];
  it('finds nothing when each receiver got events in acceptance order, retries included', () => {
    const receipts = [receipt('a', 'e0'), receipt('b', 'e0'), receipt('a', 'e1'), receipt('a', 'e1'), receipt('b', 'e2'), receipt('a', 'e3')];
    expect(tallyOrder(receipts, order)).toEqual({ outOfOrder: { a: 0, b: 0 }, examples: [] });
  });
  it('counts, per receiver, an event processed after a later-accepted one', () => {
    const receipts = [receipt('a', 'e0'), receipt('a', 'e2'), receipt('a', 'e1'), receipt('b', 'e1'), receipt('a', 'e3')];
    expect(tallyOrder(receipts, order)).toEqual({ outOfOrder: { a: 1, b: 0 }, examples: ['a: event #1 after #2'] });
  });
  it('ignores receipts of events never accepted', () => {
    expect(tallyOrder([receipt('a', 'e1'), receipt('a', 'stray')], order).outOfOrder).toEqual({ a: 0 });
  });
});

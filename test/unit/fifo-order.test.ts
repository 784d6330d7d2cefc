import { describe, expect, it } from 'vitest';
import { createAcceptanceClock } from '../../src/services/acceptance-clock.js';
import { checkFifoOrder } from '../support/fifo-order.js';

describe('checkFifoOrder', () => {
  it('accepts an increasing sequence, with gaps (skipped dead letters)', () => {
    expect(checkFifoOrder([0, 1, 3, 4])).toEqual({ sequence: [0, 1, 3, 4], outOfOrder: [] });
  });
  it('collapses back-to-back repeats (retries of the head)', () => {
    expect(checkFifoOrder([0, 0, 0, 1, 2, 2])).toEqual({ sequence: [0, 1, 2], outOfOrder: [] });
  });
  it('reports a position arriving after a later one', () => {
    expect(checkFifoOrder([0, 2, 1, 3]).outOfOrder).toEqual([[1, 2]]);
  });
  it('reports a repeat that is not back to back (a resend after the stream moved on)', () => {
    expect(checkFifoOrder([0, 1, 0, 2]).outOfOrder).toEqual([[0, 1]]);
  });
  it('is empty for no receipts', () => {
    expect(checkFifoOrder([])).toEqual({ sequence: [], outOfOrder: [] });
  });
});

describe('createAcceptanceClock', () => {
  it('follows the wall clock while it moves on', () => {
    const times = [1000, 1005, 1010];
    const clock = createAcceptanceClock(() => times.shift()!);
    expect([clock(), clock(), clock()].map((d) => d.getTime())).toEqual([1000, 1005, 1010]);
  });
  it('is strictly increasing within one millisecond, and when the wall clock steps back', () => {
    const times = [1000, 1000, 1000, 999, 1010];
    const clock = createAcceptanceClock(() => times.shift()!);
    expect([clock(), clock(), clock(), clock(), clock()].map((d) => d.getTime())).toEqual([1000, 1001, 1002, 1003, 1010]);
  });
});

import { describe, expect, it } from 'vitest';
import { layOut, statsSpan } from '../../src/stats/stats-window.js';

describe('statsSpan', () => {
  it('ends with the bucket now falls in, and covers the window in whole buckets', () => {
    const span = statsSpan('1h', new Date('2026-01-02T10:15:30.500Z'));
    expect(span).toEqual({
      since: new Date('2026-01-02T09:16:00.000Z'),
      until: new Date('2026-01-02T10:16:00.000Z'),
      bucketSeconds: 60,
      bucketCount: 60,
    });
  });

  it('starts a new bucket exactly on its boundary', () => {
    expect(statsSpan('1h', new Date('2026-01-02T10:16:00.000Z')).until).toEqual(new Date('2026-01-02T10:17:00.000Z'));
  });

  it('takes a day in 10-minute buckets', () => {
    const span = statsSpan('24h', new Date('2026-01-02T10:15:30Z'));
    expect(span).toEqual({ since: new Date('2026-01-01T10:20:00Z'), until: new Date('2026-01-02T10:20:00Z'), bucketSeconds: 600, bucketCount: 144 });
  });
});

describe('layOut', () => {
  const span = statsSpan('1h', new Date('2026-01-02T10:15:30Z'));

  it('has every bucket, zeros where nothing happened, and no success rate without a settled delivery', () => {
    const { buckets, totals } = layOut(span, { events: [], attempts: [], dead: [] });
    expect(buckets).toHaveLength(60);
    expect(buckets[0]).toEqual({
      start: '2026-01-02T09:16:00.000Z',
      events: 0,
      deliveries: { succeeded: 0, dead: 0 },
      attempts: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, network: 0 },
    });
    expect(buckets[59]!.start).toBe('2026-01-02T10:15:00.000Z');
    expect(totals).toEqual({
      events: 0,
      deliveries: { succeeded: 0, dead: 0 },
      attempts: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, network: 0 },
      successRate: null,
    });
  });

  it('classes attempts as the attempts metric does, counts a 2xx as a succeeded delivery, and sums the totals', () => {
    const { buckets, totals } = layOut(span, {
      events: [
        { bucket: 0, n: 2 },
        { bucket: 59, n: 1 },
      ],
      attempts: [
        { bucket: 0, statusCode: 200, n: 2 },
        { bucket: 0, statusCode: 204, n: 1 },
        { bucket: 1, statusCode: 302, n: 1 },
        { bucket: 1, statusCode: 404, n: 3 },
        { bucket: 1, statusCode: 503, n: 1 },
        { bucket: 2, statusCode: null, n: 4 },
        { bucket: 2, statusCode: 101, n: 1 },
      ],
      dead: [{ bucket: 2, n: 3 }],
    });
    expect(buckets[0]).toMatchObject({ events: 2, deliveries: { succeeded: 3, dead: 0 }, attempts: { '2xx': 3 } });
    expect(buckets[1]!.attempts).toEqual({ '2xx': 0, '3xx': 1, '4xx': 3, '5xx': 1, network: 0 });
    // Below 200 is no success: the metric's statusClass puts it with the 5xx.
    expect(buckets[2]).toMatchObject({ deliveries: { succeeded: 0, dead: 3 }, attempts: { network: 4, '5xx': 1 } });
    expect(buckets[59]!.events).toBe(1);
    expect(totals).toEqual({
      events: 3,
      deliveries: { succeeded: 3, dead: 3 },
      attempts: { '2xx': 3, '3xx': 1, '4xx': 3, '5xx': 2, network: 4 },
      successRate: 0.5,
    });
  });

  it('ignores rows outside the window', () => {
    const { totals } = layOut(span, {
      events: [
        { bucket: -1, n: 5 },
        { bucket: 60, n: 5 },
      ],
      attempts: [{ bucket: 60, statusCode: 200, n: 1 }],
      dead: [{ bucket: -3, n: 1 }],
    });
    expect(totals.events + totals.deliveries.dead + totals.attempts['2xx']).toBe(0);
  });
});

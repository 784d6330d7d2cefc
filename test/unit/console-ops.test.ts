import { describe, expect, it } from 'vitest';
import { bulkMessage, isV1Path } from '../../src/ui/console/dead-letters.js';
import { apiQuery, utcInputToIso } from '../../src/ui/console/ops-parts.js';

describe('utcInputToIso', () => {
  it.each([
    ['2026-12-02T04:10', '2026-12-02T04:10:00Z'],
    ['2026-12-02T04:10:59', '2026-12-02T04:10:59Z'],
    ['2026-12-02T04:10:59.250', '2026-12-02T04:10:59.250Z'],
  ])('reads a datetime-local value %s as UTC', (value, iso) => {
    expect(utcInputToIso(value)).toBe(iso);
  });

  it('leaves nothing out as nothing', () => {
    expect(utcInputToIso(undefined)).toBeUndefined();
    expect(utcInputToIso('')).toBeUndefined();
  });

  it.each(['2026-12-02T04:10:00Z', '2026-12-02T04:10:00+02:00', 'yesterday', '2026-12-02', '04:10'])(
    'passes %s on as typed, for the API to accept or refuse',
    (value) => {
      expect(utcInputToIso(value)).toBe(value);
    },
  );
});

describe('apiQuery', () => {
  it('converts the times, keeps the rest, and leaves out what is empty', () => {
    const params = apiQuery({ type: 'order.created', tenantId: undefined, since: '2026-12-02T04:10', until: undefined, cursor: 'abc' });
    expect([...params]).toEqual([
      ['type', 'order.created'],
      ['since', '2026-12-02T04:10:00Z'],
      ['cursor', 'abc'],
    ]);
  });

  it('converts only the fields named as times', () => {
    expect(apiQuery({ note: '2026-12-02T04:10' }).get('note')).toBe('2026-12-02T04:10');
    expect(apiQuery({ from: '2026-12-02T04:10' }, ['from']).get('from')).toBe('2026-12-02T04:10:00Z');
  });
});

describe('bulkMessage', () => {
  it('counts what was redelivered', () => {
    expect(bulkMessage(3, [])).toBe('Redelivered 3 of 3');
    expect(bulkMessage(0, [])).toBe('Redelivered 0 of 0');
  });

  it('names each refusal with its reason', () => {
    expect(bulkMessage(1, [{ id: 'dlv_2', why: 'gone' }])).toBe('Redelivered 1 of 2; refused: dlv_2 (gone)');
  });

  it('names five refusals at most and counts the rest', () => {
    const refused = Array.from({ length: 7 }, (_, i) => ({ id: `dlv_${i}`, why: 'pending' }));
    const message = bulkMessage(0, refused);
    expect(message).toBe(
      'Redelivered 0 of 7; refused: dlv_0 (pending); dlv_1 (pending); dlv_2 (pending); dlv_3 (pending); dlv_4 (pending) and 2 more',
    );
  });
});

describe('isV1Path', () => {
  it.each(['/v1/subscriptions/sub_1/recoveries/rec_1', '/v1/operations/op-1'])('follows %s', (location) => {
    expect(isV1Path(location)).toBe(true);
  });

  it.each([
    'https://evil.example/v1/x',
    '//evil.example/v1/x',
    '/v1//evil',
    '/v1/../console',
    '/console/dead-letters',
    '/v1/x?redirect=https://evil.example',
    '/v1/',
    'v1/x',
    '',
  ])('refuses %s', (location) => {
    expect(isV1Path(location)).toBe(false);
  });
});

// The chaos run's arithmetic: a wrong count here would hide a lost delivery.
import { describe, expect, it } from 'vitest';
import { isDrained, tally, type AcceptedEvent, type Receipt, type RecordedDelivery } from '../chaos/report.js';

const accepted: AcceptedEvent[] = [
  { seq: 0, eventId: 'evt_0' },
  { seq: 1, eventId: 'evt_1' },
];
const receivers = ['sub_a', 'sub_b'];
const receipt = (receiver: string, seq: number, extra: Partial<Receipt> = {}): Receipt => ({
  receiver,
  seq,
  webhookId: `evt_${seq}`,
  signatureValid: true,
  ...extra,
});
const recorded = (eventId: string, receiver: string, status: RecordedDelivery['status'], lastError: string | null = null): RecordedDelivery => ({
  eventId,
  receiver,
  status,
  lastError,
});

describe('tally', () => {
  it('counts every expected delivery once: delivered, dead or lost', () => {
    const result = tally({
      accepted,
      receivers,
      receipts: [receipt('sub_a', 0), receipt('sub_b', 0), receipt('sub_a', 1)],
      recorded: [
        recorded('evt_0', 'sub_a', 'succeeded'),
        recorded('evt_0', 'sub_b', 'succeeded'),
        recorded('evt_1', 'sub_a', 'succeeded'),
        recorded('evt_1', 'sub_b', 'dead', 'HTTP 500 from http://127.0.0.1/webhook'),
      ],
    });
    expect(result).toMatchObject({
      eventsAccepted: 2,
      deliveriesExpected: 4,
      delivered: 3,
      deadLettered: 1,
      deadReasons: { 'HTTP 500 from http://127.0.0.1/webhook': 1 },
      lost: 0,
      duplicateReceipts: 0,
    });
  });

  it('calls lost what was neither received nor dead-lettered, including a success no receiver saw', () => {
    const result = tally({
      accepted,
      receivers,
      receipts: [receipt('sub_a', 0)],
      recorded: [recorded('evt_0', 'sub_a', 'succeeded'), recorded('evt_0', 'sub_b', 'succeeded'), recorded('evt_1', 'sub_a', 'pending')],
    });
    expect(result.lost).toBe(3);
    expect(result.succeededWithoutReceipt).toBe(1);
    expect(result.lostExamples).toEqual(['evt_0 → sub_b: recorded succeeded', 'evt_1 → sub_a: recorded pending', 'evt_1 → sub_b: not recorded']);
  });

  it('counts repeats at one receiver as duplicates, and checks each carries the event id and a valid signature', () => {
    const result = tally({
      accepted: [accepted[0]!],
      receivers: ['sub_a'],
      receipts: [
        receipt('sub_a', 0),
        receipt('sub_a', 0),
        receipt('sub_a', 0, { webhookId: 'evt_other' }),
        receipt('sub_a', 0, { signatureValid: false }),
        receipt('sub_a', 7),
      ],
      recorded: [recorded('evt_0', 'sub_a', 'succeeded')],
    });
    expect(result.delivered).toBe(1);
    expect(result.duplicateReceipts).toBe(3);
    expect(result.duplicateRate).toBe(3);
    expect(result.webhookIdMismatches).toBe(1);
    expect(result.invalidSignatures).toBe(1);
    expect(result.unexpectedReceipts).toBe(1);
  });

  it('prefers a receipt over a dead record: the receiver has the event', () => {
    const result = tally({
      accepted: [accepted[0]!],
      receivers: ['sub_a'],
      receipts: [receipt('sub_a', 0)],
      recorded: [recorded('evt_0', 'sub_a', 'dead', 'timeout after 2 s')],
    });
    expect(result).toMatchObject({ delivered: 1, deadLettered: 0, lost: 0 });
  });
});

describe('isDrained', () => {
  it('is true only when every expected delivery is settled in the database', () => {
    const settled = [recorded('evt_0', 'sub_a', 'succeeded'), recorded('evt_0', 'sub_b', 'dead'), recorded('evt_1', 'sub_a', 'succeeded')];
    expect(isDrained({ accepted, receivers, recorded: settled })).toBe(false);
    expect(isDrained({ accepted, receivers, recorded: [...settled, recorded('evt_1', 'sub_b', 'pending')] })).toBe(false);
    expect(isDrained({ accepted, receivers, recorded: [...settled, recorded('evt_1', 'sub_b', 'succeeded')] })).toBe(true);
    expect(isDrained({ accepted: [], receivers, recorded: [] })).toBe(true);
  });
});

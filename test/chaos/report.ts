// The chaos run's verdict, from three independent records: what producers
// were told was accepted, what receivers actually processed, and what
// hookflow's database says of each delivery. Pure, so it is unit-tested.

export interface AcceptedEvent {
  seq: number;
  eventId: string;
}

/** A request a receiver processed (answered 2xx, possibly too late for the sender). */
export interface Receipt {
  receiver: string;
  seq: number;
  webhookId: string;
  signatureValid: boolean;
}

export interface RecordedDelivery {
  eventId: string;
  receiver: string;
  status: 'pending' | 'succeeded' | 'dead';
  lastError: string | null;
}

export interface Tally {
  eventsAccepted: number;
  deliveriesExpected: number;
  delivered: number;
  deadLettered: number;
  deadReasons: Record<string, number>;
  /** Expected deliveries neither received nor dead-lettered. Must be 0. */
  lost: number;
  /** Examples of lost deliveries, to start an investigation from. */
  lostExamples: string[];
  /** Recorded as succeeded though the receiver never processed it; each is also counted in `lost`. */
  succeededWithoutReceipt: number;
  /** Receipts beyond the first for the same event at the same receiver (at-least-once). */
  duplicateReceipts: number;
  duplicateRate: number;
  /** Receipts whose webhook-id differs from the event's id (a duplicate must carry the same id). Must be 0. */
  webhookIdMismatches: number;
  /** Receipts whose signature did not verify. Must be 0. */
  invalidSignatures: number;
  /** Receipts for events no producer was told were accepted. Must be 0. */
  unexpectedReceipts: number;
}

export function tally(input: {
  accepted: readonly AcceptedEvent[];
  receivers: readonly string[];
  receipts: readonly Receipt[];
  recorded: readonly RecordedDelivery[];
}): Tally {
  const eventIdBySeq = new Map(input.accepted.map((event) => [event.seq, event.eventId]));
  const receiptsByPair = new Map<string, Receipt[]>();
  let webhookIdMismatches = 0;
  let invalidSignatures = 0;
  let unexpectedReceipts = 0;
  for (const receipt of input.receipts) {
    const eventId = eventIdBySeq.get(receipt.seq);
    if (eventId === undefined) {
      unexpectedReceipts++;
      continue;
    }
    if (receipt.webhookId !== eventId) webhookIdMismatches++;
    if (!receipt.signatureValid) invalidSignatures++;
    const key = pairKey(eventId, receipt.receiver);
    const list = receiptsByPair.get(key) ?? [];
    list.push(receipt);
    receiptsByPair.set(key, list);
  }
  const recordedByPair = new Map(input.recorded.map((delivery) => [pairKey(delivery.eventId, delivery.receiver), delivery]));

  let delivered = 0;
  let deadLettered = 0;
  let lost = 0;
  let succeededWithoutReceipt = 0;
  let duplicateReceipts = 0;
  const deadReasons: Record<string, number> = {};
  const lostExamples: string[] = [];
  for (const { eventId } of input.accepted) {
    for (const receiver of input.receivers) {
      const key = pairKey(eventId, receiver);
      const receipts = receiptsByPair.get(key) ?? [];
      const recorded = recordedByPair.get(key);
      if (receipts.length > 0) {
        delivered++;
        duplicateReceipts += receipts.length - 1;
        continue;
      }
      if (recorded?.status === 'dead') {
        deadLettered++;
        const reason = recorded.lastError ?? 'unknown';
        deadReasons[reason] = (deadReasons[reason] ?? 0) + 1;
        continue;
      }
      if (recorded?.status === 'succeeded') succeededWithoutReceipt++;
      lost++;
      if (lostExamples.length < 10) lostExamples.push(`${eventId} → ${receiver}: ${recorded ? `recorded ${recorded.status}` : 'not recorded'}`);
    }
  }
  const deliveriesExpected = input.accepted.length * input.receivers.length;
  return {
    eventsAccepted: input.accepted.length,
    deliveriesExpected,
    delivered,
    deadLettered,
    deadReasons,
    lost,
    lostExamples,
    succeededWithoutReceipt,
    duplicateReceipts,
    duplicateRate: delivered === 0 ? 0 : duplicateReceipts / delivered,
    webhookIdMismatches,
    invalidSignatures,
    unexpectedReceipts,
  };
}

/** Every expected delivery is settled in the database: received and recorded, or dead-lettered. */
export function isDrained(input: {
  accepted: readonly AcceptedEvent[];
  receivers: readonly string[];
  recorded: readonly RecordedDelivery[];
}): boolean {
  const settled = new Set(input.recorded.filter((d) => d.status !== 'pending').map((d) => pairKey(d.eventId, d.receiver)));
  return input.accepted.every(({ eventId }) => input.receivers.every((receiver) => settled.has(pairKey(eventId, receiver))));
}

function pairKey(eventId: string, receiver: string): string {
  return `${eventId}\u0000${receiver}`;
}

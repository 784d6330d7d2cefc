// The chaos run's order check for fifo subscribers (--fifo): each receiver's
// receipts, in the order it processed them, against the order hookflow
// accepted the events (events.created_at, then id: the fifo stream's key).
// Pure, so it is unit-tested.
import { checkFifoOrder } from '../support/fifo-order.js';
import type { Receipt } from './report.js';

export interface OrderTally {
  /** Receipts (back-to-back repeats collapsed) that came after a later-accepted event's, per receiver. */
  outOfOrder: Record<string, number>;
  /** A few of them, as "receiver: event rank after rank", to start an investigation from. */
  examples: string[];
}

/** `acceptedOrder`: every event id in acceptance order. */
export function tallyOrder(receipts: readonly Receipt[], acceptedOrder: readonly string[]): OrderTally {
  const rank = new Map(acceptedOrder.map((id, i) => [id, i] as const));
  const byReceiver = new Map<string, number[]>();
  for (const receipt of receipts) {
    const position = rank.get(receipt.webhookId);
    if (position === undefined) continue; // not an accepted event: the main tally reports it
    byReceiver.set(receipt.receiver, [...(byReceiver.get(receipt.receiver) ?? []), position]);
  }
  const outOfOrder: Record<string, number> = {};
  const examples: string[] = [];
  for (const [receiver, positions] of byReceiver) {
    const found = checkFifoOrder(positions).outOfOrder;
    outOfOrder[receiver] = found.length;
    examples.push(...found.slice(0, 3).map(([late, after]) => `${receiver}: event #${late} after #${after}`));
  }
  return { outOfOrder, examples };
}

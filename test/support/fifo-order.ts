// Checks what a fifo receiver got against publish order. Receipts are the
// publish positions (0, 1, 2, …) of the requests in the order they arrived.
// A repeat of the request just before is a retry or an at-least-once resend
// of the head, which ordered delivery allows; anything arriving after a later
// position has is out of order.
export interface OrderCheck {
  /** Receipts in arrival order with back-to-back repeats collapsed. */
  sequence: number[];
  /** Each receipt that arrived after a later position had: [its position, the later one before it]. */
  outOfOrder: Array<[number, number]>;
}

export function checkFifoOrder(receipts: readonly number[]): OrderCheck {
  const sequence = receipts.filter((position, i) => i === 0 || position !== receipts[i - 1]);
  const outOfOrder: Array<[number, number]> = [];
  let highest = -Infinity;
  for (const position of sequence) {
    if (position <= highest) outOfOrder.push([position, highest]);
    highest = Math.max(highest, position);
  }
  return { sequence, outOfOrder };
}

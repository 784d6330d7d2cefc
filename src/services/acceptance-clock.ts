// The time an API process stamps on each event it accepts (`createdAt`), made
// strictly increasing within the process: fifo subscriptions are delivered in
// (createdAt, id) order, and two events accepted in the same millisecond must
// still keep the order in which this process accepted them. Above 1,000
// events a second the stamps run ahead of the wall clock, and fall back to it
// as soon as the rate drops.
export function createAcceptanceClock(now: () => number = Date.now): () => Date {
  let last = -Infinity;
  return () => {
    last = Math.max(now(), last + 1);
    return new Date(last);
  };
}

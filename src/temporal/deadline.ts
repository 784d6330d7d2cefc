// A Temporal call that answers within its deadline, Temporal up or not. The
// SDK's gRPC retry interceptor sleeps between attempts without looking at the
// deadline, so a call to an unreachable server can overshoot it by seconds
// (up to the 5 s backoff cap); the wait is cut at the deadline itself.
import type { Client } from '@temporalio/client';

export class TemporalDeadlineError extends Error {
  constructor(ms: number) {
    super(`Temporal did not answer within ${ms} ms`);
    this.name = 'TemporalDeadlineError';
  }
}

export async function withinDeadline<T>(temporal: Client, ms: number, call: () => Promise<T>): Promise<T> {
  // The gRPC deadline too: no attempt is sent once it has passed.
  const pending = temporal.connection.withDeadline(Date.now() + ms, call);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TemporalDeadlineError(ms)), ms);
  });
  try {
    return await Promise.race([pending, expired]);
  } finally {
    clearTimeout(timer);
    // Whatever the abandoned call ends with, nobody waits for it any more.
    pending.catch(() => {});
  }
}

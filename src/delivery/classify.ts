// What an HTTP answer means for a delivery, pure. Redirects are never
// followed, so a 3xx is an ordinary failure; 410 Gone is the receiver saying
// "stop", which no amount of retrying will change.

export type AttemptOutcome = 'succeeded' | 'retryable' | 'permanent';

export function classifyStatus(statusCode: number): AttemptOutcome {
  if (statusCode >= 200 && statusCode < 300) return 'succeeded';
  if (statusCode === 410) return 'permanent';
  return 'retryable';
}

/** Statuses whose `Retry-After` header we honour. */
export function honoursRetryAfter(statusCode: number): boolean {
  return statusCode === 429 || statusCode === 503;
}

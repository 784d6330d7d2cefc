// What an HTTP answer means for a delivery, pure. Redirects are never
// followed, so a 3xx is an ordinary failure. The one place of the 410 rule:
// 410 Gone is the receiver saying "stop", which no amount of retrying will
// change; the delivery gives up and the subscription is disabled
// (src/delivery/attempt-decision.ts).

export type StatusClass = 'succeeded' | 'retryable' | 'gone';

export function classifyStatus(statusCode: number): StatusClass {
  if (statusCode >= 200 && statusCode < 300) return 'succeeded';
  if (statusCode === 410) return 'gone';
  return 'retryable';
}

/** Statuses whose `Retry-After` header we honour. */
export function honoursRetryAfter(statusCode: number): boolean {
  return statusCode === 429 || statusCode === 503;
}

// One signed webhook request, built and sent the same way for a delivery
// attempt and for a test send: the subscription's headers, the Standard
// Webhooks signature set, then a POST through the SSRF-guarded dispatcher
// with the subscription's timeout. It answers what happened, never throws
// for the receiver's sake: no answer, a refused target and an HTTP error are
// all outcomes to record or show.
import type { Dispatcher } from 'undici';
import { webhookHeaders } from '../src/delivery/signing.js';
import { ForbiddenTargetError } from '../src/net/guarded-connect.js';
import { describeNetworkError, postWebhook, type PostResult } from './http-post.js';

export interface WebhookMessage {
  url: string;
  /** The subscription's own headers (never the reserved ones; the schema refuses those). */
  customHeaders: Record<string, string>;
  /** The opened signing keys, current first (see signingSecrets). */
  signingKeys: readonly string[];
  webhookId: string;
  body: string;
  userAgent: string;
  timeoutMs: number;
  /** Headers outside the signature, e.g. a test send's marker. */
  unsignedHeaders?: Record<string, string>;
}

/** What the POST came back with: an answer, or why there was none. */
export interface SendOutcome {
  startedAt: Date;
  durationMs: number;
  result: PostResult | undefined;
  networkError: string | undefined;
  /** The SSRF guard refused the target (the URL itself or an address it resolved to). */
  forbidden: boolean;
  /** The headers of the request (signed, before the transport adds its own and the trace context). */
  requestHeaders: Record<string, string>;
}

export function signedRequestHeaders(message: WebhookMessage): Record<string, string> {
  return {
    ...message.customHeaders,
    ...webhookHeaders(message.signingKeys, {
      webhookId: message.webhookId,
      timestamp: Math.floor(Date.now() / 1000),
      body: message.body,
    }),
    ...message.unsignedHeaders,
    'content-type': 'application/json',
    'user-agent': message.userAgent,
  };
}

/**
 * Signs and POSTs the message through `http`, the SSRF-guarded agent
 * (createGuardedAgent): when the guard refuses the URL or an address it
 * resolves to, nothing is sent and the outcome says why.
 */
export async function sendSignedWebhook(http: Dispatcher, message: WebhookMessage): Promise<SendOutcome> {
  const headers = signedRequestHeaders(message);
  const startedAt = new Date();
  let result: PostResult | undefined;
  let networkError: string | undefined;
  let forbidden = false;
  try {
    result = await postWebhook(http, { url: message.url, headers, body: message.body, timeoutMs: message.timeoutMs });
  } catch (error) {
    const refusal = forbiddenTargetIn(error);
    forbidden = refusal !== undefined;
    networkError = refusal?.message ?? describeNetworkError(error);
  }
  return { startedAt, durationMs: Date.now() - startedAt.getTime(), result, networkError, forbidden, requestHeaders: headers };
}

/** The guard's refusal, whether thrown directly or wrapped by undici as a connect error's cause. */
function forbiddenTargetIn(error: unknown): ForbiddenTargetError | undefined {
  for (let e: unknown = error; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) {
    if (e instanceof ForbiddenTargetError) return e;
  }
  return undefined;
}

// The send phase: the signed POST through the SSRF-guarded agent, with the
// in-flight gauge and the attempt metrics around it.
import type { Dispatcher } from 'undici';
import { classifyStatus } from '../../src/delivery/classify.js';
import { webhookBody } from '../../src/delivery/payload.js';
import { statusClass, type HookflowMetrics } from '../../src/metrics/metrics.js';
import { sendSignedWebhook, type SendOutcome } from '../webhook-send.js';
import type { LoadedAttempt } from './load.js';

export interface SendDeps {
  /** The SSRF-guarded agent (createGuardedAgent): it refuses forbidden targets, and the outcome says so. */
  http: Dispatcher;
  userAgent: string;
  metrics: HookflowMetrics;
}

/** What the send phase came back with, and whether it counts as delivered. */
export interface Sent extends SendOutcome {
  succeeded: boolean;
  /** The request body's size in bytes (the tenant's usage counts it when delivered). */
  bodyBytes: number;
}

export async function sendAttempt(deps: SendDeps, { target, signingKeys }: LoadedAttempt, timeoutMs: number): Promise<Sent> {
  const body = webhookBody({ type: target.eventType, createdAt: target.eventCreatedAt, payload: target.payload });
  deps.metrics.inFlight.inc();
  const sent = await sendSignedWebhook(deps.http, {
    url: target.url,
    customHeaders: target.headers,
    signingKeys,
    webhookId: target.eventId,
    body,
    userAgent: deps.userAgent,
    timeoutMs,
  }).finally(() => deps.metrics.inFlight.dec());
  const succeeded = sent.result !== undefined && classifyStatus(sent.result.statusCode) === 'succeeded';
  const outcome = succeeded ? 'succeeded' : 'failed';
  deps.metrics.attempts.inc({ outcome, status_class: statusClass(sent.result?.statusCode) });
  deps.metrics.attemptDuration.observe({ outcome }, sent.durationMs / 1000);
  return { ...sent, succeeded, bodyBytes: Buffer.byteLength(body) };
}

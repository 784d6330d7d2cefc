// OpenTelemetry tracing end to end, real parts only: the API's request span,
// the event workflow's start and run, the first attempt's local activity and
// the webhook POST are one trace, exported over OTLP/HTTP to a collector on
// loopback, and the receiver gets that trace's `traceparent` with a signature
// that still verifies. No key, secret or payload reaches the collector.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/telemetry/tracing.js';
import { deliveryWorkflowId, eventWorkflowId } from '../../workflows/definitions.js';
import { OTLP_SPAN_KIND, startOtlpCollector, type CollectedSpan, type OtlpCollector } from '../support/otlp-collector.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

const SERVICE_NAME = 'hookflow-tracing-test';

let collector: OtlpCollector;
let tracing: Tracing;
let stack: TestStack;
let receiver: Receiver;
/** Fails the first request, then answers 200: the retry is a delivery workflow's. */
let flaky: Receiver;

beforeAll(async () => {
  collector = await startOtlpCollector();
  // The process's global tracer provider: this file runs in a process of its own.
  tracing = startTracing({ endpoint: collector.endpoint, serviceName: SERVICE_NAME });
  stack = await startTestStack({ retryScheduleSeconds: [0.2], tracing });
  receiver = await startReceiver();
  flaky = await startReceiver((n) => (n === 1 ? { status: 503, body: 'not yet' } : { status: 200, body: 'ok' }));
});

afterAll(async () => {
  await stack?.close();
  await tracing?.shutdown();
  await Promise.all([receiver?.close(), flaky?.close()]);
  await collector?.close();
});

/** Flushes until the collector has spans of each name in the trace; returns the trace's spans. */
async function collectedTrace(traceId: string, wanted: string[]): Promise<CollectedSpan[]> {
  // Workflow spans arrive through the worker's sink once the workflow task completes.
  return waitFor(`trace ${traceId} with ${wanted.join(', ')}`, async () => {
    await tracing.flush();
    const spans = collector.spans.filter((s) => s.traceId === traceId);
    return wanted.every((name) => spans.some((s) => s.name === name)) ? spans : undefined;
  });
}

/** The trace id and parent span id of a W3C traceparent. */
function parseTraceparent(value: unknown): { traceId: string; spanId: string } {
  expect(value).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const [, traceId, spanId] = (value as string).split('-');
  return { traceId: traceId!, spanId: spanId! };
}

/** The span's ancestors' names, nearest first, as far as the collector has them. */
function ancestry(span: CollectedSpan, spans: CollectedSpan[]): string[] {
  const names: string[] = [];
  for (let parentId = span.parentSpanId; parentId !== undefined;) {
    const parent = spans.find((s) => s.spanId === parentId);
    if (!parent) {
      names.push(`(missing ${parentId})`);
      break;
    }
    names.push(parent.name);
    parentId = parent.parentSpanId;
  }
  return names;
}

describe('tracing', () => {
  it('follows one event from POST /v1/events through its workflow and first attempt to the receiver', async () => {
    const type = `${uniqueName('traced')}.created`;
    const created = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type] });
    expect(created.status).toBe(201);
    const signingSecret: string = created.body.secret;
    const payloadMarker = uniqueName('payload_marker');

    const published = await stack.api('POST', '/v1/events', { type, payload: { marker: payloadMarker } });
    expect(published.status).toBe(202);
    await stack.temporal.workflow.getHandle(eventWorkflowId(published.body.id)).result();

    // The receiver got the active span's context, and the signature still verifies.
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    const { traceId, spanId: postSpanId } = parseTraceparent(request.headers.traceparent);
    expect(() => new Webhook(signingSecret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();

    const trace = await collectedTrace(traceId, [
      'POST /v1/events',
      'StartWorkflow:eventWorkflow',
      'RunWorkflow:eventWorkflow',
      'RunActivity:recordEvent',
      'POST webhook',
    ]);
    expect(collector.rejected).toEqual([]);

    // The receiver's parent is the POST span, which descends from the API's
    // request span through the workflow and the activity.
    const post = trace.find((s) => s.spanId === postSpanId);
    expect(post?.name).toBe('POST webhook');
    expect(ancestry(post!, trace)).toEqual([
      'RunActivity:recordEvent',
      'StartActivity:recordEvent',
      'RunWorkflow:eventWorkflow',
      'StartWorkflow:eventWorkflow',
      'POST /v1/events',
    ]);
    expect(post).toMatchObject({
      kind: OTLP_SPAN_KIND.client,
      serviceName: SERVICE_NAME,
      attributes: { 'http.request.method': 'POST', 'server.address': '127.0.0.1', 'http.response.status_code': 200 },
    });
    const apiSpan = trace.find((s) => s.name === 'POST /v1/events')!;
    expect(apiSpan).toMatchObject({
      parentSpanId: undefined,
      kind: OTLP_SPAN_KIND.server,
      attributes: { 'http.request.method': 'POST', 'http.route': '/v1/events', 'http.response.status_code': 202 },
    });

    // Nothing secret went to the collector: not the API key, the signing
    // secret, the payload, the Authorization header or the receiver's path.
    const exported = collector.rawBodies.join('\n');
    for (const secret of [
      stack.adminKey,
      signingSecret,
      signingSecret.replace(/^whsec_/, ''),
      payloadMarker,
      'Bearer',
      new URL(receiver.url).pathname,
    ]) {
      expect(exported).not.toContain(secret);
    }
  });

  it("keeps a retried delivery in the event's trace: the delivery workflow and its deliver activity", async () => {
    const type = `${uniqueName('retried')}.created`;
    const created = await stack.api('POST', '/v1/subscriptions', { url: flaky.url, eventTypes: [type] });
    expect(created.status).toBe(201);
    const published = await stack.api('POST', '/v1/events', { type, payload: { n: 1 } });
    expect(published.status).toBe(202);
    // The event workflow starts the delivery workflow after the failed first attempt.
    await stack.temporal.workflow.getHandle(eventWorkflowId(published.body.id)).result();
    await stack.temporal.workflow.getHandle(deliveryWorkflowId(published.body.id, created.body.id)).result();

    expect(flaky.requests).toHaveLength(2);
    const [first, retry] = flaky.requests.map((r) => parseTraceparent(r.headers.traceparent));
    expect(retry!.traceId).toBe(first!.traceId);
    const trace = await collectedTrace(first!.traceId, ['POST /v1/events', 'RunWorkflow:deliveryWorkflow', 'RunActivity:deliver']);
    const retryPost = trace.find((s) => s.spanId === retry!.spanId);
    expect(retryPost).toMatchObject({ name: 'POST webhook', attributes: { 'http.response.status_code': 200 } });
    expect(ancestry(retryPost!, trace)).toEqual([
      'RunActivity:deliver',
      'StartActivity:deliver',
      'RunWorkflow:deliveryWorkflow',
      'StartChildWorkflow:deliveryWorkflow',
      'RunWorkflow:eventWorkflow',
      'StartWorkflow:eventWorkflow',
      'POST /v1/events',
    ]);
    // The failed first attempt's span says so.
    expect(trace.find((s) => s.spanId === first!.spanId)?.attributes['http.response.status_code']).toBe(503);
  });
});

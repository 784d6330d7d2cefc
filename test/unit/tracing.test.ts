// The API's request spans, through the real OpenTelemetry SDK into its
// in-memory exporter: named after the route pattern, with method and status,
// continuing a caller's traceparent, and carrying no header value.
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceRequests } from '../../src/api/middleware/tracing.js';
import type { AppEnv } from '../../src/api/env.js';
import { tracesUrl } from '../../src/telemetry/tracing.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');

// As startTracing does: the context manager and the W3C propagator (this file's process only).
beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

function app(): Hono<AppEnv> {
  const hono = new Hono<AppEnv>();
  hono.use('*', traceRequests(tracer));
  hono.use('/v1/*', async (c, next) => (c.req.header('authorization') === 'Bearer good' ? next() : c.text('no', 401)));
  hono.get('/v1/things/:id', (c) => c.json({ id: c.req.param('id') }));
  hono.post('/v1/boom', () => {
    throw new Error('boom');
  });
  hono.onError((_, c) => c.text('internal', 500));
  return hono;
}

describe('request spans', () => {
  it('name the route pattern and record method and status, not headers, query or ids', async () => {
    exporter.reset();
    const response = await app().request('/v1/things/thing_secretish?token=abc', { headers: { authorization: 'Bearer good' } });
    expect(response.status).toBe(200);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('GET /v1/things/:id');
    expect(span?.attributes).toEqual({ 'http.request.method': 'GET', 'http.route': '/v1/things/:id', 'http.response.status_code': 200 });
    expect(JSON.stringify(span?.attributes)).not.toMatch(/good|abc|thing_secretish/);
  });

  it('keep the route when a middleware refuses the request, and mark 5xx as errors', async () => {
    exporter.reset();
    expect((await app().request('/v1/things/1')).status).toBe(401);
    expect((await app().request('/v1/boom', { method: 'POST', headers: { authorization: 'Bearer good' } })).status).toBe(500);
    const [refused, failed] = exporter.getFinishedSpans();
    expect(refused?.name).toBe('GET /v1/things/:id');
    expect(refused?.attributes['http.response.status_code']).toBe(401);
    expect(refused?.status.code).toBe(0); // UNSET: a 4xx is the caller's
    expect(failed?.name).toBe('POST /v1/boom');
    expect(failed?.status.code).toBe(2); // ERROR
  });

  it("continue a caller's traceparent", async () => {
    exporter.reset();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await app().request('/v1/things/1', { headers: { authorization: 'Bearer good', traceparent } });
    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span?.parentSpanId).toBe('b7ad6b7169203331');
  });
});

describe('tracesUrl', () => {
  it.each([
    ['http://collector:4318', 'http://collector:4318/v1/traces'],
    ['http://collector:4318/', 'http://collector:4318/v1/traces'],
    ['https://otel.example.com/prefix', 'https://otel.example.com/prefix/v1/traces'],
  ])('%s → %s', (endpoint, url) => {
    expect(tracesUrl(endpoint)).toBe(url);
  });
});

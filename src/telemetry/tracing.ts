// The process's OpenTelemetry tracing: one tracer provider, registered as the
// global one (so @opentelemetry/api calls anywhere in the process, Temporal's
// interceptors included, reach it), batching spans to an OTLP/HTTP collector.
// Started only when OTEL_EXPORTER_OTLP_ENDPOINT is set: without it nothing of
// the SDK runs and the API's calls are OpenTelemetry's no-ops.
import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { ClientInterceptors } from '@temporalio/client';
import { VERSION } from '../version.js';
import { TRACER_NAME } from './names.js';
import { tracingClientInterceptors, tracingWorkerOptions, type TracingWorkerOptions } from './temporal-tracing.js';

export interface Tracing {
  /** hookflow's own spans (the API's request spans). */
  tracer: Tracer;
  /**
   * For this process's Temporal clients and workers (src/telemetry/temporal-tracing.ts).
   * Here, so that only a traced process loads Temporal's OpenTelemetry package.
   */
  temporal: { client: ClientInterceptors; worker: TracingWorkerOptions };
  /** Exports every span ended so far. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting: the last step of a stop. */
  shutdown(): Promise<void>;
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is a base URL; traces go to its /v1/traces, as the OTLP specification says. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** Once per process: the global provider can be registered only once. */
export function startTracing(options: { endpoint: string; serviceName: string }): Tracing {
  const resource = Resource.default().merge(new Resource({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: VERSION }));
  // The OTLP/HTTP exporter's JSON encoding: readable by any collector, and by the tests.
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.endpoint) }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The AsyncLocalStorage context manager (the active span follows awaits) and
  // the W3C traceparent propagator, which Temporal's interceptors use too.
  provider.register();
  return {
    tracer: trace.getTracer(TRACER_NAME, VERSION),
    temporal: { client: tracingClientInterceptors(), worker: tracingWorkerOptions(spanProcessor, resource) },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

// Trace context across Temporal, with the SDK's own OpenTelemetry interceptors:
// the client puts the caller's span into the workflow start's headers, the
// workflow's spans (made inside the sandbox, which cannot export) leave through
// a sink, and every activity, local ones included, runs in a span whose parent
// came in the activity's headers. That last span is what the webhook POST
// continues (activities/http-post.ts).
import { createRequire } from 'node:module';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';

/**
 * The package's workflow interceptor module, bundled into the workflow code
 * only when tracing is on. It is the library's, not ours, and made for the
 * sandbox (OpenTelemetry's API and span classes with a context manager of its
 * own, no Node module); test/unit/workflow-code.test.ts bundles it to check.
 */
export const WORKFLOW_TRACING_MODULE = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** For every Temporal client of a traced process: starts and signals carry the active span. */
export function tracingClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

export type TracingWorkerOptions = Pick<WorkerOptions, 'interceptors' | 'sinks'>;

/** What Worker.create needs on top of hookflow's options to trace workflows and activities. */
export function tracingWorkerOptions(spanProcessor: SpanProcessor, resource: Resource): TracingWorkerOptions {
  // The workflow's spans reach the process's span processor, and so the same exporter.
  const sinks: InjectedSinks<OpenTelemetrySinks> = { exporter: makeWorkflowExporter(spanProcessor, resource) };
  return {
    interceptors: {
      workflowModules: [WORKFLOW_TRACING_MODULE],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          // Puts trace_id and span_id on the SDK's activity log lines.
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks,
  };
}

// The name hookflow's own spans are made under, apart from tracing.ts so that
// code making spans does not load the OpenTelemetry SDK.
export const TRACER_NAME = 'hookflow';

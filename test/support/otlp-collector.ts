// A real OTLP/HTTP trace collector on loopback: it takes what hookflow's
// exporter sends to /v1/traces (the JSON encoding), checks its shape and keeps
// every span, and the raw bodies too, so a test can look for what must not be there.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

// OTLP's AnyValue, as far as span attributes use it (the JSON encoding writes 64-bit integers as strings).
const anyValueSchema = z.object({
  stringValue: z.string().optional(),
  intValue: z.union([z.string(), z.number()]).optional(),
  doubleValue: z.number().optional(),
  boolValue: z.boolean().optional(),
});
const keyValuesSchema = z.array(z.object({ key: z.string(), value: anyValueSchema })).default([]);
const hexId = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));

const spanSchema = z.object({
  traceId: hexId(16),
  spanId: hexId(8),
  // Absent or empty on a root span.
  parentSpanId: z.union([hexId(8), z.literal('')]).optional(),
  name: z.string(),
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: z.number().int(),
  attributes: keyValuesSchema,
});

export const exportTraceRequestSchema = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: keyValuesSchema }).optional(),
      scopeSpans: z.array(z.object({ spans: z.array(spanSchema).default([]) })).default([]),
    }),
  ),
});

export const OTLP_SPAN_KIND = { server: 2, client: 3 } as const;

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean | undefined>;
  serviceName: string | undefined;
}

export interface OtlpCollector {
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  endpoint: string;
  spans: CollectedSpan[];
  /** Every request body as received (decompressed). */
  rawBodies: string[];
  /** Requests that were not a valid OTLP JSON trace export, with why. */
  rejected: string[];
  close(): Promise<void>;
}

function attributesOf(keyValues: z.infer<typeof keyValuesSchema>): CollectedSpan['attributes'] {
  return Object.fromEntries(
    keyValues.map(({ key, value }) => [
      key,
      value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.doubleValue ?? value.boolValue,
    ]),
  );
}

export async function startOtlpCollector(): Promise<OtlpCollector> {
  const spans: CollectedSpan[] = [];
  const rawBodies: string[] = [];
  const rejected: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reject = (why: string) => {
        rejected.push(why);
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: why }));
      };
      if (req.method !== 'POST' || req.url !== '/v1/traces') return reject(`${req.method} ${req.url}`);
      if (!req.headers['content-type']?.startsWith('application/json')) return reject(`content-type ${req.headers['content-type']}`);
      const buffer = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(buffer) : buffer).toString('utf8');
      rawBodies.push(body);
      const parsed = exportTraceRequestSchema.safeParse(JSON.parse(body));
      if (!parsed.success) return reject(parsed.error.message);
      for (const resourceSpans of parsed.data.resourceSpans) {
        const serviceName = attributesOf(resourceSpans.resource?.attributes ?? [])['service.name'];
        for (const scopeSpans of resourceSpans.scopeSpans) {
          for (const span of scopeSpans.spans) {
            spans.push({
              ...span,
              parentSpanId: span.parentSpanId || undefined,
              attributes: attributesOf(span.attributes),
              serviceName: typeof serviceName === 'string' ? serviceName : undefined,
            });
          }
        }
      }
      // An empty ExportTraceServiceResponse: everything accepted.
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    rawBodies,
    rejected,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

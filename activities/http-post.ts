// One webhook POST over undici: a hard timeout, no redirects followed (undici's
// request never follows them), and only the first KiB of the answer kept.
// With tracing on, it is a client span whose W3C `traceparent` goes to the
// receiver; with tracing off, both are OpenTelemetry's no-ops.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import { request, type Dispatcher } from 'undici';
import { TRACER_NAME } from '../src/telemetry/names.js';

export const RESPONSE_PREVIEW_BYTES = 1024;

export interface PostResult {
  statusCode: number;
  retryAfter: string | undefined;
  responsePreview: string;
}

export class PostTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timeout after ${formatSeconds(timeoutMs)}`);
    this.name = 'PostTimeoutError';
  }
}

type PostOptions = { url: string; headers: Record<string, string>; body: string; timeoutMs: number };

export async function postWebhook(dispatcher: Dispatcher, options: PostOptions): Promise<PostResult> {
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan('POST webhook', { kind: SpanKind.CLIENT, attributes: targetAttributes(options.url) }, async (span) => {
    // Added after signing: the signature covers id, timestamp and body only.
    const headers = { ...options.headers };
    propagation.inject(context.active(), headers);
    try {
      const result = await post(dispatcher, { ...options, headers });
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.statusCode);
      if (result.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
      return result;
    } catch (error) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeNetworkError(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Where the POST went, without its path, query or userinfo: receivers put
 * tokens in all three (https://hooks.example.com/services/T0/B0/secret).
 */
function targetAttributes(url: string): Attributes {
  const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: 'POST' };
  try {
    const parsed = new URL(url);
    const scheme = parsed.protocol.replace(/:$/, '');
    attributes[ATTR_URL_SCHEME] = scheme;
    attributes[ATTR_SERVER_ADDRESS] = parsed.hostname;
    attributes[ATTR_SERVER_PORT] = parsed.port === '' ? (scheme === 'https' ? 443 : 80) : Number(parsed.port);
  } catch {
    // An invalid URL fails in undici and is recorded as the span's error.
  }
  return attributes;
}

/** error.type: undici's or Node's error code (ECONNREFUSED, UND_ERR_SOCKET), else the error's name. */
function errorType(error: unknown): string {
  if (error instanceof PostTimeoutError) return 'timeout';
  if (!(error instanceof Error)) return 'unknown';
  const { code, cause } = error as Error & { code?: unknown; cause?: { code?: unknown } };
  const found = code ?? cause?.code;
  return typeof found === 'string' ? found : error.name;
}

async function post(dispatcher: Dispatcher, options: PostOptions): Promise<PostResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await request(options.url, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      dispatcher,
      signal,
    });
    const responsePreview = await readPreview(response.body);
    const retryAfter = response.headers['retry-after'];
    return {
      statusCode: response.statusCode,
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      responsePreview,
    };
  } catch (error) {
    if (signal.aborted) throw new PostTimeoutError(options.timeoutMs);
    throw error;
  }
}

async function readPreview(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= RESPONSE_PREVIEW_BYTES) break; // leaving the loop destroys the rest of the body
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_PREVIEW_BYTES).toString('utf8');
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** A network failure as one line: the undici/Node error code and message. */
export function describeNetworkError(error: unknown): string {
  if (error instanceof PostTimeoutError) return error.message;
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = (error as Error & { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
    const message = cause instanceof Error && cause.message ? cause.message : error.message;
    return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return String(error);
}

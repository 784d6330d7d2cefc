// One webhook POST over undici: a hard timeout, no redirects followed (undici's
// request never follows them), and only the first KiB of the answer kept.
import { request, type Dispatcher } from 'undici';

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

export async function postWebhook(
  dispatcher: Dispatcher,
  options: { url: string; headers: Record<string, string>; body: string; timeoutMs: number },
): Promise<PostResult> {
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

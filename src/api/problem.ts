// RFC 9457 problem details: every error the API gives has this shape, with a
// stable `type` clients can switch on and, for validation, the fields at fault.
import type { z } from 'zod';

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

const TYPE_BASE = 'https://hookflow.dev/problems/';

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Response headers that belong with this problem (Retry-After, WWW-Authenticate). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ?? title);
  }

  toBody(): ProblemBody {
    return {
      type: TYPE_BASE + this.slug,
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.errors === undefined ? {} : { errors: this.errors }),
    };
  }
}

/** zod issues as `{ path, message }`, the path in JSON-pointer-ish dotted form ("headers.X-Foo"). */
export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.') || '(root)',
    message: issue.message,
  }));
}

export const problems = {
  validation: (errors: FieldError[]) =>
    new Problem(422, 'validation', 'Request is invalid', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors),
  malformedJson: (detail: string) => new Problem(400, 'malformed-json', 'Body is not valid JSON', detail),
  unsupportedMediaType: () => new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'send the body as application/json'),
  payloadTooLarge: (limit: number) => new Problem(413, 'payload-too-large', 'Body too large', `the body may be at most ${limit} bytes`),
  notFound: (what: string, id?: string) =>
    new Problem(404, 'not-found', `${what} not found`, id === undefined ? undefined : `no ${what.toLowerCase()} has id "${id}"`),
  conflict: (detail: string) => new Problem(409, 'conflict', 'Conflict', detail),
  unavailable: (detail: string, retryAfterSeconds: number) =>
    new Problem(503, 'unavailable', 'Service unavailable', detail, undefined, { 'retry-after': String(retryAfterSeconds) }),
  quotaExceeded: (quota: string, limit: number, retryAfterSeconds: number) =>
    new Problem(429, 'quota-exceeded', 'Quota exceeded', `the tenant's quota ${quota} (${limit}) is used up until 00:00 UTC`, undefined, {
      'retry-after': String(retryAfterSeconds),
    }),
  internal: () => new Problem(500, 'internal', 'Internal server error', 'the error has been logged'),
};

// The pages act only through the /v1 API, with the signed-in caller's own
// credential, so a page can do nothing the API would refuse that caller: the
// same validation, tenant scoping, audit and rate limits apply. The request
// goes to the app in-process (no socket).
import type { ProblemBody } from '../api/problem.js';

/** The app's own fetch; `env` is the page request's, so /v1 sees the same peer (the audit trail records it). */
export type V1Fetch = (request: Request, env: unknown) => Response | Promise<Response>;

/** A refusal from /v1, as its problem+json said it. */
export class V1Problem extends Error {
  constructor(readonly problem: ProblemBody) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

/** `location`: the answer's Location header, when it gave one (e.g. a background operation to follow). */
export type V1Result<T> = { ok: true; status: number; data: T; location?: string } | { ok: false; problem: ProblemBody };

export interface V1Client {
  /** A read; a refusal throws V1Problem (the page's error handler shows it). */
  get<T>(path: string): Promise<T>;
  /** A change; a refusal is returned, for the page to show beside the form. */
  send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<V1Result<T>>;
}

// Any origin will do: the request never leaves the process.
const INTERNAL_ORIGIN = 'http://hookflow.internal';

export function v1Client(fetchV1: V1Fetch, credential: string, env: unknown): V1Client {
  async function call<T>(method: string, path: string, body?: unknown): Promise<V1Result<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${credential}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetchV1(
      new Request(INTERNAL_ORIGIN + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
      env,
    );
    if (response.status === 204) return { ok: true, status: 204, data: undefined as T };
    const parsed: unknown = await response.json();
    const location = response.headers.get('location');
    if (response.ok) return { ok: true, status: response.status, data: parsed as T, ...(location === null ? {} : { location }) };
    return { ok: false, problem: parsed as ProblemBody };
  }
  return {
    async get<T>(path: string): Promise<T> {
      const result = await call<T>('GET', path);
      if (!result.ok) throw new V1Problem(result.problem);
      return result.data;
    },
    send: call,
  };
}

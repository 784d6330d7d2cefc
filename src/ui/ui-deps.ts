import type { Context } from 'hono';
import type { Logger } from '../logger.js';
import type { SessionDeps, UiEnv } from './session.js';
import { v1Client, type V1Client, type V1Fetch } from './v1-client.js';

/** What the console and the portal need: their sessions, and the /v1 API to act through. */
export interface UiDeps extends SessionDeps {
  fetchV1: V1Fetch;
  logger: Logger;
}

/** /v1 as the signed-in caller of this page request. */
export function v1For(c: Context<UiEnv>, deps: UiDeps): V1Client {
  return v1Client(deps.fetchV1, c.get('session').credential, c.env);
}

/** Changes from a page are accepted from hookflow's own origin (and the public URL's, behind a proxy) only. */
export function allowedOrigin(deps: UiDeps) {
  const publicOrigin = deps.options.publicUrl ? new URL(deps.options.publicUrl).origin : undefined;
  return (origin: string, c: Context) => origin === new URL(c.req.url).origin || origin === publicOrigin;
}

/** A `next` parameter kept only when it is a path of this area: never an open redirect. */
export function localPath(next: unknown, area: string): string {
  return typeof next === 'string' && (next === area || next.startsWith(`${area}/`) || next.startsWith(`${area}?`)) && !next.includes('//')
    ? next
    : area;
}

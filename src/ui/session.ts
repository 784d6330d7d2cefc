// Sessions of the console and the portal. The browser holds only a random id
// in an HttpOnly cookie; the credential the pages call /v1 with stays on the
// server, sealed (src/db/ui-sessions.ts). Every change a page makes carries
// the session's CSRF token, checked here before any handler runs.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Pool } from '../db/pool.js';
import { deleteUiSession, findUiSession, insertUiSession, touchUiSession, type UiSessionKind } from '../db/ui-sessions.js';
import type { UiOptions } from './options.js';

export type { UiSessionKind };

export interface UiSession {
  kind: UiSessionKind;
  /** The API key (console) or portal token (portal) the pages call /v1 with. */
  credential: string;
  csrfToken: string;
  /** Who is signed in, as the header shows it. */
  label: string;
  tenantId: string | null;
}

export interface UiEnv {
  Variables: {
    session: UiSession;
    /** The session cookie's attributes, for the area's other cookies (a flash in a framed portal needs SameSite=None too). */
    areaCookie: CookieOptions;
  };
}

export interface SessionDeps {
  pool: Pool;
  secretBox: SecretBox;
  options: UiOptions;
}

/** The form field every page's forms carry the session's CSRF token in. */
export const CSRF_FIELD = '_csrf';

const COOKIE_NAME: Record<UiSessionKind, string> = { console: 'hookflow_console', portal: 'hookflow_portal' };
export const AREA_PATH: Record<UiSessionKind, string> = { console: '/console', portal: '/portal' };

function hashId(id: string): Buffer {
  return createHash('sha256').update(id).digest();
}

/** The credential is sealed bound to its session, so a sealed value moved to another row does not open. */
function sealBinding(idHash: Buffer): string {
  return `ui-session:${idHash.toString('hex')}`;
}

/** Over https the cookie is Secure; a portal allowed in frames needs SameSite=None (and so Secure, partitioned per site). */
function cookieOptions(c: Context, deps: SessionDeps, kind: UiSessionKind): CookieOptions {
  const embeddable = kind === 'portal' && deps.options.portal.frameAncestors.length > 0;
  const https =
    new URL(c.req.url).protocol === 'https:' ||
    c.req.header('x-forwarded-proto') === 'https' ||
    deps.options.publicUrl?.startsWith('https:') === true;
  const base: CookieOptions = { path: AREA_PATH[kind], httpOnly: true };
  if (embeddable) return { ...base, secure: true, sameSite: 'None', partitioned: true };
  return { ...base, secure: https, sameSite: 'Strict' };
}

export async function startSession(
  c: Context,
  deps: SessionDeps,
  kind: UiSessionKind,
  session: { credential: string; label: string; tenantId: string | null; notAfter?: Date },
): Promise<void> {
  const id = randomBytes(32).toString('base64url');
  const idHash = hashId(id);
  const longest = new Date(Date.now() + deps.options.sessionMaxMs);
  const expiresAt = session.notAfter && session.notAfter < longest ? session.notAfter : longest;
  await insertUiSession(deps.pool, idHash, {
    kind,
    credentialSealed: deps.secretBox.seal(session.credential, sealBinding(idHash)),
    csrfToken: randomBytes(24).toString('base64url'),
    label: session.label,
    tenantId: session.tenantId,
    expiresAt,
  });
  setCookie(c, COOKIE_NAME[kind], id, cookieOptions(c, deps, kind));
}

export async function endSession(c: Context, deps: SessionDeps, kind: UiSessionKind): Promise<void> {
  const id = getCookie(c, COOKIE_NAME[kind]);
  if (id !== undefined) await deleteUiSession(deps.pool, hashId(id));
  deleteCookie(c, COOKIE_NAME[kind], cookieOptions(c, deps, kind));
}

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Loads the session into `c.get('session')`, or answers with `signedOut`. A
 * change (any method but GET/HEAD/OPTIONS) must carry the session's CSRF token
 * in the form field CSRF_FIELD, else `forbidden` answers and nothing runs.
 */
export function sessionRequired(
  kind: UiSessionKind,
  deps: SessionDeps,
  answers: { signedOut: (c: Context) => Response | Promise<Response>; forbidden: (c: Context) => Response | Promise<Response> },
): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    const id = getCookie(c, COOKIE_NAME[kind]);
    const idHash = id === undefined ? undefined : hashId(id);
    const row = idHash && (await findUiSession(deps.pool, idHash, kind));
    if (!idHash || !row) {
      if (id !== undefined) deleteCookie(c, COOKIE_NAME[kind], cookieOptions(c, deps, kind));
      return answers.signedOut(c);
    }
    const idleFor = Date.now() - row.lastSeenAt.getTime();
    if (idleFor > deps.options.sessionIdleMs) {
      await endSession(c, deps, kind);
      return answers.signedOut(c);
    }
    // Not a write per request: often enough that the idle limit holds to a tenth.
    if (idleFor > Math.min(60_000, deps.options.sessionIdleMs / 10)) await touchUiSession(deps.pool, idHash);
    if (!SAFE_METHODS.has(c.req.method)) {
      const form = await c.req.parseBody();
      if (!sameSecret(form[CSRF_FIELD], row.csrfToken)) return answers.forbidden(c);
    }
    c.set('session', {
      kind,
      credential: deps.secretBox.open(row.credentialSealed, sealBinding(idHash)),
      csrfToken: row.csrfToken,
      label: row.label,
      tenantId: row.tenantId,
    });
    c.set('areaCookie', cookieOptions(c, deps, kind));
    await next();
  };
}

// A one-time message for the page after a redirect ("Subscription paused"):
// a short-lived cookie, read and cleared by the next page. Never a secret.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { AREA_PATH, type UiSessionKind } from './session.js';

const COOKIE = 'hookflow_flash';

/** As the session cookie (set by sessionRequired): a portal framed by another site gets it only with SameSite=None. */
function flashCookie(c: Context, kind: UiSessionKind): CookieOptions {
  const area = c.get('areaCookie') as CookieOptions | undefined;
  return { ...(area ?? { httpOnly: true, sameSite: 'Strict' }), path: AREA_PATH[kind] };
}

export function setFlash(c: Context, kind: UiSessionKind, message: string): void {
  setCookie(c, COOKIE, message, { ...flashCookie(c, kind), maxAge: 60 });
}

export function takeFlash(c: Context, kind: UiSessionKind): string | undefined {
  const message = getCookie(c, COOKIE);
  if (message !== undefined) deleteCookie(c, COOKIE, flashCookie(c, kind));
  return message;
}

/** After a change: back to a page (303, so the browser GETs it), with a message for it. */
export function redirectWithFlash(c: Context, kind: UiSessionKind, location: string, message: string): Response {
  setFlash(c, kind, message);
  return c.redirect(location, 303);
}

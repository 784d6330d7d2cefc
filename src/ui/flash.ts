// A one-time message for the page after a redirect ("Subscription paused"):
// a short-lived cookie, read and cleared by the next page. Never a secret.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AREA_PATH, type UiSessionKind } from './session.js';

const COOKIE = 'hookflow_flash';

export function setFlash(c: Context, kind: UiSessionKind, message: string): void {
  setCookie(c, COOKIE, message, { path: AREA_PATH[kind], httpOnly: true, sameSite: 'Strict', maxAge: 60 });
}

export function takeFlash(c: Context, kind: UiSessionKind): string | undefined {
  const message = getCookie(c, COOKIE);
  if (message !== undefined) deleteCookie(c, COOKIE, { path: AREA_PATH[kind] });
  return message;
}

/** After a change: back to a page (303, so the browser GETs it), with a message for it. */
export function redirectWithFlash(c: Context, kind: UiSessionKind, location: string, message: string): Response {
  setFlash(c, kind, message);
  return c.redirect(location, 303);
}

// Headers of every page: a strict Content-Security-Policy (scripts and styles
// from hookflow's own versioned assets only, nothing inline, no third party
// except an https logo the operator configured), no framing except, for the
// portal, by the parent origins the operator allowed, and no caching of pages
// that show a tenant's data.
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export function pageSecurityHeaders(options: { frameAncestors: readonly string[]; imageOrigins?: readonly string[] }): MiddlewareHandler {
  const framing = options.frameAncestors.length > 0 ? [...options.frameAncestors] : ["'none'"];
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', ...(options.imageOrigins ?? [])],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: framing,
    },
    // frame-ancestors says it for browsers that know CSP; X-Frame-Options for those that do not, unless framing is allowed.
    xFrameOptions: options.frameAncestors.length > 0 ? false : 'DENY',
    referrerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
  });
  return async (c, next) => {
    await headers(c, next);
    c.header('cache-control', 'no-store');
  };
}

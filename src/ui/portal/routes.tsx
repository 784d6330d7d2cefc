// The customer portal at /portal: one tenant's endpoints, deliveries and event
// types, entered with a portal token, acting through /v1 with that token.
import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { pageError, staleFormPage } from '../errors.js';
import { pageSecurityHeaders } from '../security-headers.js';
import { endSession, sessionRequired, type UiEnv } from '../session.js';
import { allowedOrigin, type UiDeps } from '../ui-deps.js';
import { portalDeliveries } from './deliveries.js';
import { portalEndpoints } from './endpoints.js';
import { portalEventTypes } from './event-types.js';
import { portalEvents } from './events.js';
import { enterPage, portalEnter, portalSignOut } from './enter.js';
import { themeStylesheet } from './render.js';

export function portalRoutes(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  const theme = deps.options.portal;
  const logoOrigin = theme.logoUrl ? [new URL(theme.logoUrl).origin] : [];
  app.use('*', pageSecurityHeaders({ frameAncestors: theme.frameAncestors, imageOrigins: logoOrigin }));
  app.use('*', csrf({ origin: allowedOrigin(deps) }));
  app.onError(
    pageError(deps.logger, {
      brand: theme.name,
      home: '/portal/endpoints',
      signIn: '/portal/enter',
      endSession: (c) => endSession(c, deps, 'portal'),
    }),
  );

  const stylesheet = themeStylesheet(theme);
  app.get(stylesheet.url.slice('/portal'.length), (c) =>
    c.body(stylesheet.css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' }),
  );
  app.route('/', portalEnter(deps));
  app.use(
    '*',
    sessionRequired('portal', deps, {
      signedOut: (c) =>
        enterPage(
          c,
          theme,
          {
            type: 'https://hookflow.dev/problems/unauthorized',
            title: 'Your session has ended',
            status: 401,
            detail: 'open the portal again from the link you were given',
          },
          401,
        ),
      forbidden: (c) => staleFormPage(c, { brand: theme.name, home: '/portal/endpoints' }),
    }),
  );
  app.post('/sign-out', (c) => portalSignOut(c, deps));
  app.get('/', (c) => c.redirect('/portal/endpoints', 302));
  app.route('/endpoints', portalEndpoints(deps));
  app.route('/deliveries', portalDeliveries(deps));
  app.route('/events', portalEvents(deps));
  app.route('/event-types', portalEventTypes(deps));
  return app;
}

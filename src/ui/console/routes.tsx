// The operator console at /console: sign in with an admin API key, then every
// page acts through /v1 as that key (src/ui/v1-client.ts).
import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { pageError, staleFormPage } from '../errors.js';
import { pageSecurityHeaders } from '../security-headers.js';
import { endSession, sessionRequired, type UiEnv } from '../session.js';
import { allowedOrigin, type UiDeps } from '../ui-deps.js';
import { consoleSignIn, signOut } from './sign-in.js';
import { consoleSubscriptions } from './subscriptions.js';
import { consoleOperations } from './operations.js';
import { overviewTenantsAndCatalog } from './overview-pages.js';

export function consoleRoutes(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  app.use('*', pageSecurityHeaders({ frameAncestors: [] }));
  // A change must come from a page of ours: the Origin check here, the session's CSRF token in sessionRequired.
  app.use('*', csrf({ origin: allowedOrigin(deps) }));
  app.onError(
    pageError(deps.logger, {
      brand: 'hookflow console',
      home: '/console',
      signIn: '/console/sign-in',
      endSession: (c) => endSession(c, deps, 'console'),
    }),
  );
  app.route('/', consoleSignIn(deps));
  app.use(
    '*',
    sessionRequired('console', deps, {
      signedOut: (c) =>
        c.req.method === 'GET'
          ? c.redirect(`/console/sign-in?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}`, 303)
          : c.redirect('/console/sign-in', 303),
      forbidden: (c) => staleFormPage(c, { brand: 'hookflow console', home: '/console' }),
    }),
  );
  app.post('/sign-out', (c) => signOut(c, deps));
  app.route('/', overviewTenantsAndCatalog(deps));
  app.route('/subscriptions', consoleSubscriptions(deps));
  app.route('/', consoleOperations(deps));
  return app;
}

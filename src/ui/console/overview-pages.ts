// The console's overview (/console), tenants (/console/tenants) and event
// catalog (/console/event-types), mounted by src/ui/console/routes.tsx as one.
import { Hono } from 'hono';
import type { UiEnv } from '../session.js';
import type { UiDeps } from '../ui-deps.js';
import { consoleEventTypes } from './event-types.js';
import { consoleOverview } from './overview.js';
import { consoleTenants } from './tenants.js';

export function overviewTenantsAndCatalog(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  app.route('/', consoleOverview(deps));
  app.route('/tenants', consoleTenants(deps));
  app.route('/event-types', consoleEventTypes(deps));
  return app;
}

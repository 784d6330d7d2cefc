// The operator console (/console) and the customer portal (/portal), served by
// the API process itself: server-rendered pages (Hono JSX) with a few small
// scripts, static assets from this package, nothing from the network.
import { Hono } from 'hono';
import { assetRoutes } from './assets.js';
import { consoleRoutes } from './console/routes.js';
import { portalRoutes } from './portal/routes.js';
import type { UiDeps } from './ui-deps.js';

export type { UiDeps } from './ui-deps.js';
export { DEFAULT_UI_OPTIONS, type UiOptions } from './options.js';

export function uiRoutes(deps: UiDeps): Hono {
  const app = new Hono();
  app.route('/', assetRoutes());
  app.route('/console', consoleRoutes(deps) as unknown as Hono);
  app.route('/portal', portalRoutes(deps) as unknown as Hono);
  return app;
}

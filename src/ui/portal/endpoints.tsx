// The customer's endpoints (their tenant's subscriptions: /v1 scopes the portal
// token to its tenant, so nothing else can be listed or reached).
import { Hono } from 'hono';
import type { Page as ApiPage } from '../../schemas/common.js';
import type { Subscription } from '../../schemas/subscription.js';
import type { UiEnv } from '../session.js';
import { SubscriptionTable } from '../subscription-table.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { portalPage } from './render.js';

export function portalEndpoints(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  const theme = deps.options.portal;

  app.get('/', async (c) => {
    const cursor = c.req.query('cursor');
    const params = new URLSearchParams({ limit: '50' });
    if (cursor) params.set('cursor', cursor);
    const page = await v1For(c, deps).get<ApiPage<Subscription>>(`/v1/subscriptions?${params}`);
    return portalPage(c, theme, {
      title: 'Endpoints',
      children: (
        <SubscriptionTable label="Endpoints" page={page} detailBase="/portal/endpoints" query={{ cursor }} showTenant={false} linkText="url" />
      ),
    });
  });

  return app;
}

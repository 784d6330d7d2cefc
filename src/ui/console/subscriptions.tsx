// Subscriptions in the console: the list (the pattern other pages follow:
// read through /v1 as the signed-in caller, render, paginate by cursor).
import { Hono } from 'hono';
import type { Page as ApiPage } from '../../schemas/common.js';
import type { Subscription } from '../../schemas/subscription.js';
import type { UiEnv } from '../session.js';
import { SubscriptionTable } from '../subscription-table.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { consolePage } from './render.js';

export function consoleSubscriptions(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.get('/', async (c) => {
    const query = { tenantId: c.req.query('tenantId'), cursor: c.req.query('cursor') };
    const params = new URLSearchParams({ limit: '50' });
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
    const page = await v1For(c, deps).get<ApiPage<Subscription>>(`/v1/subscriptions?${params}`);
    return consolePage(c, {
      title: 'Subscriptions',
      children: <SubscriptionTable label="Subscriptions" page={page} detailBase="/console/subscriptions" query={query} showTenant linkText="id" />,
    });
  });

  return app;
}

import { Hono } from 'hono';
import {
  deleteSubscription,
  findSubscription,
  findSubscriptionSecret,
  insertSubscription,
  listSubscriptions,
  updateSubscription,
} from '../../db/subscriptions.js';
import { generateSecret } from '../../delivery/signing.js';
import { newId } from '../../ids.js';
import { pageQuerySchema } from '../../schemas/common.js';
import { createSubscriptionSchema, updateSubscriptionSchema } from '../../schemas/subscription.js';
import type { ApiDeps } from '../deps.js';
import { problems } from '../problem.js';
import { jsonBody, query } from '../validate.js';

export function subscriptionRoutes({ pool }: ApiDeps): Hono {
  const app = new Hono();

  app.post('/', async (c) => {
    const input = await jsonBody(c, createSubscriptionSchema);
    const secret = generateSecret();
    const subscription = await insertSubscription(pool, newId('sub'), secret, input);
    // The only answer that carries the secret, apart from the explicit secret endpoint.
    return c.json({ ...subscription, secret }, 201);
  });

  app.get('/', async (c) => c.json(await listSubscriptions(pool, query(c, pageQuerySchema))));

  app.get('/:id', async (c) => {
    const subscription = await findSubscription(pool, c.req.param('id'));
    if (!subscription) throw problems.notFound('Subscription', c.req.param('id'));
    return c.json(subscription);
  });

  app.patch('/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await findSubscription(pool, id))) throw problems.notFound('Subscription', id);
    const patch = await jsonBody(c, updateSubscriptionSchema);
    const subscription = await updateSubscription(pool, id, patch);
    if (!subscription) throw problems.notFound('Subscription', id);
    return c.json(subscription);
  });

  app.delete('/:id', async (c) => {
    if (!(await deleteSubscription(pool, c.req.param('id')))) throw problems.notFound('Subscription', c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/:id/secret', async (c) => {
    const secret = await findSubscriptionSecret(pool, c.req.param('id'));
    if (secret === undefined) throw problems.notFound('Subscription', c.req.param('id'));
    c.header('cache-control', 'no-store');
    return c.json({ secret });
  });

  return app;
}

import { Hono } from 'hono';
import { deleteSubscription, findSubscription, listSubscriptions, updateSubscription } from '../../db/subscriptions.js';
import { pageQuerySchema } from '../../schemas/common.js';
import {
  createSubscriptionSchema,
  recoverSchema,
  rotateSecretSchema,
  updateSubscriptionSchema,
  type EndpointHealthView,
} from '../../schemas/subscription.js';
import { findEndpointHealth, resetEndpointHealth } from '../../db/endpoint-health.js';
import { recoverDeadDeliveries } from '../../services/deliveries.js';
import { describeStream } from '../../services/ordered-streams.js';
import { createSubscription, revealSecret, rotateSecret } from '../../services/secrets.js';
import { refusalForUrl } from '../../net/guarded-connect.js';
import type { ApiDeps } from '../deps.js';
import { problems } from '../problem.js';
import { jsonBody, optionalJsonBody, query } from '../validate.js';

export function subscriptionRoutes(deps: ApiDeps): Hono {
  const { pool } = deps;
  const app = new Hono();

  app.post('/', async (c) => {
    const input = await jsonBody(c, createSubscriptionSchema);
    await refuseForbiddenUrl(deps, input.url);
    // The only answer that carries the secret, apart from the explicit secret endpoints.
    c.header('cache-control', 'no-store');
    return c.json(await createSubscription(deps, input), 201);
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
    if (patch.url !== undefined) await refuseForbiddenUrl(deps, patch.url);
    const subscription = await updateSubscription(pool, id, patch);
    if (!subscription) throw problems.notFound('Subscription', id);
    // Re-enabling starts afresh: breaker closed, failure clock stopped.
    if (patch.status === 'active') await resetEndpointHealth(pool, id);
    return c.json(subscription);
  });

  app.get('/:id/health', async (c) => {
    const id = c.req.param('id');
    if (!(await findSubscription(pool, id))) throw problems.notFound('Subscription', id);
    const health = await findEndpointHealth(pool, id);
    return c.json({
      subscriptionId: id,
      state: health.state,
      consecutiveFailures: health.consecutiveFailures,
      trips: health.trips,
      openUntil: health.openUntil?.toISOString() ?? null,
      lastSuccessAt: health.lastSuccessAt?.toISOString() ?? null,
      failingSince: health.failingSince?.toISOString() ?? null,
      transitions: health.transitions.map((t) => ({ at: t.at.toISOString(), from: t.from, to: t.to, reason: t.reason })),
    } satisfies EndpointHealthView);
  });

  app.get('/:id/stream', async (c) => {
    const id = c.req.param('id');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    if (subscription.ordering !== 'fifo') throw problems.conflict(`subscription ${id} is not ordered; only a fifo subscription has a stream`);
    return c.json(await describeStream(deps, id));
  });

  app.post('/:id/recover', async (c) => {
    const id = c.req.param('id');
    if (!(await findSubscription(pool, id))) throw problems.notFound('Subscription', id);
    const window = await jsonBody(c, recoverSchema);
    const result = await recoverDeadDeliveries(deps, id, new Date(window.since), window.until ? new Date(window.until) : null);
    return c.json(result, 202);
  });

  app.delete('/:id', async (c) => {
    if (!(await deleteSubscription(pool, c.req.param('id')))) throw problems.notFound('Subscription', c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/:id/secret', async (c) => {
    const secret = await revealSecret(deps, c.req.param('id'));
    if (secret === undefined) throw problems.notFound('Subscription', c.req.param('id'));
    c.header('cache-control', 'no-store');
    return c.json({ secret });
  });

  app.post('/:id/secret/rotate', async (c) => {
    const id = c.req.param('id');
    if (!(await findSubscription(pool, id))) throw problems.notFound('Subscription', id);
    const { overlapSeconds } = await optionalJsonBody(c, rotateSecretSchema);
    const rotated = await rotateSecret(deps, id, overlapSeconds ?? deps.secretRotationOverlapSeconds);
    if (!rotated) throw problems.notFound('Subscription', id);
    c.header('cache-control', 'no-store');
    return c.json(rotated);
  });

  return app;
}

/** The SSRF guard at the door: a clear 422 now instead of a dead letter later. */
async function refuseForbiddenUrl(deps: ApiDeps, url: string): Promise<void> {
  const refusal = await refusalForUrl(url, deps.addressPolicy, deps.resolve);
  if (refusal !== undefined) throw problems.validation([{ path: 'url', message: refusal }]);
}

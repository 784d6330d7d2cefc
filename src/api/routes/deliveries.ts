import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { findDelivery, listDeliveries } from '../../db/deliveries.js';
import { listDeliveriesQuerySchema } from '../../schemas/delivery.js';
import { redeliver, skipDelivery } from '../../services/deliveries.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { callerTenant, tenantForList } from '../tenant-scope.js';
import { query } from '../validate.js';
import { recordAudit } from '../audit.js';

export function deliveryRoutes(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Every route on one delivery: another tenant's is a 404 to a caller limited to one.
  const ownDelivery: MiddlewareHandler<AppEnv> = async (c, next) => {
    const tenantId = callerTenant(c);
    const id = c.req.param('id')!;
    if (tenantId !== undefined && !(await findDelivery(deps.pool, id, tenantId))) throw problems.notFound('Delivery', id);
    await next();
  };
  app.use('/:id/*', ownDelivery);

  app.get('/', async (c) => {
    const filters = query(c, listDeliveriesQuerySchema);
    return c.json(await listDeliveries(deps.pool, { ...filters, tenantId: tenantForList(c, filters.tenantId) }));
  });

  app.get('/:id', async (c) => {
    const delivery = await findDelivery(deps.pool, c.req.param('id'), callerTenant(c));
    if (!delivery) throw problems.notFound('Delivery', c.req.param('id'));
    return c.json(delivery);
  });

  app.post('/:id/redeliver', async (c) => {
    const id = c.req.param('id');
    switch (await redeliver(deps, id)) {
      case 'requested':
        await recordDeliveryAudit(c, deps, id, 'delivery.redeliver');
        return c.json({ id, status: 'redelivery requested' }, 202);
      case 'not-found':
        throw problems.notFound('Delivery', id);
      case 'in-progress':
        throw problems.conflict(`delivery ${id} is still pending; only a succeeded or dead delivery can be redelivered`);
      case 'subscription-gone':
        throw problems.conflict(`the subscription of delivery ${id} has been deleted`);
    }
  });

  app.post('/:id/skip', async (c) => {
    const id = c.req.param('id');
    switch (await skipDelivery(deps, id)) {
      case 'requested':
        await recordDeliveryAudit(c, deps, id, 'delivery.skip');
        return c.json({ id, status: 'skip requested' }, 202);
      case 'not-found':
        throw problems.notFound('Delivery', id);
      case 'not-dead':
        throw problems.conflict(`delivery ${id} is not dead; only a dead letter can be skipped`);
      case 'not-ordered':
        throw problems.conflict(`delivery ${id} is not in a fifo stream (its subscription is not ordered, or is deleted)`);
    }
  });

  return app;
}

/** A redelivery or a skip, in the trail of the delivery's tenant. */
async function recordDeliveryAudit(c: Context<AppEnv>, deps: ApiDeps, id: string, action: string): Promise<void> {
  const delivery = await findDelivery(deps.pool, id);
  await recordAudit(c, deps.pool, {
    action,
    resource: { type: 'delivery', id },
    tenantId: delivery?.tenantId ?? null,
    after: delivery && { subscriptionId: delivery.subscriptionId, eventId: delivery.eventId },
  });
}

import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { findDelivery, listDeliveries } from '../../db/deliveries.js';
import { pageSchema } from '../../schemas/common.js';
import { deliverySchema, deliveryWithAttemptsSchema, listDeliveriesQuerySchema, redeliveryRequestedSchema } from '../../schemas/delivery.js';
import { redeliver, skipDelivery } from '../../services/deliveries.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { problems } from '../problem.js';
import { callerTenant, tenantForList } from '../tenant-scope.js';
import { recordAudit } from '../audit.js';
import { defineRoute, idParams, jsonAnswer, problemAnswers } from '../route.js';

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List deliveries (status=dead: the dead-letter queue)',
  request: { query: listDeliveriesQuerySchema },
  responses: { 200: jsonAnswer(pageSchema(deliverySchema), 'A page of deliveries'), ...problemAnswers(404) },
});

const get = defineRoute({
  method: 'get',
  path: '/{id}',
  summary: 'A delivery and every attempt',
  request: { params: idParams },
  responses: { 200: jsonAnswer(deliveryWithAttemptsSchema, 'The delivery'), ...problemAnswers(404) },
});

const redeliverRoute = defineRoute({
  method: 'post',
  path: '/{id}/redeliver',
  summary: 'Deliver again (a dead or succeeded delivery)',
  request: { params: idParams },
  responses: { 202: jsonAnswer(redeliveryRequestedSchema, 'Redelivery requested'), ...problemAnswers(404, 409) },
});

const skip = defineRoute({
  method: 'post',
  path: '/{id}/skip',
  summary: 'Let a fifo stream blocked on this dead delivery move on without it',
  request: { params: idParams },
  responses: { 202: jsonAnswer(redeliveryRequestedSchema, 'Skip requested'), ...problemAnswers(404, 409) },
});

export function deliveryRoutes(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();

  // Every route on one delivery: another tenant's is a 404 to a caller limited to one.
  const ownTenantsOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
    const tenantId = callerTenant(c);
    const id = c.req.param('id') ?? '';
    if (tenantId !== undefined && !(await findDelivery(deps.pool, id, tenantId))) throw problems.notFound('Delivery', id);
    await next();
  };
  app.use('/:id/*', ownTenantsOnly);

  app.openapi(list, async (c) => {
    const filters = c.req.valid('query');
    return c.json(await listDeliveries(deps.pool, { ...filters, tenantId: tenantForList(c, filters.tenantId) }), 200);
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const delivery = await findDelivery(deps.pool, id, callerTenant(c));
    if (!delivery) throw problems.notFound('Delivery', id);
    return c.json(delivery, 200);
  });

  app.openapi(redeliverRoute, async (c) => {
    const { id } = c.req.valid('param');
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

  app.openapi(skip, async (c) => {
    const { id } = c.req.valid('param');
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

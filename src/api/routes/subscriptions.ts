import { Hono, type MiddlewareHandler } from 'hono';
import { deleteSubscription, findSubscription, listSubscriptions, updateSubscription } from '../../db/subscriptions.js';
import {
  createSubscriptionSchema,
  listSubscriptionsQuerySchema,
  recoverSchema,
  rotateSecretSchema,
  updateSubscriptionSchema,
  type EndpointHealthView,
} from '../../schemas/subscription.js';
import { findEndpointHealth, resetEndpointHealth } from '../../db/endpoint-health.js';
import { describeRecovery, startRecovery } from '../../services/recoveries.js';
import { describeStream } from '../../services/ordered-streams.js';
import { createSubscription, revealVerificationKey, rotateSecret } from '../../services/secrets.js';
import { firstExactEventType, sendTestWebhook } from '../../services/test-sends.js';
import { testSendSchema } from '../../schemas/test-send.js';
import { refusalForUrl } from '../../net/guarded-connect.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { callerTenant, tenantForList, tenantForNew } from '../tenant-scope.js';
import { problems } from '../problem.js';
import { jsonBody, optionalJsonBody, query } from '../validate.js';
import { recordAudit, recordedChange } from '../audit.js';
import type { Subscription, SubscriptionStatus } from '../../schemas/subscription.js';

export function subscriptionRoutes(deps: ApiDeps): Hono<AppEnv> {
  const { pool } = deps;
  const app = new Hono<AppEnv>();

  // Every route on one subscription, present and future: a caller limited to
  // a tenant reaches only that tenant's subscriptions, and any other id is a 404.
  const ownSubscription: MiddlewareHandler<AppEnv> = async (c, next) => {
    const tenantId = callerTenant(c);
    const id = c.req.param('id')!;
    if (tenantId !== undefined && !(await findSubscription(pool, id, tenantId))) throw problems.notFound('Subscription', id);
    await next();
  };
  app.use('/:id', ownSubscription);
  app.use('/:id/*', ownSubscription);

  app.post('/', async (c) => {
    const input = await jsonBody(c, createSubscriptionSchema);
    const tenantId = await tenantForNew(c, deps.tenants, input.tenantId);
    await refuseForbiddenUrl(deps, input.url);
    // The only answer that carries the secret, apart from the explicit secret endpoints.
    const created = await createSubscription(deps, { ...input, tenantId });
    await recordAudit(c, pool, { action: 'subscription.create', resource: { type: 'subscription', id: created.id }, tenantId, after: created });
    c.header('cache-control', 'no-store');
    return c.json(created, 201);
  });

  app.get('/', async (c) => {
    const { tenantId, ...rest } = query(c, listSubscriptionsQuerySchema);
    return c.json(await listSubscriptions(pool, { ...rest, tenantId: tenantForList(c, tenantId) }));
  });

  app.get('/:id', async (c) => {
    const subscription = await findSubscription(pool, c.req.param('id'));
    if (!subscription) throw problems.notFound('Subscription', c.req.param('id'));
    return c.json(subscription);
  });

  app.patch('/:id', async (c) => {
    const id = c.req.param('id');
    const before = await findSubscription(pool, id);
    if (!before) throw problems.notFound('Subscription', id);
    const patch = await jsonBody(c, updateSubscriptionSchema);
    if (patch.url !== undefined) await refuseForbiddenUrl(deps, patch.url);
    const subscription = await recordedChange(
      c,
      pool,
      async (tx) => {
        const updated = await updateSubscription(tx, id, patch);
        // Re-enabling starts afresh: breaker closed, failure clock stopped.
        if (updated && patch.status === 'active') await resetEndpointHealth(tx, id);
        return updated;
      },
      (after) => ({ action: updateAction(before, after), ...onSubscription(after), before, after }),
    );
    if (!subscription) throw problems.notFound('Subscription', id);
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
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    const window = await jsonBody(c, recoverSchema);
    // A background operation (workflows/recovery-workflow.ts): the answer says where to follow it.
    const started = await startRecovery(deps, subscription, window);
    await recordAudit(c, pool, { action: 'subscription.recover', ...onSubscription(subscription), after: { ...window, recoveryId: started.id } });
    c.header('location', `/v1/subscriptions/${id}/recoveries/${started.id}`);
    return c.json(started, 202);
  });

  app.get('/:id/recoveries/:recoveryId', async (c) => {
    const { id, recoveryId } = c.req.param();
    if (!(await findSubscription(pool, id))) throw problems.notFound('Subscription', id);
    const recovery = await describeRecovery(deps, id, recoveryId);
    if (!recovery) throw problems.notFound('Recovery', recoveryId);
    return c.json(recovery);
  });

  app.delete('/:id', async (c) => {
    const before = await findSubscription(pool, c.req.param('id'));
    const deleted =
      before &&
      (await recordedChange(
        c,
        pool,
        async (tx) => ((await deleteSubscription(tx, before.id)) ? before : undefined),
        () => ({ action: 'subscription.delete', ...onSubscription(before), before }),
      ));
    if (!deleted) throw problems.notFound('Subscription', c.req.param('id'));
    return c.body(null, 204);
  });

  // v1: the shared secret; v1a: the public key (the private key is never shown).
  app.get('/:id/secret', async (c) => {
    const id = c.req.param('id');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    const key = await revealVerificationKey(deps, id);
    if (key === undefined) throw problems.notFound('Subscription', id);
    // Who read a secret, and when; what was shown stays out of the trail.
    await recordAudit(c, pool, { action: 'subscription.secret.reveal', ...onSubscription(subscription) });
    c.header('cache-control', 'no-store');
    return c.json(key);
  });

  app.post('/:id/secret/rotate', async (c) => {
    const id = c.req.param('id');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    const { overlapSeconds, signatureScheme } = await optionalJsonBody(c, rotateSecretSchema);
    const rotated = await rotateSecret(deps, id, {
      overlapSeconds: overlapSeconds ?? deps.secretRotationOverlapSeconds,
      scheme: signatureScheme ?? subscription.signatureScheme,
    });
    if (!rotated) throw problems.notFound('Subscription', id);
    await recordAudit(c, pool, {
      action: 'subscription.secret.rotate',
      ...onSubscription(subscription),
      // The keys themselves stay out of the trail; the scheme and the overlap say what the rotation did.
      after: {
        signatureScheme: signatureScheme ?? subscription.signatureScheme,
        previousSignatureScheme: subscription.signatureScheme,
        overlapSeconds: overlapSeconds ?? deps.secretRotationOverlapSeconds,
      },
    });
    c.header('cache-control', 'no-store');
    return c.json(rotated);
  });

  // A signed request to the endpoint now; 200 with the attempt, whatever the receiver answered.
  app.post('/:id/test', async (c) => {
    const id = c.req.param('id');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    const input = await optionalJsonBody(c, testSendSchema);
    const eventType = input.eventType ?? firstExactEventType(subscription.eventTypes);
    if (eventType === undefined) {
      throw problems.validation([{ path: 'eventType', message: 'the subscription has no exact event type to default to; give one' }]);
    }
    // `null` is a payload like any other: only a missing one falls back to the catalog.
    const payload = input.payload !== undefined ? input.payload : await deps.exampleFor(eventType);
    if (payload === undefined) {
      throw problems.validation([{ path: 'payload', message: `the event catalog has no example for ${eventType}; give a payload` }]);
    }
    const result = await sendTestWebhook(deps, subscription, { eventType, payload });
    if (!result) throw problems.notFound('Subscription', id);
    await recordAudit(c, pool, {
      action: 'subscription.test',
      ...onSubscription(subscription),
      after: { webhookId: result.webhookId, eventType, statusCode: result.statusCode },
    });
    return c.json(result);
  });

  return app;
}

/** An audit entry's resource and tenant for this subscription. */
function onSubscription(subscription: Subscription) {
  return { resource: { type: 'subscription' as const, id: subscription.id }, tenantId: subscription.tenantId };
}

const STATUS_ACTIONS: Record<SubscriptionStatus, string> = {
  active: 'subscription.resume',
  paused: 'subscription.pause',
  disabled: 'subscription.disable',
};

/** A change of status is named for what it does (pause, resume, disable); any other change is an update. */
function updateAction(before: Subscription, after: Subscription): string {
  return before.status !== after.status ? STATUS_ACTIONS[after.status] : 'subscription.update';
}

/** The SSRF guard at the door: a clear 422 now instead of a dead letter later. */
async function refuseForbiddenUrl(deps: ApiDeps, url: string): Promise<void> {
  const refusal = await refusalForUrl(url, deps.addressPolicy, deps.resolve);
  if (refusal !== undefined) throw problems.validation([{ path: 'url', message: refusal }]);
}

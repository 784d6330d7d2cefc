import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { deleteSubscription, findSubscription, listSubscriptions, updateSubscription } from '../../db/subscriptions.js';
import { pageSchema } from '../../schemas/common.js';
import { recoverySchema, recoveryStartedSchema } from '../../schemas/recovery.js';
import {
  createSubscriptionSchema,
  endpointHealthSchema,
  orderedStreamSchema,
  listSubscriptionsQuerySchema,
  recoverSchema,
  rotatedKeySchema,
  rotateSecretSchema,
  subscriptionSchema,
  subscriptionWithSecretSchema,
  updateSubscriptionSchema,
  verificationKeySchema,
  type EndpointHealthView,
} from '../../schemas/subscription.js';
import { findEndpointHealth, resetEndpointHealth } from '../../db/endpoint-health.js';
import { describeRecovery, startRecovery } from '../../services/recoveries.js';
import { describeStream } from '../../services/ordered-streams.js';
import { createSubscription, revealVerificationKey, rotateSecret } from '../../services/secrets.js';
import { firstExactEventType, sendTestWebhook } from '../../services/test-sends.js';
import { testSendResultSchema, testSendSchema } from '../../schemas/test-send.js';
import { refusalForUrl } from '../../net/guarded-connect.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { callerTenant, tenantForList, tenantForNew } from '../tenant-scope.js';
import { problems } from '../problem.js';
import { recordAudit, recordedChange } from '../audit.js';
import type { Subscription, SubscriptionStatus } from '../../schemas/subscription.js';
import { defineRoute, emptyAnswer, idParams, isEmptyPatch, jsonAnswer, jsonBody, problemAnswers } from '../route.js';

const create = defineRoute({
  method: 'post',
  path: '/',
  summary: 'Create a subscription (v1: the answer shows its signing secret, once; v1a: its public key)',
  request: { body: jsonBody(createSubscriptionSchema) },
  responses: { 201: jsonAnswer(subscriptionWithSecretSchema, 'The subscription') },
});

const list = defineRoute({
  method: 'get',
  path: '/',
  summary: 'List subscriptions',
  request: { query: listSubscriptionsQuerySchema },
  responses: { 200: jsonAnswer(pageSchema(subscriptionSchema), 'A page of subscriptions'), ...problemAnswers(404) },
});

const get = defineRoute({
  method: 'get',
  path: '/{id}',
  summary: 'Get a subscription',
  request: { params: idParams },
  responses: { 200: jsonAnswer(subscriptionSchema, 'The subscription'), ...problemAnswers(404) },
});

const update = defineRoute({
  method: 'patch',
  path: '/{id}',
  summary: 'Change a subscription (status: active, paused, disabled)',
  request: { params: idParams, body: jsonBody(updateSubscriptionSchema) },
  responses: { 200: jsonAnswer(subscriptionSchema, 'The subscription, changed'), ...problemAnswers(404) },
});

const remove = defineRoute({
  method: 'delete',
  path: '/{id}',
  summary: 'Delete a subscription',
  request: { params: idParams },
  responses: { 204: emptyAnswer('Deleted'), ...problemAnswers(404) },
});

const health = defineRoute({
  method: 'get',
  path: '/{id}/health',
  summary: "The endpoint's circuit breaker and failure clock",
  request: { params: idParams },
  responses: { 200: jsonAnswer(endpointHealthSchema, 'The breaker'), ...problemAnswers(404) },
});

const stream = defineRoute({
  method: 'get',
  path: '/{id}/stream',
  summary: "A fifo subscription's stream: blocked on, pending, order violations",
  request: { params: idParams },
  responses: { 200: jsonAnswer(orderedStreamSchema, 'The stream'), ...problemAnswers(404, 409) },
});

const recover = defineRoute({
  method: 'post',
  path: '/{id}/recover',
  summary:
    'Redeliver every dead delivery created in a time window (at most 31 days), as a background operation: 202 with a Location to follow it; an identical request while it runs joins it',
  request: { params: idParams, body: jsonBody(recoverSchema) },
  responses: {
    202: {
      ...jsonAnswer(recoveryStartedSchema, 'The recovery started (or already running for this window)'),
      headers: { Location: { description: "/v1/subscriptions/{id}/recoveries/{recoveryId}: the recovery's progress", schema: { type: 'string' } } },
    },
    ...problemAnswers(404),
  },
});

const recovery = defineRoute({
  method: 'get',
  path: '/{id}/recoveries/{recoveryId}',
  summary: 'A recovery: its window, running, done or stopped, and how many dead deliveries it found, redelivered and skipped',
  request: {
    params: z.object({
      id: z.string().describe('the subscription id'),
      recoveryId: z.string().describe('the recovery id, from the Location of POST recover'),
    }),
  },
  responses: { 200: jsonAnswer(recoverySchema, 'The recovery'), ...problemAnswers(404) },
});

const secret = defineRoute({
  method: 'get',
  path: '/{id}/secret',
  summary: 'What receivers verify signatures with: the v1 secret, or the v1a public key (never the private key)',
  request: { params: idParams },
  responses: { 200: jsonAnswer(verificationKeySchema, 'The verification key'), ...problemAnswers(404) },
});

const rotate = defineRoute({
  method: 'post',
  path: '/{id}/secret/rotate',
  summary: 'Rotate the signing key (optionally to another scheme); both sign during the overlap',
  request: { params: idParams, body: jsonBody(rotateSecretSchema, { optional: true }) },
  responses: { 200: jsonAnswer(rotatedKeySchema, 'The new key'), ...problemAnswers(404) },
});

const testSend = defineRoute({
  method: 'post',
  path: '/{id}/test',
  summary: 'Send a signed test request (webhook-id test_…, header webhook-test: true) now; 200 describes the attempt, whatever the receiver answered',
  request: { params: idParams, body: jsonBody(testSendSchema, { optional: true }) },
  responses: { 200: jsonAnswer(testSendResultSchema, 'The attempt'), ...problemAnswers(404) },
});

export function subscriptionRoutes(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const { pool } = deps;
  const app = new OpenAPIHono<AppEnv>();

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

  app.openapi(create, async (c) => {
    const input = c.req.valid('json');
    const tenantId = await tenantForNew(c, deps.tenants, input.tenantId);
    await refuseForbiddenUrl(deps, input.url);
    // The only answer that carries the secret, apart from the explicit secret endpoints.
    const created = await createSubscription(deps, { ...input, tenantId });
    await recordAudit(c, pool, { action: 'subscription.create', resource: { type: 'subscription', id: created.id }, tenantId, after: created });
    c.header('cache-control', 'no-store');
    return c.json(created, 201);
  });

  app.openapi(list, async (c) => {
    const { tenantId, ...page } = c.req.valid('query');
    return c.json(await listSubscriptions(pool, { ...page, tenantId: tenantForList(c, tenantId) }), 200);
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    return c.json(subscription, 200);
  });

  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const before = await findSubscription(pool, id);
    if (!before) throw problems.notFound('Subscription', id);
    const patch = c.req.valid('json');
    if (isEmptyPatch(patch)) return c.json(before, 200);
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
    return c.json(subscription, 200);
  });

  app.openapi(health, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await findSubscription(pool, id))) throw problems.notFound('Subscription', id);
    const health = await findEndpointHealth(pool, id);
    return c.json(
      {
        subscriptionId: id,
        state: health.state,
        consecutiveFailures: health.consecutiveFailures,
        trips: health.trips,
        openUntil: health.openUntil?.toISOString() ?? null,
        lastSuccessAt: health.lastSuccessAt?.toISOString() ?? null,
        failingSince: health.failingSince?.toISOString() ?? null,
        transitions: health.transitions.map((t) => ({ at: t.at.toISOString(), from: t.from, to: t.to, reason: t.reason })),
      } satisfies EndpointHealthView,
      200,
    );
  });

  app.openapi(stream, async (c) => {
    const { id } = c.req.valid('param');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    if (subscription.ordering !== 'fifo') throw problems.conflict(`subscription ${id} is not ordered; only a fifo subscription has a stream`);
    return c.json(await describeStream(deps, id), 200);
  });

  app.openapi(recover, async (c) => {
    const { id } = c.req.valid('param');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    const window = c.req.valid('json');
    // A background operation (workflows/recovery-workflow.ts): the answer says where to follow it.
    const started = await startRecovery(deps, subscription, window);
    await recordAudit(c, pool, { action: 'subscription.recover', ...onSubscription(subscription), after: { ...window, recoveryId: started.id } });
    c.header('location', `/v1/subscriptions/${id}/recoveries/${started.id}`);
    return c.json(started, 202);
  });

  app.openapi(recovery, async (c) => {
    const { id, recoveryId } = c.req.valid('param');
    if (!(await findSubscription(pool, id))) throw problems.notFound('Subscription', id);
    const recovery = await describeRecovery(deps, id, recoveryId);
    if (!recovery) throw problems.notFound('Recovery', recoveryId);
    return c.json(recovery, 200);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const before = await findSubscription(pool, id);
    const deleted =
      before &&
      (await recordedChange(
        c,
        pool,
        async (tx) => ((await deleteSubscription(tx, before.id)) ? before : undefined),
        () => ({ action: 'subscription.delete', ...onSubscription(before), before }),
      ));
    if (!deleted) throw problems.notFound('Subscription', id);
    return c.body(null, 204);
  });

  // v1: the shared secret; v1a: the public key (the private key is never shown).
  app.openapi(secret, async (c) => {
    const { id } = c.req.valid('param');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    const key = await revealVerificationKey(deps, id);
    if (key === undefined) throw problems.notFound('Subscription', id);
    // Who read a secret, and when; what was shown stays out of the trail.
    await recordAudit(c, pool, { action: 'subscription.secret.reveal', ...onSubscription(subscription) });
    c.header('cache-control', 'no-store');
    return c.json(key, 200);
  });

  app.openapi(rotate, async (c) => {
    const { id } = c.req.valid('param');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    const { overlapSeconds, signatureScheme } = c.req.valid('json');
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
    return c.json(rotated, 200);
  });

  // A signed request to the endpoint now; 200 with the attempt, whatever the receiver answered.
  app.openapi(testSend, async (c) => {
    const { id } = c.req.valid('param');
    const subscription = await findSubscription(pool, id);
    if (!subscription) throw problems.notFound('Subscription', id);
    const input = c.req.valid('json');
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
    return c.json(result, 200);
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

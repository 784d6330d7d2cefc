// The OpenAPI 3.1 document, its schemas generated from the same zod schemas
// that validate requests (JSON Schema 2020-12, which OpenAPI 3.1 uses). A test
// checks that every route the app registers is described here, and no other.
import { z } from 'zod';
import { apiKeySchema, apiKeyWithSecretSchema, createApiKeySchema } from '../schemas/api-key.js';
import { jsonValueSchema, problemSchema } from '../schemas/common.js';
import { deliverySchema, deliveryStatusSchema, deliveryWithAttemptsSchema } from '../schemas/delivery.js';
import { eventSchema, publishEventSchema, publishedEventSchema } from '../schemas/event.js';
import {
  createSubscriptionSchema,
  endpointHealthSchema,
  orderedStreamSchema,
  recoverSchema,
  rotateSecretSchema,
  subscriptionSchema,
  subscriptionWithSecretSchema,
  updateSubscriptionSchema,
} from '../schemas/subscription.js';
import { VERSION } from '../version.js';

const page = (item: z.ZodType) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

const components: Record<string, z.ZodType> = {
  JsonValue: jsonValueSchema,
  Problem: problemSchema,
  CreateSubscription: createSubscriptionSchema,
  UpdateSubscription: updateSubscriptionSchema,
  Subscription: subscriptionSchema,
  SubscriptionWithSecret: subscriptionWithSecretSchema,
  SubscriptionPage: page(subscriptionSchema),
  Secret: z.object({ secret: z.string() }),
  RotateSecret: rotateSecretSchema,
  RotatedSecret: z.object({ secret: z.string(), previousSecretExpiresAt: z.string() }),
  EndpointHealth: endpointHealthSchema,
  OrderedStream: orderedStreamSchema,
  Recover: recoverSchema,
  Recovered: z.object({ requested: z.number().int() }),
  PublishEvent: publishEventSchema,
  PublishedEvent: publishedEventSchema,
  Event: eventSchema,
  Delivery: deliverySchema,
  DeliveryWithAttempts: deliveryWithAttemptsSchema,
  DeliveryPage: page(deliverySchema),
  RedeliveryRequested: z.object({ id: z.string(), status: z.string() }),
  CreateApiKey: createApiKeySchema,
  ApiKey: apiKeySchema,
  ApiKeyWithSecret: apiKeyWithSecretSchema,
  ApiKeyPage: page(apiKeySchema),
};

interface Operation {
  summary: string;
  body?: keyof typeof components;
  /** Whether the body may be left out. */
  optionalBody?: boolean;
  query?: Array<{ name: string; schema: object; description: string }>;
  ok: [status: number, schema?: keyof typeof components];
  /** Problems this operation can answer with, besides 401/403/429/503 that every /v1 call can. */
  problems: number[];
  public?: boolean;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const limit = { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 }, description: 'page size' };
const cursor = { name: 'cursor', schema: { type: 'string' }, description: 'nextCursor of the previous page' };

const operations: Record<string, Record<string, Operation>> = {
  '/v1/subscriptions': {
    post: { summary: 'Create a subscription (the answer shows its signing secret, once)', body: 'CreateSubscription', ok: [201, 'SubscriptionWithSecret'], problems: [413, 415, 422] },
    get: { summary: 'List subscriptions', query: [limit, cursor], ok: [200, 'SubscriptionPage'], problems: [422] },
  },
  '/v1/subscriptions/{id}': {
    get: { summary: 'Get a subscription', ok: [200, 'Subscription'], problems: [404] },
    patch: { summary: 'Change a subscription (status: active, paused, disabled)', body: 'UpdateSubscription', ok: [200, 'Subscription'], problems: [404, 413, 415, 422] },
    delete: { summary: 'Delete a subscription', ok: [204], problems: [404] },
  },
  '/v1/subscriptions/{id}/secret': {
    get: { summary: "Reveal a subscription's signing secret", ok: [200, 'Secret'], problems: [404] },
  },
  '/v1/subscriptions/{id}/secret/rotate': {
    post: { summary: 'Rotate the signing secret; both sign during the overlap', body: 'RotateSecret', optionalBody: true, ok: [200, 'RotatedSecret'], problems: [404, 415, 422] },
  },
  '/v1/subscriptions/{id}/stream': {
    get: { summary: "A fifo subscription's stream: blocked on, pending, order violations", ok: [200, 'OrderedStream'], problems: [404, 409] },
  },
  '/v1/subscriptions/{id}/health': {
    get: { summary: "The endpoint's circuit breaker and failure clock", ok: [200, 'EndpointHealth'], problems: [404] },
  },
  '/v1/subscriptions/{id}/recover': {
    post: { summary: 'Redeliver every dead delivery created in a time window', body: 'Recover', ok: [202, 'Recovered'], problems: [404, 415, 422] },
  },
  '/v1/events': {
    post: { summary: 'Publish an event (Idempotency-Key honoured)', body: 'PublishEvent', ok: [202, 'PublishedEvent'], problems: [409, 413, 415, 422] },
  },
  '/v1/events/{id}': {
    get: { summary: 'An event and the status of each of its deliveries', ok: [200, 'Event'], problems: [404] },
  },
  '/v1/deliveries': {
    get: {
      summary: 'List deliveries (status=dead: the dead-letter queue)',
      query: [
        { name: 'status', schema: z.toJSONSchema(deliveryStatusSchema), description: 'pending, succeeded or dead' },
        { name: 'subscriptionId', schema: { type: 'string' }, description: 'one subscription only' },
        { name: 'eventId', schema: { type: 'string' }, description: 'one event only' },
        limit,
        cursor,
      ],
      ok: [200, 'DeliveryPage'],
      problems: [422],
    },
  },
  '/v1/deliveries/{id}': {
    get: { summary: 'A delivery and every attempt', ok: [200, 'DeliveryWithAttempts'], problems: [404] },
  },
  '/v1/deliveries/{id}/redeliver': {
    post: { summary: 'Deliver again (a dead or succeeded delivery)', ok: [202, 'RedeliveryRequested'], problems: [404, 409] },
  },
  '/v1/deliveries/{id}/skip': {
    post: {
      summary: 'Let a fifo stream blocked on this dead delivery move on without it',
      ok: [202, 'RedeliveryRequested'],
      problems: [404, 409],
    },
  },
  '/v1/keys': {
    post: { summary: 'Create an API key (shown once)', body: 'CreateApiKey', ok: [201, 'ApiKeyWithSecret'], problems: [413, 415, 422] },
    get: { summary: 'List API keys (never the keys themselves)', query: [limit, cursor], ok: [200, 'ApiKeyPage'], problems: [422] },
  },
  '/v1/keys/{id}': {
    delete: { summary: 'Revoke an API key', ok: [204], problems: [404] },
  },
  '/healthz': { get: { summary: 'Liveness', ok: [200], problems: [], public: true } },
  '/readyz': { get: { summary: 'Readiness: PostgreSQL and Temporal reachable', ok: [200], problems: [503], public: true } },
  '/metrics': { get: { summary: 'Prometheus metrics', ok: [200], problems: [], public: true } },
  '/openapi.json': { get: { summary: 'This document', ok: [200], problems: [], public: true } },
  '/docs': { get: { summary: 'API reference page', ok: [200], problems: [], public: true } },
};

const PROBLEM_TITLES: Record<number, string> = {
  400: 'Body is not valid JSON',
  401: 'Missing, unknown or revoked API key',
  403: 'The API key lacks the scope',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Validation failed; `errors` names each field',
  429: 'Rate limited; see Retry-After',
  503: 'PostgreSQL or Temporal unreachable; see Retry-After',
};

function schemasFromZod(): Record<string, object> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', uri: (id) => `#/components/schemas/${id}` });
  // Each entry's own $schema/$id are noise inside an OpenAPI document.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}

function operationObject(path: string, method: string, op: Operation): object {
  const problems = op.public ? op.problems : [...new Set([...op.problems, 401, 403, 429, 503])].sort();
  if (op.body && !op.optionalBody) problems.push(400);
  const responses: Record<string, object> = {
    [op.ok[0]]: op.ok[1]
      ? { description: 'OK', content: { 'application/json': { schema: ref(op.ok[1]) } } }
      : { description: 'OK' },
  };
  for (const status of [...new Set(problems)].sort()) {
    responses[status] = { description: PROBLEM_TITLES[status] ?? 'Problem', content: { 'application/problem+json': { schema: ref('Problem') } } };
  }
  const parameters = [
    ...(path.includes('{id}') ? [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] : []),
    ...(op.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, schema: q.schema, description: q.description })),
    ...(path === '/v1/events' && method === 'post'
      ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'the same key always yields the same event' }]
      : []),
  ];
  return {
    summary: op.summary,
    operationId: `${method}${path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
    ...(op.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: !op.optionalBody, content: { 'application/json': { schema: ref(op.body) } } } } : {}),
    responses,
  };
}

let cached: object | undefined;

export function openApiDocument(): object {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'hookflow',
      version: VERSION,
      description: 'Durable webhook delivery on Temporal and PostgreSQL. Every /v1 call needs `Authorization: Bearer <API key>`.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths: Object.fromEntries(
      Object.entries(operations).map(([path, methods]) => [
        path,
        Object.fromEntries(Object.entries(methods).map(([method, op]) => [method, operationObject(path, method, op)])),
      ]),
    ),
    components: {
      schemas: schemasFromZod(),
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An hookflow API key (hfk_…)' } },
    },
  };
  return cached;
}

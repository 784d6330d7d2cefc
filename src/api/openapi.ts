// The OpenAPI 3.1 document, its schemas generated from the same zod schemas
// that validate requests (JSON Schema 2020-12, which OpenAPI 3.1 uses). A test
// checks that every route the app registers is described here, and no other.
import { z } from 'zod';
import { apiKeySchema, apiKeyWithSecretSchema, createApiKeySchema } from '../schemas/api-key.js';
import { jsonValueSchema, problemSchema } from '../schemas/common.js';
import { deliverySchema, deliveryStatusSchema, deliveryWithAttemptsSchema } from '../schemas/delivery.js';
import { eventSchema, eventSummarySchema, publishEventSchema, publishedEventSchema } from '../schemas/event.js';
import { createEventTypeSchema, eventTypeSchemaVersionSchema, eventTypeViewSchema, updateEventTypeSchema } from '../schemas/event-type.js';
import { recoverySchema, recoveryStartedSchema } from '../schemas/recovery.js';
import {
  createSubscriptionSchema,
  endpointHealthSchema,
  orderedStreamSchema,
  recoverSchema,
  rotateSecretSchema,
  rotatedKeySchema,
  subscriptionSchema,
  subscriptionStatusSchema,
  subscriptionWithSecretSchema,
  updateSubscriptionSchema,
  verificationKeySchema,
} from '../schemas/subscription.js';
import {
  createTenantSchema,
  issuePortalTokenSchema,
  portalTokenSchema,
  tenantSchema,
  updateTenantSchema,
} from '../schemas/tenant.js';
import { testSendResultSchema, testSendSchema } from '../schemas/test-send.js';
import { platformUsageSchema, tenantUsageSchema } from '../schemas/usage.js';
import { auditEventSchema, auditResourceTypeSchema } from '../schemas/audit-event.js';
import { callerSchema } from '../schemas/caller.js';
import { VERSION } from '../version.js';

const page = (item: z.ZodType) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

const components: Record<string, z.ZodType> = {
  JsonValue: jsonValueSchema,
  Problem: problemSchema,
  Caller: callerSchema,
  CreateSubscription: createSubscriptionSchema,
  UpdateSubscription: updateSubscriptionSchema,
  Subscription: subscriptionSchema,
  SubscriptionWithSecret: subscriptionWithSecretSchema,
  SubscriptionPage: page(subscriptionSchema),
  VerificationKey: verificationKeySchema,
  RotateSecret: rotateSecretSchema,
  RotatedKey: rotatedKeySchema,
  TestSend: testSendSchema,
  TestSendResult: testSendResultSchema,
  EndpointHealth: endpointHealthSchema,
  OrderedStream: orderedStreamSchema,
  Recover: recoverSchema,
  RecoveryStarted: recoveryStartedSchema,
  Recovery: recoverySchema,
  PublishEvent: publishEventSchema,
  PublishedEvent: publishedEventSchema,
  Event: eventSchema,
  EventSummaryPage: page(eventSummarySchema),
  CreateEventType: createEventTypeSchema,
  UpdateEventType: updateEventTypeSchema,
  EventType: eventTypeViewSchema,
  EventTypePage: page(eventTypeViewSchema),
  EventTypeSchemaVersions: z.object({ data: z.array(eventTypeSchemaVersionSchema) }),
  Delivery: deliverySchema,
  DeliveryWithAttempts: deliveryWithAttemptsSchema,
  DeliveryPage: page(deliverySchema),
  RedeliveryRequested: z.object({ id: z.string(), status: z.string() }),
  CreateApiKey: createApiKeySchema,
  ApiKey: apiKeySchema,
  ApiKeyWithSecret: apiKeyWithSecretSchema,
  ApiKeyPage: page(apiKeySchema),
  CreateTenant: createTenantSchema,
  UpdateTenant: updateTenantSchema,
  Tenant: tenantSchema,
  TenantPage: page(tenantSchema),
  IssuePortalToken: issuePortalTokenSchema,
  PortalToken: portalTokenSchema,
  TenantUsage: tenantUsageSchema,
  PlatformUsage: platformUsageSchema,
  AuditEvent: auditEventSchema,
  AuditEventPage: page(auditEventSchema),
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
const tenantId = { name: 'tenantId', schema: { type: 'string' }, description: "one tenant's only (a caller limited to a tenant always sees its own)" };

const subscriptionStatus = { name: 'status', schema: { type: 'string', enum: subscriptionStatusSchema.options }, description: 'only subscriptions of this status' };
const since = { name: 'since', schema: { type: 'string', format: 'date-time' }, description: 'created at or after' };
const until = { name: 'until', schema: { type: 'string', format: 'date-time' }, description: 'created before (after since)' };

const usageRange = [
  { name: 'from', schema: { type: 'string', format: 'date' }, description: 'first UTC day (inclusive); 29 days before `to` by default' },
  { name: 'to', schema: { type: 'string', format: 'date' }, description: 'last UTC day (inclusive); today by default; at most 366 days in all' },
];

const operations: Record<string, Record<string, Operation>> = {
  '/v1/subscriptions': {
    post: { summary: 'Create a subscription (v1: the answer shows its signing secret, once; v1a: its public key)', body: 'CreateSubscription', ok: [201, 'SubscriptionWithSecret'], problems: [413, 415, 422] },
    get: { summary: 'List subscriptions', query: [tenantId, subscriptionStatus, limit, cursor], ok: [200, 'SubscriptionPage'], problems: [404, 422] },
  },
  '/v1/subscriptions/{id}': {
    get: { summary: 'Get a subscription', ok: [200, 'Subscription'], problems: [404] },
    patch: { summary: 'Change a subscription (status: active, paused, disabled)', body: 'UpdateSubscription', ok: [200, 'Subscription'], problems: [404, 413, 415, 422] },
    delete: { summary: 'Delete a subscription', ok: [204], problems: [404] },
  },
  '/v1/subscriptions/{id}/secret': {
    get: { summary: 'What receivers verify signatures with: the v1 secret, or the v1a public key (never the private key)', ok: [200, 'VerificationKey'], problems: [404] },
  },
  '/v1/subscriptions/{id}/secret/rotate': {
    post: {
      summary: 'Rotate the signing key (optionally to another scheme); both sign during the overlap',
      body: 'RotateSecret',
      optionalBody: true,
      ok: [200, 'RotatedKey'],
      problems: [404, 415, 422],
    },
  },
  '/v1/subscriptions/{id}/test': {
    post: {
      summary: 'Send a signed test request (webhook-id test_…, header webhook-test: true) now; 200 describes the attempt, whatever the receiver answered',
      body: 'TestSend',
      optionalBody: true,
      ok: [200, 'TestSendResult'],
      problems: [400, 404, 413, 415, 422],
    },
  },
  '/v1/subscriptions/{id}/stream': {
    get: { summary: "A fifo subscription's stream: blocked on, pending, order violations", ok: [200, 'OrderedStream'], problems: [404, 409] },
  },
  '/v1/subscriptions/{id}/health': {
    get: { summary: "The endpoint's circuit breaker and failure clock", ok: [200, 'EndpointHealth'], problems: [404] },
  },
  '/v1/subscriptions/{id}/recover': {
    post: {
      summary:
        'Start redelivering every dead delivery created in a window of at most 31 days (until defaults to now), in the background; 202 with Location, the recovery to follow. The same window while one runs joins it',
      body: 'Recover',
      ok: [202, 'RecoveryStarted'],
      problems: [404, 415, 422],
    },
  },
  '/v1/subscriptions/{id}/recoveries/{recoveryId}': {
    get: { summary: 'A dead-letter recovery: its window, running or done, and deliveries found, redelivered and skipped', ok: [200, 'Recovery'], problems: [404] },
  },
  '/v1/events': {
    post: { summary: "Publish an event (Idempotency-Key honoured; 429 quota-exceeded once the tenant's eventsPerDay is used up)", body: 'PublishEvent', ok: [202, 'PublishedEvent'], problems: [409, 413, 415, 422] },
    get: {
      summary: 'List events recorded so far, newest first, with their deliveries counted by status (a limited caller: its own tenant\'s)',
      query: [{ name: 'type', schema: { type: 'string' }, description: 'one event type only (exact)' }, tenantId, since, until, limit, cursor],
      ok: [200, 'EventSummaryPage'],
      problems: [404, 422],
    },
  },
  '/v1/events/{id}': {
    get: { summary: 'An event and the status of each of its deliveries', ok: [200, 'Event'], problems: [404] },
  },
  '/v1/event-types': {
    post: { summary: 'Add an event type to the catalog (with a JSON Schema 2020-12 of its payload, and examples)', body: 'CreateEventType', ok: [201, 'EventType'], problems: [409, 413, 415, 422] },
    get: { summary: 'List the event catalog', query: [limit, cursor], ok: [200, 'EventTypePage'], problems: [422] },
  },
  '/v1/event-types/{name}': {
    get: { summary: 'An event type with its current schema and version', ok: [200, 'EventType'], problems: [404] },
    patch: { summary: 'Change an event type; a new schema becomes the next version and must accept the stored examples (a breaking change is a new name, e.g. order.created.v2)', body: 'UpdateEventType', ok: [200, 'EventType'], problems: [404, 413, 415, 422] },
  },
  '/v1/event-types/{name}/schemas': {
    get: { summary: "Every version of an event type's schema, newest first", ok: [200, 'EventTypeSchemaVersions'], problems: [404] },
  },
  '/v1/deliveries': {
    get: {
      summary: 'List deliveries (status=dead: the dead-letter queue)',
      query: [
        { name: 'status', schema: z.toJSONSchema(deliveryStatusSchema), description: 'pending, succeeded or dead' },
        { name: 'subscriptionId', schema: { type: 'string' }, description: 'one subscription only' },
        { name: 'eventId', schema: { type: 'string' }, description: 'one event only' },
        { name: 'eventType', schema: { type: 'string' }, description: 'events of one type only (exact)' },
        tenantId,
        since,
        until,
        limit,
        cursor,
      ],
      ok: [200, 'DeliveryPage'],
      problems: [404, 422],
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
    get: { summary: 'List API keys (never the keys themselves)', query: [tenantId, limit, cursor], ok: [200, 'ApiKeyPage'], problems: [422] },
  },
  '/v1/keys/{id}': {
    delete: { summary: 'Revoke an API key', ok: [204], problems: [404] },
  },
  '/v1/tenants': {
    post: { summary: 'Create a tenant (the platform only)', body: 'CreateTenant', ok: [201, 'Tenant'], problems: [409, 413, 415, 422] },
    get: { summary: 'List tenants (a limited caller: its own)', query: [limit, cursor], ok: [200, 'TenantPage'], problems: [422] },
  },
  '/v1/tenants/{id}': {
    get: { summary: 'Get a tenant', ok: [200, 'Tenant'], problems: [404] },
    patch: { summary: 'Rename a tenant, change its metadata, or (the platform only) its quotas and retentionDays', body: 'UpdateTenant', ok: [200, 'Tenant'], problems: [403, 404, 413, 415, 422] },
    delete: {
      summary: 'Delete a tenant: its subscriptions are disabled, its keys and tokens refused, its history kept until retention',
      ok: [204],
      problems: [404, 409],
    },
  },
  '/v1/tenants/{id}/portal-token': {
    post: {
      summary: 'Issue a short-lived portal token for the tenant (the platform only)',
      body: 'IssuePortalToken',
      optionalBody: true,
      ok: [201, 'PortalToken'],
      problems: [404, 415, 422],
    },
  },
  '/v1/tenants/{id}/portal-tokens': {
    delete: { summary: "Revoke every portal token of the tenant issued until now", ok: [204], problems: [404] },
  },
  '/v1/tenants/{id}/usage': {
    get: {
      summary: "A tenant's usage per UTC day: events, deliveries, attempts, failed attempts, bytes delivered",
      query: usageRange,
      ok: [200, 'TenantUsage'],
      problems: [404, 422],
    },
  },
  '/v1/usage': {
    get: { summary: "Every tenant's usage totals over a range of UTC days (the platform only)", query: usageRange, ok: [200, 'PlatformUsage'], problems: [422] },
  },
  '/v1/whoami': {
    get: { summary: 'Who the credential of this request is: kind, id, scopes and tenant (never the credential)', ok: [200, 'Caller'], problems: [] },
  },
  '/v1/audit-events': {
    get: {
      summary: 'The audit trail: every change made through the API, oldest first (a limited caller: its own tenant\'s)',
      query: [
        tenantId,
        { name: 'resourceType', schema: z.toJSONSchema(auditResourceTypeSchema), description: 'one kind of resource only' },
        { name: 'resourceId', schema: { type: 'string' }, description: 'one resource only' },
        { name: 'actorId', schema: { type: 'string' }, description: 'one API key or portal token only (by id)' },
        { name: 'action', schema: { type: 'string' }, description: 'one action only, e.g. subscription.update' },
        { name: 'since', schema: { type: 'string', format: 'date-time' }, description: 'recorded at or after' },
        { name: 'until', schema: { type: 'string', format: 'date-time' }, description: 'recorded before' },
        limit,
        cursor,
      ],
      ok: [200, 'AuditEventPage'],
      problems: [404, 422],
    },
  },
  '/healthz': { get: { summary: 'Liveness', ok: [200], problems: [], public: true } },
  '/readyz': { get: { summary: 'Readiness: PostgreSQL and Temporal reachable', ok: [200], problems: [503], public: true } },
  '/metrics': { get: { summary: 'Prometheus metrics', ok: [200], problems: [], public: true } },
  '/openapi.json': { get: { summary: 'This document', ok: [200], problems: [], public: true } },
  '/asyncapi.json': { get: { summary: 'The event catalog as an AsyncAPI 3.0 document: what subscribers receive', ok: [200], problems: [503], public: true } },
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
  429: 'Rate limited, or (type quota-exceeded) a quota used up; see Retry-After',
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
    ...[...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
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
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: "A hookflow API key (hfk_…), or a tenant's portal token (a JWT)" },
      },
    },
  };
  return cached;
}

// What the OpenAPI document calls the schemas it shows under
// components/schemas. Naming only: a schema a route uses that is not named
// here still appears, under a name made from its operation
// (`PostV1SubscriptionsIdRecover202`), so forgetting an entry loses nothing.
import type { z } from 'zod';
import { apiKeySchema, apiKeyWithSecretSchema, createApiKeySchema } from '../schemas/api-key.js';
import { auditEventSchema } from '../schemas/audit-event.js';
import { jsonValueSchema, pageSchema, problemSchema } from '../schemas/common.js';
import { deliverySchema, deliveryWithAttemptsSchema, redeliveryRequestedSchema } from '../schemas/delivery.js';
import { eventSchema, eventSummarySchema, publishEventSchema, publishedEventSchema } from '../schemas/event.js';
import { recoverySchema, recoveryStartedSchema } from '../schemas/recovery.js';
import { callerSchema } from '../schemas/caller.js';
import { statsSchema } from '../schemas/stats.js';
import { createEventTypeSchema, eventTypeSchemaVersionsSchema, eventTypeViewSchema, updateEventTypeSchema } from '../schemas/event-type.js';
import {
  createSubscriptionSchema,
  endpointHealthSchema,
  orderedStreamSchema,
  recoverSchema,
  rotateSecretSchema,
  rotatedKeySchema,
  subscriptionSchema,
  subscriptionWithSecretSchema,
  updateSubscriptionSchema,
  verificationKeySchema,
} from '../schemas/subscription.js';
import { createTenantSchema, issuePortalTokenSchema, portalTokenSchema, tenantSchema, updateTenantSchema } from '../schemas/tenant.js';
import { testSendResultSchema, testSendSchema } from '../schemas/test-send.js';
import { platformUsageSchema, tenantUsageSchema } from '../schemas/usage.js';

export function schemaNames(): Array<[z.ZodType, string]> {
  return [
    [jsonValueSchema, 'JsonValue'],
    [problemSchema, 'Problem'],
    [createSubscriptionSchema, 'CreateSubscription'],
    [updateSubscriptionSchema, 'UpdateSubscription'],
    [subscriptionSchema, 'Subscription'],
    [subscriptionWithSecretSchema, 'SubscriptionWithSecret'],
    [pageSchema(subscriptionSchema), 'SubscriptionPage'],
    [verificationKeySchema, 'VerificationKey'],
    [rotateSecretSchema, 'RotateSecret'],
    [rotatedKeySchema, 'RotatedKey'],
    [testSendSchema, 'TestSend'],
    [testSendResultSchema, 'TestSendResult'],
    [endpointHealthSchema, 'EndpointHealth'],
    [orderedStreamSchema, 'OrderedStream'],
    [recoverSchema, 'Recover'],
    [recoveryStartedSchema, 'RecoveryStarted'],
    [recoverySchema, 'Recovery'],
    [pageSchema(eventSummarySchema), 'EventSummaryPage'],
    [callerSchema, 'Caller'],
    [statsSchema, 'Stats'],
    [publishEventSchema, 'PublishEvent'],
    [publishedEventSchema, 'PublishedEvent'],
    [eventSchema, 'Event'],
    [createEventTypeSchema, 'CreateEventType'],
    [updateEventTypeSchema, 'UpdateEventType'],
    [eventTypeViewSchema, 'EventType'],
    [pageSchema(eventTypeViewSchema), 'EventTypePage'],
    [eventTypeSchemaVersionsSchema, 'EventTypeSchemaVersions'],
    [deliverySchema, 'Delivery'],
    [deliveryWithAttemptsSchema, 'DeliveryWithAttempts'],
    [pageSchema(deliverySchema), 'DeliveryPage'],
    [redeliveryRequestedSchema, 'RedeliveryRequested'],
    [createApiKeySchema, 'CreateApiKey'],
    [apiKeySchema, 'ApiKey'],
    [apiKeyWithSecretSchema, 'ApiKeyWithSecret'],
    [pageSchema(apiKeySchema), 'ApiKeyPage'],
    [createTenantSchema, 'CreateTenant'],
    [updateTenantSchema, 'UpdateTenant'],
    [tenantSchema, 'Tenant'],
    [pageSchema(tenantSchema), 'TenantPage'],
    [issuePortalTokenSchema, 'IssuePortalToken'],
    [portalTokenSchema, 'PortalToken'],
    [tenantUsageSchema, 'TenantUsage'],
    [platformUsageSchema, 'PlatformUsage'],
    [auditEventSchema, 'AuditEvent'],
    [pageSchema(auditEventSchema), 'AuditEventPage'],
  ];
}

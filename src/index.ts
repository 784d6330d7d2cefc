// The `hookflow` package: typed clients, and what code that talks to
// hookflow's workflows directly needs to agree on (ids, signal, search attributes).
export { createHookflowClient, HookflowApiError, type HookflowClient, type HookflowClientOptions, type PublishResult } from './client/http-client.js';
export { createHookflowTemporalClient, type HookflowTemporalClient, type HookflowTemporalClientOptions } from './client/temporal-client.js';
export {
  SEARCH_ATTRIBUTES,
  deliveryWorkflowId,
  eventWorkflowId,
  redeliverSignal,
  type DeliveryWorkflowInput,
  type EventWorkflowInput,
} from '../workflows/definitions.js';
export type { ApiKey, ApiKeyScope, ApiKeyWithSecret, CreateApiKey } from './schemas/api-key.js';
export type { Page } from './schemas/common.js';
export type { Attempt, Delivery, DeliveryStatus, DeliveryWithAttempts, ListDeliveriesQuery } from './schemas/delivery.js';
export type { AcceptedEvent, Event, PublishEvent } from './schemas/event.js';
export type {
  CreateSubscription,
  EndpointHealthView,
  RotatedKey,
  SignatureScheme,
  Subscription,
  SubscriptionStatus,
  SubscriptionWithSecret,
  UpdateSubscription,
  VerificationKey,
} from './schemas/subscription.js';
export type { TestSend, TestSendResult } from './schemas/test-send.js';

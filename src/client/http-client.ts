// The typed HTTP client, for producers and operators anywhere: every call is
// one request to hookflow's API, typed by the same zod schemas that validate it.
import type { ApiKey, ApiKeyWithSecret, CreateApiKey } from '../schemas/api-key.js';
import type { Page } from '../schemas/common.js';
import type { Delivery, DeliveryWithAttempts, ListDeliveriesQuery } from '../schemas/delivery.js';
import type { Event, PublishEvent } from '../schemas/event.js';
import type {
  CreateSubscription,
  EndpointHealthView,
  RotatedKey,
  SignatureScheme,
  Subscription,
  SubscriptionWithSecret,
  UpdateSubscription,
  VerificationKey,
} from '../schemas/subscription.js';
import type { CreateTenant, IssuePortalToken, PortalToken, Tenant, UpdateTenant } from '../schemas/tenant.js';
import type { TestSend, TestSendResult } from '../schemas/test-send.js';
import type { RecoveryStarted, RecoveryView } from '../schemas/recovery.js';
import type { PlatformUsage, TenantUsage } from '../schemas/usage.js';
import type { AuditEvent, ListAuditEventsQuery } from '../schemas/audit-event.js';

export interface HookflowClientOptions {
  /** Where the API answers, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** An API key: `admin` for everything, `publish` for publish() only. */
  apiKey: string;
  fetch?: typeof fetch;
}

/** An RFC 9457 problem the API answered with. */
export class HookflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { type: string; title: string; detail?: string; errors?: Array<{ path: string; message: string }> },
    /** Seconds the API asked to wait (429, 503), when it said. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.name = 'HookflowApiError';
  }
}

type Problem = HookflowApiError['problem'];

/** Longest part of an unexpected body quoted in an error: enough to recognise a proxy's error page. */
const EXCERPT_LENGTH = 200;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The API's problem+json; or, when something else answered (a proxy's HTML
 * 502 page, a plain-text 413), a problem that says so with the status and a
 * short excerpt, rather than a JSON syntax error that hides both.
 */
function problemOf(response: Response, text: string): Problem {
  if (text === '') return { type: 'about:blank', title: response.statusText || `HTTP ${response.status}` };
  const parsed = parseJson(text);
  const value = parsed.ok ? parsed.value : undefined;
  const isProblem = typeof value === 'object' && value !== null && typeof (value as { title?: unknown }).title === 'string';
  return isProblem ? (value as Problem) : unexpectedBody(response, text, 'a problem+json body');
}

function unexpectedBody(response: Response, text: string, expected: string): Problem {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const excerpt = oneLine.length > EXCERPT_LENGTH ? `${oneLine.slice(0, EXCERPT_LENGTH)}…` : oneLine;
  const contentType = response.headers.get('content-type') ?? 'no content-type';
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    detail: `expected ${expected}, got ${contentType}: "${excerpt}"`,
  };
}

export interface PublishResult {
  id: string;
  type: string;
  createdAt: string;
  /** True when this id or Idempotency-Key had been published before: nothing new was sent. */
  replayed: boolean;
}

export function createHookflowClient(options: HookflowClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ body: T; response: Response }> {
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      const retryAfter = response.headers.get('retry-after');
      throw new HookflowApiError(response.status, problemOf(response, text), retryAfter === null ? undefined : Number(retryAfter));
    }
    const parsed = parseJson(text);
    if (!parsed.ok) throw new HookflowApiError(response.status, unexpectedBody(response, text, 'a JSON body'), undefined);
    return { body: parsed.value as T, response };
  }
  const call = async <T>(method: string, path: string, body?: unknown) => (await request<T>(method, path, body)).body;
  const id = (value: string) => encodeURIComponent(value);
  const queryString = (query: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const text = params.toString();
    return text ? `?${text}` : '';
  };

  return {
    /** Publishes an event; the same `idempotencyKey` (or `id`) always yields the same event. */
    async publish(event: PublishEvent, publishOptions: { idempotencyKey?: string } = {}): Promise<PublishResult> {
      const headers: Record<string, string> = publishOptions.idempotencyKey ? { 'idempotency-key': publishOptions.idempotencyKey } : {};
      const { body, response } = await request<Omit<PublishResult, 'replayed'>>('POST', '/v1/events', event, headers);
      return { ...body, replayed: response.headers.get('idempotent-replayed') === 'true' };
    },
    getEvent: (eventId: string) => call<Event>('GET', `/v1/events/${id(eventId)}`),
    getDelivery: (deliveryId: string) => call<DeliveryWithAttempts>('GET', `/v1/deliveries/${id(deliveryId)}`),
    listDeliveries: (query: Partial<ListDeliveriesQuery> = {}) => call<Page<Delivery>>('GET', `/v1/deliveries${queryString({ ...query })}`),
    /** The dead-letter queue, optionally for one subscription. */
    listDeadLetters: (query: { subscriptionId?: string; limit?: number; cursor?: string } = {}) =>
      call<Page<Delivery>>('GET', `/v1/deliveries${queryString({ ...query, status: 'dead' })}`),
    redeliver: async (deliveryId: string): Promise<void> => {
      await call('POST', `/v1/deliveries/${id(deliveryId)}/redeliver`);
    },
    /** Lets a fifo stream blocked on this dead delivery move on without it. */
    skip: async (deliveryId: string): Promise<void> => {
      await call('POST', `/v1/deliveries/${id(deliveryId)}/skip`);
    },
    subscriptions: {
      create: (input: CreateSubscription) => call<SubscriptionWithSecret>('POST', '/v1/subscriptions', input),
      get: (subscriptionId: string) => call<Subscription>('GET', `/v1/subscriptions/${id(subscriptionId)}`),
      list: (query: { tenantId?: string; limit?: number; cursor?: string } = {}) =>
        call<Page<Subscription>>('GET', `/v1/subscriptions${queryString(query)}`),
      update: (subscriptionId: string, patch: UpdateSubscription) => call<Subscription>('PATCH', `/v1/subscriptions/${id(subscriptionId)}`, patch),
      delete: async (subscriptionId: string): Promise<void> => {
        await call('DELETE', `/v1/subscriptions/${id(subscriptionId)}`);
      },
      /** The shared secret of a v1 subscription (undefined for v1a: see verificationKey). */
      secret: async (subscriptionId: string) => (await call<{ secret?: string }>('GET', `/v1/subscriptions/${id(subscriptionId)}/secret`)).secret,
      /** What receivers verify with: `{ secret }` (v1) or `{ publicKey }` (v1a). */
      verificationKey: (subscriptionId: string) => call<VerificationKey>('GET', `/v1/subscriptions/${id(subscriptionId)}/secret`),
      rotateSecret: (subscriptionId: string, overlapSeconds?: number, signatureScheme?: SignatureScheme) =>
        call<RotatedKey>('POST', `/v1/subscriptions/${id(subscriptionId)}/secret/rotate`, {
          ...(overlapSeconds === undefined ? {} : { overlapSeconds }),
          ...(signatureScheme === undefined ? {} : { signatureScheme }),
        }),
      /** A signed test request to the endpoint now; the answer describes the attempt. */
      test: (subscriptionId: string, input: TestSend = {}) => call<TestSendResult>('POST', `/v1/subscriptions/${id(subscriptionId)}/test`, input),
      health: (subscriptionId: string) => call<EndpointHealthView>('GET', `/v1/subscriptions/${id(subscriptionId)}/health`),
      /** Starts redelivering the dead deliveries of a window (31 days at most) in the background; follow it with `recovery`. */
      recover: (subscriptionId: string, window: { since: string; until?: string }) =>
        call<RecoveryStarted>('POST', `/v1/subscriptions/${id(subscriptionId)}/recover`, window),
      recovery: (subscriptionId: string, recoveryId: string) =>
        call<RecoveryView>('GET', `/v1/subscriptions/${id(subscriptionId)}/recoveries/${id(recoveryId)}`),
    },
    keys: {
      create: (input: CreateApiKey) => call<ApiKeyWithSecret>('POST', '/v1/keys', input),
      list: (query: { tenantId?: string; limit?: number; cursor?: string } = {}) => call<Page<ApiKey>>('GET', `/v1/keys${queryString(query)}`),
      revoke: async (keyId: string): Promise<void> => {
        await call('DELETE', `/v1/keys/${id(keyId)}`);
      },
    },
    tenants: {
      create: (input: CreateTenant) => call<Tenant>('POST', '/v1/tenants', input),
      get: (tenantId: string) => call<Tenant>('GET', `/v1/tenants/${id(tenantId)}`),
      list: (query: { limit?: number; cursor?: string } = {}) => call<Page<Tenant>>('GET', `/v1/tenants${queryString(query)}`),
      update: (tenantId: string, patch: UpdateTenant) => call<Tenant>('PATCH', `/v1/tenants/${id(tenantId)}`, patch),
      /** Disables its subscriptions, revokes its keys and tokens; its history stays until retention. */
      delete: async (tenantId: string): Promise<void> => {
        await call('DELETE', `/v1/tenants/${id(tenantId)}`);
      },
      /** A short-lived token for the tenant's portal or its own API calls. */
      issuePortalToken: (tenantId: string, input: IssuePortalToken = {}) =>
        call<PortalToken>('POST', `/v1/tenants/${id(tenantId)}/portal-token`, input),
      /** Refuses every portal token of the tenant issued until now. */
      revokePortalTokens: async (tenantId: string): Promise<void> => {
        await call('DELETE', `/v1/tenants/${id(tenantId)}/portal-tokens`);
      },
      /** The tenant's usage per UTC day over [from, to] (both inclusive; the last 30 days by default). */
      usage: (tenantId: string, range: UsageRange = {}) => call<TenantUsage>('GET', `/v1/tenants/${id(tenantId)}/usage${queryString({ ...range })}`),
    },
    /** Every tenant's usage totals over [from, to] (the platform's keys only). */
    usage: (range: UsageRange = {}) => call<PlatformUsage>('GET', `/v1/usage${queryString({ ...range })}`),
    auditEvents: {
      /** Every change made through the API, oldest first (a tenant's caller: its own tenant's). */
      list: (query: Partial<ListAuditEventsQuery> = {}) => call<Page<AuditEvent>>('GET', `/v1/audit-events${queryString(query)}`),
    },
  };
}

/** UTC days, YYYY-MM-DD. */
export interface UsageRange {
  from?: string;
  to?: string;
}

export type HookflowClient = ReturnType<typeof createHookflowClient>;

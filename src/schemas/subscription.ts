import { z } from 'zod';
import { idSchema, jsonValueSchema, pageQuerySchema, textSchema, timestampSchema } from './common.js';
import { eventTypePatternSchema } from '../routing/event-type-pattern.js';
import { payloadFilterSchema } from '../routing/payload-filter.js';

// Headers a subscription may not set: the signature set, what HTTP itself
// manages, and hop-by-hop headers (RFC 9110 §7.6.1).
const RESERVED_HEADERS = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'webhook-test',
  'content-type',
  'content-length',
  'host',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

const headerNameSchema = z
  .string()
  .max(128)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name')
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'this header is set by hookflow and cannot be overridden')
  .describe(`any header but those hookflow sets (in any case): ${[...RESERVED_HEADERS].join(', ')}`);

const headerValueSchema = z
  .string()
  .max(2048)
  .regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'header values may not contain control characters');

/** Standard Webhooks signature schemes: `v1` HMAC-SHA256 with a shared secret, `v1a` ed25519 with a public key. */
export const signatureSchemeSchema = z.enum(['v1', 'v1a']);
export type SignatureScheme = z.infer<typeof signatureSchemeSchema>;

/**
 * `fifo`: the subscriber gets its events one at a time, in the order the API
 * accepted them (docs/ordered-delivery.md). Fixed at creation.
 */
export const orderingSchema = z.enum(['none', 'fifo']);
export type Ordering = z.infer<typeof orderingSchema>;

/** What a fifo stream does with a dead letter: wait until it is redelivered or skipped (block), or move on (skip). */
export const onDeadLetterSchema = z.enum(['block', 'skip']);
export type OnDeadLetter = z.infer<typeof onDeadLetterSchema>;

export const subscriptionStatusSchema = z.enum(['active', 'paused', 'disabled']);
export type SubscriptionStatus = z.infer<typeof subscriptionStatusSchema>;

/** GET /v1/subscriptions: a page, of one tenant's and of one status when asked. */
export const listSubscriptionsQuerySchema = pageQuerySchema.extend({
  tenantId: idSchema.optional(),
  status: subscriptionStatusSchema.optional(),
});

const subscriptionFields = {
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2048),
  /** Event type patterns: names, "*", or "prefix.*" (src/routing/event-type-pattern.ts). */
  eventTypes: z.array(eventTypePatternSchema).min(1).max(100),
  /** Only events whose payload passes it; null for every event of the types (docs/routing.md). */
  filter: payloadFilterSchema.nullable(),
  description: textSchema(1000).nullable(),
  headers: z.record(headerNameSchema, headerValueSchema).refine((h) => Object.keys(h).length <= 20, 'at most 20 custom headers'),
  /** Seconds to wait before each retry; attempts = length + 1. */
  retrySchedule: z
    .array(
      z
        .number()
        .min(0)
        .max(7 * 24 * 3600),
    )
    .max(20)
    .refine((s) => s.reduce((a, b) => a + b, 0) <= 14 * 24 * 3600, 'the schedule may span at most 14 days')
    .describe('seconds to wait before each retry (attempts: length + 1); together at most 14 days')
    .nullable(),
  timeoutMs: z.number().int().min(100).max(60_000).nullable(),
  permanentStatusCodes: z.array(z.number().int().min(300).max(599)).max(50),
  /** Deliveries per second to this endpoint, across all workers; over it, deliveries wait. */
  rateLimitPerSecond: z.number().min(0.01).max(10_000).nullable(),
};

export const createSubscriptionSchema = z
  .strictObject({
    ...subscriptionFields,
    /** The tenant it belongs to, for good; `default` when left out (a tenant's own key: that tenant). */
    tenantId: idSchema.optional(),
    description: subscriptionFields.description.optional(),
    filter: subscriptionFields.filter.optional(),
    headers: subscriptionFields.headers.optional(),
    retrySchedule: subscriptionFields.retrySchedule.optional(),
    timeoutMs: subscriptionFields.timeoutMs.optional(),
    permanentStatusCodes: subscriptionFields.permanentStatusCodes.optional(),
    rateLimitPerSecond: subscriptionFields.rateLimitPerSecond.optional(),
    /** Set at creation; a rotation may switch it (POST /v1/subscriptions/:id/secret/rotate). */
    signatureScheme: signatureSchemeSchema.optional(),
    ordering: orderingSchema.optional(),
    /** Only for `ordering: "fifo"`; `block` when left out. */
    onDeadLetter: onDeadLetterSchema.optional(),
  })
  .refine((s) => s.onDeadLetter === undefined || s.ordering === 'fifo', {
    message: 'onDeadLetter applies only to subscriptions with ordering "fifo"',
    path: ['onDeadLetter'],
  })
  .describe(
    '`onDeadLetter` only with `ordering: "fifo"`; `url` must not resolve to an address the SSRF guard forbids; `tenantId` must name a live tenant the caller reaches.',
  );
export type CreateSubscription = z.infer<typeof createSubscriptionSchema>;

export const updateSubscriptionSchema = z
  .strictObject({ ...subscriptionFields, status: subscriptionStatusSchema })
  .partial()
  .describe('`{}` changes nothing (an empty merge patch, RFC 7396) and answers the subscription as it is');
export type UpdateSubscription = z.infer<typeof updateSubscriptionSchema>;

export const subscriptionSchema = z.object({
  id: idSchema,
  tenantId: idSchema,
  url: z.string(),
  eventTypes: z.array(z.string()),
  filter: z.record(z.string(), jsonValueSchema).nullable(),
  description: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  status: subscriptionStatusSchema,
  retrySchedule: z.array(z.number()).nullable(),
  timeoutMs: z.number().int().nullable(),
  permanentStatusCodes: z.array(z.number().int()),
  rateLimitPerSecond: z.number().nullable(),
  /** Why hookflow disabled it (410 Gone, failing too long); null when it is not disabled by hookflow. */
  disabledReason: z.string().nullable(),
  signatureScheme: signatureSchemeSchema,
  /** v1a: the `whpk_` ed25519 public key receivers verify signatures with; null for v1. */
  publicKey: z.string().nullable(),
  ordering: orderingSchema,
  /** For fifo subscriptions; null otherwise. */
  onDeadLetter: onDeadLetterSchema.nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Subscription = z.infer<typeof subscriptionSchema>;

/** The create answer: v1 shows the shared `whsec_` secret (once); v1a has none to show, only `publicKey`. */
export const subscriptionWithSecretSchema = subscriptionSchema.extend({ secret: z.string().optional() });
export type SubscriptionWithSecret = z.infer<typeof subscriptionWithSecretSchema>;

/**
 * What a receiver needs to verify signatures: the shared secret (v1), or the
 * public key (v1a). An ed25519 private key is never shown.
 */
export const verificationKeySchema = z.union([z.object({ secret: z.string() }), z.object({ publicKey: z.string() })]);
export type VerificationKey = z.infer<typeof verificationKeySchema>;

export const rotatedKeySchema = z.intersection(verificationKeySchema, z.object({ previousSecretExpiresAt: timestampSchema }));
export type RotatedKey = z.infer<typeof rotatedKeySchema>;

export const rotateSecretSchema = z.strictObject({
  /** How long the previous secret keeps signing next to the new one; 0 ends it at once. */
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .optional(),
  /** Switch schemes with this rotation (the old key keeps signing under its own scheme during the overlap); the current scheme by default. */
  signatureScheme: signatureSchemeSchema.optional(),
});

/** A recovery looks this far back at most, so one request is a bounded amount of work. */
export const MAX_RECOVERY_WINDOW_DAYS = 31;

export const recoverSchema = z
  .strictObject({ since: timestampSchema, until: timestampSchema.optional() })
  .superRefine((w, ctx) => {
    // Without `until` the window ends now: `since` is the bound to move.
    const field = w.until === undefined ? 'since' : 'until';
    const end = w.until === undefined ? Date.now() : Date.parse(w.until);
    if (w.until === undefined && Date.parse(w.since) >= end) {
      ctx.addIssue({ code: 'custom', path: ['since'], message: 'since must be in the past' });
    }
    if (end - Date.parse(w.since) > MAX_RECOVERY_WINDOW_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `the window from since to ${w.until === undefined ? 'now' : 'until'} is at most ${MAX_RECOVERY_WINDOW_DAYS} days`,
      });
    }
  })
  .describe(
    `Dead deliveries created at or after \`since\` and before \`until\` (now when left out), a window of at most ${MAX_RECOVERY_WINDOW_DAYS} days; without \`until\`, \`since\` must be in the past; \`until\` at or before \`since\` is an empty window`,
  );
export type Recover = z.infer<typeof recoverSchema>;

/** GET /v1/subscriptions/:id/stream: a fifo subscription's stream. */
export const orderedStreamSchema = z.object({
  subscriptionId: idSchema,
  /** The dead delivery the stream waits behind (block mode) until it is redelivered or skipped; null when flowing. */
  blockedOn: idSchema.nullable(),
  /** Deliveries waiting in the stream, the head included. */
  pending: z.number().int(),
  /** Deliveries sent behind a later-accepted event (docs/ordered-delivery.md). */
  orderViolations: z.number().int(),
});
export type OrderedStreamView = z.infer<typeof orderedStreamSchema>;

export const endpointHealthSchema = z.object({
  subscriptionId: idSchema,
  state: z.enum(['closed', 'open', 'half_open']),
  consecutiveFailures: z.number().int(),
  trips: z.number().int(),
  openUntil: timestampSchema.nullable(),
  lastSuccessAt: timestampSchema.nullable(),
  failingSince: timestampSchema.nullable(),
  transitions: z.array(z.object({ at: timestampSchema, from: z.string(), to: z.string(), reason: z.string() })),
});
export type EndpointHealthView = z.infer<typeof endpointHealthSchema>;

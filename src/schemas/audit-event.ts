import { z } from 'zod';
import { idSchema, jsonValueSchema, pageQuerySchema, timestampSchema } from './common.js';

/** What kind of thing an audit event is about. */
export const auditResourceTypeSchema = z.enum(['subscription', 'tenant', 'api-key', 'event-type', 'delivery']);
export type AuditResourceType = z.infer<typeof auditResourceTypeSchema>;

/** One change made through the API, as GET /v1/audit-events shows it. */
export const auditEventSchema = z.object({
  id: z.string(),
  at: timestampSchema,
  /** The tenant the change concerns; null for platform-wide changes (the event catalog, platform keys). */
  tenantId: z.string().nullable(),
  /** The key or portal token that made it, by id: `key_…`, `env:HOOKFLOW_ADMIN_KEY` or `ptk_…`. Never a credential. */
  actor: z.object({ kind: z.enum(['api-key', 'portal-token']), id: z.string() }),
  /** `<resource>.<verb>`, e.g. `subscription.update`, `subscription.secret.reveal`, `delivery.redeliver`. */
  action: z.string(),
  resource: z.object({ type: auditResourceTypeSchema, id: z.string() }),
  /** The TCP peer of the request as the API process saw it (a proxy's address behind one); null when unknown. */
  sourceAddress: z.string().nullable(),
  /** The request's X-Request-Id, when it sent one. */
  requestId: z.string().nullable(),
  /** The changed fields before and after, secrets redacted; null for a creation (before) or a deletion (after). */
  before: z.record(z.string(), jsonValueSchema).nullable(),
  after: z.record(z.string(), jsonValueSchema).nullable(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const listAuditEventsQuerySchema = pageQuerySchema.extend({
  tenantId: idSchema.optional(),
  resourceType: auditResourceTypeSchema.optional(),
  resourceId: z.string().min(1).max(256).optional(),
  actorId: z.string().min(1).max(128).optional(),
  action: z.string().min(1).max(128).optional(),
  since: timestampSchema.optional(),
  until: timestampSchema.optional(),
});
export type ListAuditEventsQuery = z.infer<typeof listAuditEventsQuerySchema>;

import { z } from 'zod';
import { apiKeyScopeSchema } from './api-key.js';
import { idSchema, jsonValueSchema, pageQuerySchema, textSchema, timestampSchema } from './common.js';
import { tenantQuotasSchema } from './usage.js';

/** The tenant that single-tenant use publishes to and subscribes in without naming one. */
export const DEFAULT_TENANT_ID = 'default';

/** Free-form data the platform keeps with a tenant (its own customer id, plan…): at most 4 KiB of JSON. */
const metadataSchema = z
  .record(z.string().max(128), jsonValueSchema)
  .refine((m) => JSON.stringify(m).length <= 4096, 'metadata may take at most 4096 bytes of JSON');

export const createTenantSchema = z.strictObject({
  /** Chosen by the platform (its own customer id, say) or generated. */
  id: idSchema.optional(),
  name: textSchema(200, { minLength: 1 }),
  metadata: metadataSchema.optional(),
});
export type CreateTenant = z.infer<typeof createTenantSchema>;

/**
 * How many days the tenant's events, deliveries and attempts are kept
 * (src/retention/): null takes the platform's HOOKFLOW_RETENTION_DAYS.
 */
export const retentionDaysSchema = z.number().int().min(1).max(3650).nullable();

export const updateTenantSchema = z
  .strictObject({
    name: textSchema(200, { minLength: 1 }),
    metadata: metadataSchema,
    /** The platform only: a caller limited to the tenant may not change how long its history is kept. */
    retentionDays: retentionDaysSchema,
    /** The platform's alone to set: a caller limited to the tenant gets 403. */
    quotas: tenantQuotasSchema.partial(),
  })
  .partial()
  .describe('`{}` changes nothing (an empty merge patch, RFC 7396) and answers the tenant as it is');
export type UpdateTenant = z.infer<typeof updateTenantSchema>;

export const tenantSchema = z.object({
  id: idSchema,
  name: z.string(),
  metadata: z.record(z.string(), jsonValueSchema),
  retentionDays: retentionDaysSchema,
  quotas: tenantQuotasSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Tenant = z.infer<typeof tenantSchema>;

/** `?tenantId=` on lists: one tenant's items only. */
export const tenantFilterSchema = z.strictObject({ tenantId: idSchema.optional() });

export const listTenantsQuerySchema = pageQuerySchema;

/** What a portal token may do within its tenant: the API key scopes, and by default `admin` (everything of that tenant). */
export const issuePortalTokenSchema = z.strictObject({
  scopes: z.array(apiKeyScopeSchema).min(1).max(3).optional(),
  /** Lifetime in seconds: 1 hour unless asked, at most 24 hours. */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(24 * 3600)
    .optional(),
});
export type IssuePortalToken = z.infer<typeof issuePortalTokenSchema>;

export const portalTokenSchema = z.object({
  token: z.string(),
  tenantId: idSchema,
  scopes: z.array(apiKeyScopeSchema),
  expiresAt: timestampSchema,
});
export type PortalToken = z.infer<typeof portalTokenSchema>;

import { z } from 'zod';
import { idSchema, textSchema, timestampSchema } from './common.js';

/**
 * `admin`: everything (within its tenant, for a key limited to one);
 * `publish`: only `POST /v1/events`, for producers; `read`: every GET.
 */
export const apiKeyScopeSchema = z.enum(['admin', 'publish', 'read']);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

export const createApiKeySchema = z.strictObject({
  name: textSchema(200, { minLength: 1 }),
  scopes: z.array(apiKeyScopeSchema).min(1).max(3),
  /** Limits the key to this tenant's resources; left out, the key reaches every tenant. */
  tenantId: idSchema.optional(),
});
export type CreateApiKey = z.infer<typeof createApiKeySchema>;

export const apiKeySchema = z.object({
  id: idSchema,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  tenantId: idSchema.nullable(),
  createdAt: timestampSchema,
  revokedAt: timestampSchema.nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const apiKeyWithSecretSchema = apiKeySchema.extend({ key: z.string() });
export type ApiKeyWithSecret = z.infer<typeof apiKeyWithSecretSchema>;

import { z } from 'zod';
import { apiKeyScopeSchema } from './api-key.js';

/** Who the credential of a request is (GET /v1/whoami): never the credential itself. */
export const callerSchema = z.object({
  kind: z.enum(['api-key', 'portal-token']),
  /** The API key's id, `env:HOOKFLOW_ADMIN_KEY`, or the portal token's id. */
  keyId: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  /** The one tenant the credential may reach; null: every tenant (the platform). */
  tenantId: z.string().nullable(),
});
export type CallerView = z.infer<typeof callerSchema>;

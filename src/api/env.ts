import type { ApiKeyScope } from '../schemas/api-key.js';

/** Who is calling, as the auth middleware established it. */
export interface Caller {
  kind: 'api-key' | 'portal-token';
  /** The key's id, `env:HOOKFLOW_ADMIN_KEY` for the key given in the environment, or the portal token's id. */
  keyId: string;
  scopes: readonly ApiKeyScope[];
  /** The one tenant this caller may reach; undefined: every tenant (the platform itself). */
  tenantId: string | undefined;
}

/** Hono's environment for hookflow's routes. */
export interface AppEnv {
  Variables: { caller: Caller };
}

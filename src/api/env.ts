import type { ApiKeyScope } from '../schemas/api-key.js';

/** Who is calling, as the auth middleware established it. */
export interface Caller {
  /** The key's id, or `env:HOOKFLOW_ADMIN_KEY` for the key given in the environment. */
  keyId: string;
  scopes: readonly ApiKeyScope[];
}

/** Hono's environment for hookflow's routes. */
export interface AppEnv {
  Variables: { caller: Caller };
}

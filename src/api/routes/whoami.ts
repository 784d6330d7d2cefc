// Who the request's credential is: what a console or a script shows as
// "signed in as", and how a portal learns its tenant from its token.
import { Hono } from 'hono';
import type { CallerView } from '../../schemas/caller.js';
import type { AppEnv } from '../env.js';

export function whoamiRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => {
    const caller = c.get('caller');
    const view: CallerView = { kind: caller.kind, keyId: caller.keyId, scopes: [...caller.scopes], tenantId: caller.tenantId ?? null };
    return c.json(view);
  });
  return app;
}

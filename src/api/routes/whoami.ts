// Who the request's credential is: what a console or a script shows as
// "signed in as", and how a portal learns its tenant from its token.
import { OpenAPIHono } from '@hono/zod-openapi';
import { callerSchema, type CallerView } from '../../schemas/caller.js';
import type { AppEnv } from '../env.js';
import { defineRoute, jsonAnswer } from '../route.js';

const whoami = defineRoute({
  method: 'get',
  path: '/',
  summary: 'Who the credential of this request is: kind, id, scopes and tenant (never the credential); any scope may ask',
  responses: { 200: jsonAnswer(callerSchema, 'The caller') },
});

export function whoamiRoutes(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(whoami, (c) => {
    const caller = c.get('caller');
    const view: CallerView = { kind: caller.kind, keyId: caller.keyId, scopes: [...caller.scopes], tenantId: caller.tenantId ?? null };
    return c.json(view, 200);
  });
  return app;
}

// GET /v1/stats: the /metrics figures for the whole system over the last hour
// or day, per bucket (src/schemas/stats.ts says what each one counts). A
// caller limited to a tenant gets its own tenant's; the platform every
// tenant's, or one with ?tenantId=.
import { OpenAPIHono } from '@hono/zod-openapi';
import { countBreakers, countDeadLetters, countWindow, listOpenBreakers } from '../../db/stats.js';
import { statsQuerySchema, statsSchema, type Stats } from '../../schemas/stats.js';
import { layOut, statsSpan } from '../../stats/stats-window.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { tenantForList } from '../tenant-scope.js';
import { defineRoute, jsonAnswer, problemAnswers } from '../route.js';

const stats = defineRoute({
  method: 'get',
  path: '/',
  summary:
    'The /metrics figures for the whole system (or one tenant) over the last hour or day, per bucket: events, settled deliveries, attempts by status class, dead letters and breakers now',
  request: { query: statsQuerySchema },
  responses: { 200: jsonAnswer(statsSchema, 'The figures'), ...problemAnswers(404) },
});

export function statsRoutes(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(stats, async (c) => {
    const input = c.req.valid('query');
    const tenantId = tenantForList(c, input.tenantId);
    const span = statsSpan(input.window, new Date());
    const [rows, deadLetters, breakers, openBreakers] = await Promise.all([
      countWindow(deps.pool, span, tenantId),
      countDeadLetters(deps.pool, tenantId),
      countBreakers(deps.pool, tenantId),
      listOpenBreakers(deps.pool, tenantId),
    ]);
    const figures: Stats = {
      window: input.window,
      tenantId: tenantId ?? null,
      since: span.since.toISOString(),
      until: span.until.toISOString(),
      bucketSeconds: span.bucketSeconds,
      ...layOut(span, rows),
      deadLetters,
      breakers,
      openBreakers,
    };
    return c.json(figures, 200);
  });
  return app;
}

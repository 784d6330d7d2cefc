// GET /v1/stats: the /metrics figures for the whole system over the last hour
// or day, per bucket (src/schemas/stats.ts says what each one counts). A
// caller limited to a tenant gets its own tenant's; the platform every
// tenant's, or one with ?tenantId=.
import { Hono } from 'hono';
import { countBreakers, countDeadLetters, countWindow, listOpenBreakers } from '../../db/stats.js';
import { statsQuerySchema, type Stats } from '../../schemas/stats.js';
import { layOut, statsSpan } from '../../stats/stats-window.js';
import type { ApiDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import { tenantForList } from '../tenant-scope.js';
import { query } from '../validate.js';

export function statsRoutes(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const input = query(c, statsQuerySchema);
    const tenantId = tenantForList(c, input.tenantId);
    const span = statsSpan(input.window, new Date());
    const [rows, deadLetters, breakers, openBreakers] = await Promise.all([
      countWindow(deps.pool, span, tenantId),
      countDeadLetters(deps.pool, tenantId),
      countBreakers(deps.pool, tenantId),
      listOpenBreakers(deps.pool, tenantId),
    ]);
    const stats: Stats = {
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
    return c.json(stats);
  });
  return app;
}

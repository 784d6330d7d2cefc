import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { defineRoute, jsonAnswer } from '../route.js';

const READY_CHECK_TIMEOUT_MS = 2_000;

const checkSchema = z.enum(['ok', 'unavailable']);
const readinessSchema = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.object({ postgres: checkSchema, temporal: checkSchema }) });

const liveness = defineRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness',
  security: [],
  responses: { 200: jsonAnswer(z.object({ status: z.literal('ok') }), 'The process answers') },
});

const metricsRoute = defineRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics',
  security: [],
  responses: { 200: { description: 'The Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } },
});

const readiness = defineRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: PostgreSQL and Temporal reachable',
  security: [],
  responses: { 200: jsonAnswer(readinessSchema, 'Both reachable'), 503: jsonAnswer(readinessSchema, 'One or both unreachable') },
});

export function healthRoutes({ pool, temporal, metrics }: ApiDeps): OpenAPIHono {
  const app = new OpenAPIHono();

  // Liveness: the process answers. Nothing external, so a database outage
  // does not get the API restarted in a loop.
  app.openapi(liveness, (c) => c.json({ status: 'ok' as const }, 200));

  // Prometheus scrapes, like the health checks, need no API key.
  app.openapi(metricsRoute, async (c) => {
    return c.text(await metrics.scrape(), 200, { 'content-type': metrics.contentType });
  });

  // Readiness: both stores reachable, each check bounded in time.
  app.openapi(readiness, async (c) => {
    const [postgres, temporalCheck] = await Promise.all([
      check(() => pool.query('SELECT 1')),
      check(() => temporal.connection.workflowService.getSystemInfo({})),
    ]);
    const ready = postgres === 'ok' && temporalCheck === 'ok';
    const answer = { status: ready ? ('ready' as const) : ('unavailable' as const), checks: { postgres, temporal: temporalCheck } };
    return ready ? c.json(answer, 200) : c.json(answer, 503);
  });

  return app;
}

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), READY_CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

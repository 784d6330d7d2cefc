import { Hono } from 'hono';
import type { ApiDeps } from '../deps.js';

const READY_CHECK_TIMEOUT_MS = 2_000;

export function healthRoutes({ pool, temporal, metrics }: ApiDeps): Hono {
  const app = new Hono();

  // Liveness: the process answers. Nothing external, so a database outage
  // does not get the API restarted in a loop.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  // Prometheus scrapes, like the health checks, need no API key.
  app.get('/metrics', async (c) => {
    c.header('content-type', metrics.contentType);
    return c.body(await metrics.scrape());
  });

  // Readiness: both stores reachable, each check bounded in time.
  app.get('/readyz', async (c) => {
    const [postgres, temporalCheck] = await Promise.all([
      check(() => pool.query('SELECT 1')),
      check(() => temporal.connection.workflowService.getSystemInfo({})),
    ]);
    const ready = postgres === 'ok' && temporalCheck === 'ok';
    return c.json({ status: ready ? 'ready' : 'unavailable', checks: { postgres, temporal: temporalCheck } }, ready ? 200 : 503);
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

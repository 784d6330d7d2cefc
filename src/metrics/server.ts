import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HookflowMetrics } from './metrics.js';

/** The worker's own /metrics endpoint (the API serves its metrics on its own port). */
export async function startMetricsServer(
  metrics: Pick<HookflowMetrics, 'scrape' | 'contentType'>,
  port: number,
  host = '0.0.0.0',
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.scrape().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${actual}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

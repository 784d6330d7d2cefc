// `npm run screenshots`: runs hookflow with its Temporal Web UI, delivers one
// event that succeeds and one that is dead-lettered, and photographs with
// Debian's headless Chromium what an operator looks at: an event and its
// deliveries, the dead-letter queue, and the API reference. PNGs go to docs/screenshots/ for the README.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../src/dev/ports.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { createLogger } from '../../src/logger.js';
import { startApiServer } from '../../src/runtime/api-server.js';
import { startHookflowParts, startScratchStack } from '../support/hookflow-parts.js';
import { alwaysFail, alwaysOk, startReceiver } from '../support/receiver.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

async function main(): Promise<void> {
  const uiPort = await freePort();
  const scratch = await startScratchStack('hookflow-shots', { temporalUiPort: uiPort });
  const { infrastructure, pool, temporal } = scratch;
  const ok = await startReceiver(alwaysOk);
  const broken = await startReceiver(alwaysFail);
  try {
    const { apiDeps, worker, adminKey: key } = await startHookflowParts({
      pool,
      temporal,
      temporalAddress: infrastructure.temporalAddress,
      taskQueue: 'hookflow',
      logger: createLogger('warn'),
      retryScheduleSeconds: [1, 1],
    });
    const api = await startApiServer(apiDeps, await freePort());
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${api.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as any;
    };

    const good = await call('POST', '/v1/subscriptions', { url: `${ok.url.replace('/webhook', '')}/orders`, eventTypes: ['order.created'] });
    const bad = await call('POST', '/v1/subscriptions', { url: `${broken.url.replace('/webhook', '')}/erp`, eventTypes: ['order.created'] });
    const event = await call('POST', '/v1/events', { type: 'order.created', payload: { orderId: 1001, total: '12.50' } });
    progress(`published ${event.id}; waiting for one delivery to succeed and one to die`);
    for (;;) {
      const shown = await call('GET', `/v1/events/${event.id}`);
      const statuses = (shown.deliveries ?? []).map((d: { status: string }) => d.status).sort();
      if (statuses.join() === 'dead,succeeded') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // visibility catches up

    const ui = `http://localhost:${uiPort}/namespaces/default`;
    await mkdir(OUT, { recursive: true });
    // A workflow's own history page keeps streaming and never settles for a
    // headless screenshot; the lists below are what an operator starts from.
    await shoot('1-event-and-deliveries.png', `${ui}/workflows?query=${encodeURIComponent(`HookflowEventId="${event.id}"`)}`);
    await shoot('2-dead-letter-queue.png', `${ui}/workflows?query=${encodeURIComponent('HookflowDeliveryStatus="dead"')}`);
    await shoot('3-api-reference.png', `${api.url}/docs`);
    progress(`screenshots in ${path.relative(ROOT, OUT)} (subscriptions ${good.id} succeeding, ${bad.id} dead-lettered)`);
    await api.close();
    await worker.shutdown();
  } finally {
    await Promise.all([ok.close(), broken.close()]);
    await scratch.stop();
  }
}

async function shoot(name: string, url: string): Promise<void> {
  progress(`chromium: ${url}`);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'hookflow-chromium-'));
  try {
    await run(CHROMIUM, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--hide-scrollbars',
      '--window-size=1440,900',
      // Let the single-page apps fetch and render before the picture is taken;
      // the history page keeps polling, so a plain timeout ends the wait.
      '--virtual-time-budget=10000',
      '--timeout=20000',
      `--screenshot=${path.join(OUT, name)}`,
      url,
    ]);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

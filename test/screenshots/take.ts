// `npm run screenshots`: runs hookflow with its Temporal Web UI, delivers one
// event that succeeds and one that is dead-lettered, and photographs with
// Debian's headless Chromium what an operator looks at: an event and its
// deliveries, the event workflow's history with its first attempts, the
// dead-letter queue, the dead letter's own history, and the API reference. PNGs go to docs/screenshots/ for the README.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { freePort } from '../../src/dev/ports.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { createLogger } from '../../src/logger.js';
import { startApiServer } from '../../src/runtime/api-server.js';
import { DEFAULT_UI_OPTIONS } from '../../src/ui/options.js';
import { startHookflowParts, startScratchStack } from '../support/hookflow-parts.js';
import { alwaysFail, alwaysOk, startReceiver } from '../support/receiver.js';
import { portalScene } from './portal-scene.js';

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
    const {
      apiDeps,
      worker,
      adminKey: key,
    } = await startHookflowParts({
      pool,
      temporal,
      temporalAddress: infrastructure.temporalAddress,
      taskQueue: 'hookflow',
      logger: createLogger('warn'),
      retryScheduleSeconds: [1, 1],
    });
    // The console links each delivery to its workflow in this run's Web UI.
    const api = await startApiServer({ ...apiDeps, ui: { ...DEFAULT_UI_OPTIONS, temporalUiUrl: `http://localhost:${uiPort}` } }, await freePort());
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${api.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return await response.json();
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
    const deadId = `delivery:${event.id}:${bad.id}`;
    const { runId: deadRunId } = await temporal.workflow.getHandle(deadId).describe();
    await mkdir(OUT, { recursive: true });
    const browser = await launchChromium();
    try {
      const shoot = (name: string, url: string, shownWhen: string[], options: ShotOptions = {}) =>
        photograph(browser, path.join(OUT, name), url, shownWhen, options);
      // The good subscriber took it at the first attempt, inside the event workflow: no workflow of its own.
      await shoot('1-event-and-deliveries.png', `${ui}/workflows?query=${encodeURIComponent(`HookflowEventId="${event.id}"`)}`, [
        `event:${event.id}`,
        deadId,
      ]);
      const { runId: eventRunId } = await temporal.workflow.getHandle(`event:${event.id}`).describe();
      await shoot(
        '5-event-history.png',
        `${ui}/workflows/${encodeURIComponent(`event:${event.id}`)}/${eventRunId}/history`,
        ['Local Activity', 'in the on-failure mode, its first attempts', 'Child Workflow Execution Started'],
        {
          height: 1400,
          cropBelow: 'table',
        },
      );
      await shoot('2-dead-letter-queue.png', `${ui}/workflows?query=${encodeURIComponent('HookflowDeliveryStatus="dead"')}`, [deadId]);
      // Down to the end of the event table: the attempts and the failure that ended them.
      await shoot(
        '4-dead-letter-history.png',
        `${ui}/workflows/${encodeURIComponent(deadId)}/${deadRunId}/history`,
        ['Activity Task Failed', 'gave up after 3'],
        {
          height: 2000,
          cropBelow: 'table',
        },
      );
      await shoot('3-api-reference.png', `${api.url}/docs`, ['/v1/subscriptions', '/v1/events']);
      // The operator console, signed in with the admin key (the session cookie serves the next pages).
      await signInToConsole(browser, api.url, key);
      const [dead] = (await call('GET', `/v1/deliveries?status=dead&subscriptionId=${bad.id}`)).data as Array<{ id: string }>;
      await shoot('console-overview.png', `${api.url}/console`, ['Figures for the', 'Breakers not closed'], { height: 1300 });
      await shoot('console-delivery.png', `${api.url}/console/deliveries/${dead!.id}`, ['Attempts', 'In Temporal'], { height: 1400 });
      await shoot('console-dead-letters.png', `${api.url}/console/dead-letters`, [dead!.id, 'Recover a subscription since']);
      // The customer portal, entered with a tenant's link (the session cookie serves the next page too).
      const portal = await portalScene(call, ok.url.replace('/webhook', ''));
      await shoot('portal-endpoints.png', `${api.url}${portal.enterPath}`, ['Add an endpoint', portal.endpointUrl]);
      await shoot('portal-endpoint.png', `${api.url}/portal/endpoints/${portal.endpointId}`, ['Signing secret', 'Send a test event']);
    } finally {
      await browser.close();
    }
    progress(`screenshots in ${path.relative(ROOT, OUT)} (subscriptions ${good.id} succeeding, ${bad.id} dead-lettered)`);
    await api.close();
    await worker.shutdown();
  } finally {
    await Promise.all([ok.close(), broken.close()]);
    await scratch.stop();
  }
}

async function signInToConsole(browser: Browser, baseUrl: string, key: string): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.goto(`${baseUrl}/console/sign-in`, { waitUntil: 'domcontentloaded' });
    await page.type('#key', key);
    await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('button[type="submit"]')]);
  } finally {
    await page.close();
  }
}

// Chromium's own --screenshot flag cannot wait for a single-page app to
// render: a workflow's history page keeps streaming, so neither load nor
// --virtual-time-budget ever settles. Driving it over the DevTools protocol
// lets each picture wait for the text it is meant to show.
async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
    ],
  });
}

interface ShotOptions {
  /** Viewport height; the width is always 1440. */
  height?: number;
  /** Cut the picture just below the first element this selector finds. */
  cropBelow?: string;
}

async function photograph(browser: Browser, file: string, url: string, shownWhen: string[], options: ShotOptions): Promise<void> {
  progress(`chromium: ${url}`);
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: 1440, height: options.height ?? 900 });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    await page.waitForFunction((texts: string[]) => texts.every((text) => document.body.innerText.includes(text)), { timeout: 30_000 }, shownWhen);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // transitions and fonts settle
    const bottom = options.cropBelow
      ? await page.$eval(options.cropBelow, (element) => Math.ceil(element.getBoundingClientRect().bottom) + 1)
      : undefined;
    await page.screenshot({ path: file, ...(bottom === undefined ? {} : { clip: { x: 0, y: 0, width: 1440, height: bottom } }) });
  } finally {
    await page.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

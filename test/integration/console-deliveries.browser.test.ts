// The console's events, delivery and dead-letter pages in a real browser,
// against real Temporal, PostgreSQL and a loopback receiver: find an event,
// open it and its delivery (attempts and the headers sent, credentials
// redacted, and the link to Temporal), break the receiver, find the dead
// letters, fix it, redeliver one from its page and several by selection
// (one refused), and recover a subscription since a time; each checked
// against what the receiver got and what the API says.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../src/runtime/api-server.js';
import { launchBrowser, serveWithUi, signInToConsole } from '../support/browser.js';
import { alwaysFail, alwaysOk, startReceiver, type Receiver } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let server: ApiServer;
let browser: Browser;
let receiver: Receiver;
const TEMPORAL_UI = 'http://temporal-ui.example:8233';
const RECEIVER_SECRET = 'Bearer receiver-s3cret-token';

beforeAll(async () => {
  // Two attempts, 0.2 s apart: a broken receiver makes a dead letter in well under a second.
  stack = await startTestStack({ retryScheduleSeconds: [0.2] });
  server = await serveWithUi(stack, { temporalUiUrl: TEMPORAL_UI });
  receiver = await startReceiver(alwaysOk);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await receiver?.close();
  await stack?.close();
});

async function publish(type: string): Promise<string> {
  const published = await stack.api('POST', '/v1/events', { type, payload: { order: uniqueName('o') } });
  expect(published.status).toBe(202);
  return published.body.id;
}

/** The one delivery of an event once it has the status, as the API says. */
async function deliveryOf(eventId: string, status: string): Promise<{ id: string; subscriptionId: string }> {
  return waitFor(`a ${status} delivery of ${eventId}`, async () => {
    const found = (await stack.api('GET', `/v1/deliveries?eventId=${eventId}`)).body?.data?.[0];
    return found?.status === status ? found : undefined;
  });
}

/** Reloads until the locator shows up: the pages are plain HTML, a person would reload too. */
async function reloadUntil(page: Page, what: string, present: () => Promise<boolean>): Promise<void> {
  await waitFor(
    what,
    async () => {
      if (await present()) return true;
      await page.reload();
      return (await present()) || undefined;
    },
    15_000,
  );
}

const flash = (page: Page) => page.getByRole('status').textContent();
const receivedAfter = (eventId: string, since: number) =>
  receiver.requests.filter((request) => request.headers['webhook-id'] === eventId && request.receivedAt >= since);

describe('console: events, deliveries and dead letters', () => {
  it('finds an event, shows its delivery with attempts and headers, and redelivers dead letters singly, in bulk and by recovery', async () => {
    const type = `${uniqueName('console')}.created`;
    const otherType = `${uniqueName('console')}.updated`;
    const { body: sub } = await stack.api('POST', '/v1/subscriptions', {
      url: receiver.url,
      eventTypes: [type],
      headers: { Authorization: RECEIVER_SECRET, 'X-Shop': 'acme' },
    });
    const { body: other } = await stack.api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [otherType] });

    const context = await browser.newContext();
    const page = await context.newPage();
    await signInToConsole(page, server.url, stack.adminKey);

    // Publish, then find the event on the events page by its type.
    const first = await publish(type);
    await page.goto(`${server.url}/console/events`);
    await page.getByLabel('Type').fill(type);
    await page.getByRole('button', { name: 'Search' }).click();
    await reloadUntil(page, 'the event listed', async () => (await page.getByRole('link', { name: first }).count()) === 1);
    expect(new URL(page.url()).searchParams.get('type')).toBe(type);
    // An id is exact: the search goes straight to the event.
    await page.getByLabel('Event id').fill(first);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(`${server.url}/console/events/${first}`);
    await expect(page.locator('pre').textContent()).resolves.toContain('"order"');

    // Its delivery appears as succeeded; its page shows the attempt and what was sent.
    const delivered = await deliveryOf(first, 'succeeded');
    const deliveries = page.getByRole('region', { name: 'Deliveries of the event' });
    await reloadUntil(page, 'the delivery succeeded', async () => (await deliveries.getByText('succeeded').count()) === 1);
    await deliveries.getByRole('link', { name: delivered.id }).click();
    await page.waitForURL(`${server.url}/console/deliveries/${delivered.id}`);
    await expect(page.getByRole('heading', { name: /Attempt 1/ }).count()).resolves.toBe(1);
    const headers = page.getByRole('region', { name: 'Request headers of attempt 1' });
    const row = (name: string) =>
      headers
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name }) })
        .getByRole('cell')
        .textContent();
    const sent = receiver.requests.find((request) => request.headers['webhook-id'] === first)!;
    await expect(row('webhook-signature')).resolves.toBe(sent.headers['webhook-signature']);
    await expect(row('x-shop')).resolves.toBe('acme');
    await expect(row('authorization')).resolves.toBe('[redacted]');
    expect(sent.headers.authorization).toBe(RECEIVER_SECRET);
    expect(await page.content()).not.toContain('receiver-s3cret-token');
    // Delivered at the first attempt: by the event workflow itself.
    await expect(page.getByRole('link', { name: `event:${first}` }).getAttribute('href')).resolves.toBe(
      `${TEMPORAL_UI}/namespaces/default/workflows/event%3A${first}`,
    );

    // Break the receiver: three events become dead letters (two of one subscription, one of another).
    receiver.setBehaviour(alwaysFail);
    const [single, bulk, refused] = [await publish(type), await publish(type), await publish(otherType)];
    const dead = { single: await deliveryOf(single, 'dead'), bulk: await deliveryOf(bulk, 'dead'), refused: await deliveryOf(refused, 'dead') };

    await page.goto(`${server.url}/console/dead-letters`);
    const table = page.getByRole('region', { name: 'Dead letters' });
    for (const letter of Object.values(dead)) await expect(table.getByRole('link', { name: letter.id }).count()).resolves.toBe(1);
    await page.getByLabel('Event type').fill(otherType);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('eventType') === otherType);
    await expect(table.getByRole('link', { name: /^dlv_/ }).allTextContents()).resolves.toEqual([dead.refused.id]);
    // Usable on a phone: nothing wider than the screen but the tables, which scroll on their own.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Fix the receiver; redeliver one from its own page.
    receiver.setBehaviour(alwaysOk);
    const fixedAt = Date.now();
    await page.goto(`${server.url}/console/deliveries/${dead.single.id}`);
    await expect(page.getByRole('region', { name: 'Request headers of attempt 2' }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: `delivery:${single}:${sub.id}` }).getAttribute('href')).resolves.toBe(
      `${TEMPORAL_UI}/namespaces/default/workflows/delivery%3A${single}%3A${sub.id}`,
    );
    await page.getByRole('button', { name: 'Redeliver' }).click();
    await expect(flash(page)).resolves.toBe(`Redelivery of ${dead.single.id} requested`);
    await deliveryOf(single, 'succeeded');
    expect(receivedAfter(single, fixedAt)).toHaveLength(1);

    // Bulk: two selected, one of them refused (its subscription was deleted since the page was shown).
    await page.goto(`${server.url}/console/dead-letters`);
    await expect(table.getByRole('link', { name: dead.single.id }).count()).resolves.toBe(0);
    expect((await stack.api('DELETE', `/v1/subscriptions/${other.id}`)).status).toBe(204);
    await page.getByLabel(`Select ${dead.bulk.id}`).check();
    await page.getByLabel(`Select ${dead.refused.id}`).check();
    await page.getByRole('button', { name: 'Redeliver selected' }).click();
    await page.waitForURL(`${server.url}/console/dead-letters`);
    const bulkMessage = await flash(page);
    expect(bulkMessage).toContain('Redelivered 1 of 2; refused: ');
    expect(bulkMessage).toContain(`${dead.refused.id} (the subscription of delivery ${dead.refused.id} has been deleted)`);
    await deliveryOf(bulk, 'succeeded');
    expect(receivedAfter(bulk, fixedAt)).toHaveLength(1);
    expect((await stack.api('GET', `/v1/deliveries/${dead.refused.id}`)).body.status).toBe('dead');
    // From its own page, the refusal is shown as the API gave it.
    await page.goto(`${server.url}/console/deliveries/${dead.refused.id}`);
    await page.getByRole('button', { name: 'Redeliver' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(`the subscription of delivery ${dead.refused.id} has been deleted`);
    await page.goto(`${server.url}/console/dead-letters`);

    // Recover the subscription since a time: a refusal first (no such subscription), keeping what was typed.
    receiver.setBehaviour(alwaysFail);
    const later = await publish(type);
    await deliveryOf(later, 'dead');
    receiver.setBehaviour(alwaysOk);
    const recoveredAt = Date.now();
    const since = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
    await page.getByLabel('Subscription to recover').fill('sub_nothing_here');
    await page.getByLabel('Since (UTC)', { exact: true }).fill(since);
    await page.getByRole('button', { name: 'Recover' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('no subscription has id "sub_nothing_here"');
    await expect(page.getByLabel('Since (UTC)', { exact: true }).inputValue()).resolves.toBe(since);
    await page.getByLabel('Subscription to recover').fill(sub.id);
    await page.getByRole('button', { name: 'Recover' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/console/dead-letters'));
    // Today's API answers with counts; a recovery run in the background answers 202 with a Location the page follows.
    if (new URL(page.url()).pathname === '/console/dead-letters/recovery') {
      await expect(page.locator('dl.facts').textContent()).resolves.toContain(sub.id);
    } else {
      await expect(flash(page)).resolves.toBe(`Recovery of ${sub.id}: requested: 1`);
    }
    await deliveryOf(later, 'succeeded');
    expect(receivedAfter(later, recoveredAt)).toHaveLength(1);

    // The page that follows a background operation reads its Location through /v1, and nothing but a /v1 path.
    await page.goto(`${server.url}/console/dead-letters/recovery?location=${encodeURIComponent(`/v1/subscriptions/${sub.id}`)}`);
    await expect(page.locator('dl.facts').textContent()).resolves.toContain(receiver.url);
    await page.goto(`${server.url}/console/dead-letters/recovery?location=${encodeURIComponent('https://evil.example/v1/x')}`);
    expect(new URL(page.url()).pathname).toBe('/console/dead-letters');
    await context.close();
  }, 90_000);
});

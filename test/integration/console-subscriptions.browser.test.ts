// The console's subscription pages in a real browser, against a real hookflow
// (Temporal, PostgreSQL, loopback receivers): each step is driven through the
// page as a user would, then checked against what /v1 says and what the
// receiver got, so a page that only looks right cannot pass.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../src/runtime/api-server.js';
import { launchBrowser, serveWithUi, signInToConsole } from '../support/browser.js';
import { alwaysFail, startReceiver, type Receiver, type ReceivedRequest } from '../support/receiver.js';
import { startTestStack, uniqueName, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let server: ApiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const receivers: Receiver[] = [];
const CATALOG_TYPE = `order.${uniqueName('created')}`;

async function receiver(behaviour?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const started = await startReceiver(behaviour);
  receivers.push(started);
  return started;
}

async function subscriptionCount(): Promise<number> {
  return (await stack.api('GET', '/v1/subscriptions?limit=100')).body.data.length;
}

async function createViaApi(url: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const created = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: [CATALOG_TYPE], ...extra });
  expect(created.status).toBe(201);
  return created.body;
}

async function publish(type: string, payload: unknown): Promise<void> {
  expect((await stack.api('POST', '/v1/events', { type, payload })).status).toBe(202);
}

function verifies(secret: string, request: ReceivedRequest): boolean {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

async function shownSecret(): Promise<string> {
  return (await page.locator('.shown-secret code.secret').first().textContent()) ?? '';
}

async function flash(): Promise<string> {
  return (await page.getByRole('status').textContent()) ?? '';
}

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [1], breaker: { failureThreshold: 2, baseCooldownMs: 60_000, maxCooldownMs: 120_000 } });
  expect((await stack.api('POST', '/v1/event-types', { name: CATALOG_TYPE, description: 'an order was placed' })).status).toBe(201);
  server = await serveWithUi(stack);
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await context.newPage();
  await signInToConsole(page, server.url, stack.adminKey);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

describe('console subscriptions', () => {
  it('refuses an invalid URL with the API 422 beside the field, keeping what was typed, and creates nothing', async () => {
    const before = await subscriptionCount();
    await page.goto(`${server.url}/console/subscriptions`);
    await page.getByRole('link', { name: 'New subscription' }).click();
    await page.getByLabel('URL').fill('not a url');
    await page.getByLabel(CATALOG_TYPE).check();
    await page.getByLabel('Description').fill('kept as typed');
    await page.getByRole('button', { name: 'Create subscription' }).click();

    await expect(page.getByRole('alert').textContent()).resolves.toContain('url');
    await expect(page.locator('#url-errors').textContent()).resolves.toContain('absolute http(s) URL');
    await expect(page.getByLabel('URL').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('URL').inputValue()).resolves.toBe('not a url');
    await expect(page.getByLabel('Description').inputValue()).resolves.toBe('kept as typed');
    await expect(page.getByLabel(CATALOG_TYPE).isChecked()).resolves.toBe(true);
    expect(await subscriptionCount()).toBe(before);

    // A header line the form cannot read is refused by the page itself, naming the field, and nothing is sent.
    await page.getByLabel('URL').fill('https://example.com/hook');
    await page.getByLabel('Custom headers').fill('no colon here');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await expect(page.locator('#headers-errors').textContent()).resolves.toContain('line 1');
    expect(await subscriptionCount()).toBe(before);
  });

  it('creates a subscription to a loopback receiver and shows its secret once, which verifies a delivery', async () => {
    const target = await receiver();
    await page.goto(`${server.url}/console/subscriptions/new`);
    await page.getByLabel('Tenant').selectOption('default');
    await page.getByLabel('URL').fill(target.url);
    await page.getByLabel(CATALOG_TYPE).check();
    await page.getByLabel('Other event types or patterns').fill('invoice.*');
    await page.getByLabel('Description').fill('orders to the ERP');
    await page.getByLabel('Custom headers').fill('X-Team: billing\n\nX-Env: test');
    await page.getByLabel('Retry schedule (seconds)').fill('1, 5');
    await page.getByLabel('Timeout (ms)').fill('5000');
    await page.getByRole('button', { name: 'Create subscription' }).click();

    await expect(page.getByRole('heading', { name: 'Subscription created' }).count()).resolves.toBe(1);
    await expect(page.locator('.shown-secret').textContent()).resolves.toContain('Copy the signing secret now');
    const secret = await shownSecret();
    expect(secret).toMatch(/^whsec_/);
    const id = ((await page.locator('h1').textContent()) ?? '').replace('Subscription ', '');

    const read = await stack.api('GET', `/v1/subscriptions/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      tenantId: 'default',
      url: target.url,
      eventTypes: [CATALOG_TYPE, 'invoice.*'],
      description: 'orders to the ERP',
      headers: { 'X-Team': 'billing', 'X-Env': 'test' },
      retrySchedule: [1, 5],
      timeoutMs: 5000,
      ordering: 'none',
      signatureScheme: 'v1',
    });
    expect((await stack.api('GET', `/v1/subscriptions/${id}/secret`)).body.secret).toBe(secret);

    // Loaded again, the page does not show the secret.
    await page.goto(`${server.url}/console/subscriptions/${id}`);
    expect(await page.content()).not.toContain(secret);

    await publish(CATALOG_TYPE, { orderId: 1 });
    const [delivered] = await waitFor('the delivery', async () => (target.requests.length > 0 ? target.requests : undefined));
    expect(delivered!.headers['x-team']).toBe('billing');
    expect(verifies(secret, delivered!)).toBe(true);
    expect(verifies(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, delivered!)).toBe(false);

    // The list shows it, and its filters narrow by status through /v1.
    await page.goto(`${server.url}/console/subscriptions`);
    await expect(page.locator('nav [aria-current="page"]').allTextContents()).resolves.toEqual(['Subscriptions']);
    await page.getByLabel('Status').selectOption('paused');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'paused');
    await expect(page.getByRole('link', { name: id }).count()).resolves.toBe(0);
    await page.getByLabel('Status').selectOption('active');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'active');
    await expect(page.getByRole('link', { name: id }).count()).resolves.toBe(1);
  });

  it('creates a fifo subscription signed with ed25519: shows its public key (no secret) and its stream', async () => {
    const target = await receiver();
    await page.goto(`${server.url}/console/subscriptions/new`);
    await page.getByLabel('URL').fill(target.url);
    await page.getByLabel(CATALOG_TYPE).check();
    await page.getByLabel('Ordering').selectOption('fifo');
    await page.getByLabel('When a fifo delivery dies').selectOption('skip');
    await page.getByLabel('Signature scheme').selectOption('v1a');
    await page.getByRole('button', { name: 'Create subscription' }).click();

    const shown = await shownSecret();
    expect(shown).toMatch(/^whpk_/);
    const id = ((await page.locator('h1').textContent()) ?? '').replace('Subscription ', '');
    const read = (await stack.api('GET', `/v1/subscriptions/${id}`)).body;
    expect(read).toMatchObject({ ordering: 'fifo', onDeadLetter: 'skip', signatureScheme: 'v1a', publicKey: shown });
    // No shared secret to reveal for v1a.
    await expect(page.getByRole('button', { name: 'Reveal secret' }).count()).resolves.toBe(0);

    await publish(CATALOG_TYPE, { orderId: 3 });
    await waitFor('the delivery', async () => (target.requests.length > 0 ? true : undefined));
    await waitFor('the stream to drain', async () =>
      (await stack.api('GET', `/v1/subscriptions/${id}/stream`)).body.pending === 0 ? true : undefined,
    );
    await page.goto(`${server.url}/console/subscriptions/${id}`);
    const stream = page.getByRole('region', { name: 'Ordered stream' });
    await expect(stream.textContent()).resolves.toContain('Waiting deliveries0');
    await expect(stream.textContent()).resolves.toContain('nothing: flowing');
  });

  it('edits, pauses and resumes, rotates the secret, and sends a test event from the page', async () => {
    const target = await receiver((_, request) => ({
      status: request.headers['webhook-id']?.toString().startsWith('test_') ? 202 : 200,
      body: 'accepted here',
    }));
    const { id, secret: oldSecret } = await createViaApi(target.url);
    await page.goto(`${server.url}/console/subscriptions/${id}`);

    // An edit the API refuses comes back with its error beside the field and what was typed; then a good one saves.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Timeout (ms)').fill('5');
    await page.getByLabel('Description').fill('edited');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('#timeoutMs-errors').count()).resolves.toBe(1);
    await expect(page.getByLabel('Description').inputValue()).resolves.toBe('edited');
    expect((await stack.api('GET', `/v1/subscriptions/${id}`)).body.description).toBeNull();
    await page.getByLabel('Timeout (ms)').fill('2500');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(`${server.url}/console/subscriptions/${id}`);
    expect(await flash()).toContain('saved');
    expect((await stack.api('GET', `/v1/subscriptions/${id}`)).body).toMatchObject({
      description: 'edited',
      timeoutMs: 2500,
      eventTypes: [CATALOG_TYPE],
    });

    await page.getByRole('button', { name: 'Pause' }).click();
    expect(await flash()).toContain('paused');
    expect((await stack.api('GET', `/v1/subscriptions/${id}`)).body.status).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    expect(await flash()).toContain('active');
    expect((await stack.api('GET', `/v1/subscriptions/${id}`)).body.status).toBe('active');

    // Reveal: the secret only in answer to the button.
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    expect(await shownSecret()).toBe(oldSecret);

    await page.getByLabel('Overlap (seconds)').fill('3600');
    const rotatedAt = Date.now();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await expect(page.getByRole('heading', { name: 'New signing secret' }).count()).resolves.toBe(1);
    const newSecret = await shownSecret();
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect((await stack.api('GET', `/v1/subscriptions/${id}/secret`)).body.secret).toBe(newSecret);
    const note = (await page.locator('.shown-secret').textContent()) ?? '';
    const until = Date.parse(note.match(/signing until (\S+ \S+)\./)![1]!.replace(' ', 'T'));
    expect(Math.abs(until - (rotatedAt + 3600_000))).toBeLessThan(60_000);
    // The API records the rotation with its overlap, and the previous secret still signs beside the new one.
    const audit = await stack.api('GET', `/v1/audit-events?resourceId=${id}&action=subscription.secret.rotate`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].after).toMatchObject({ overlapSeconds: 3600 });
    await publish(CATALOG_TYPE, { orderId: 2 });
    const [delivered] = await waitFor('the delivery', async () => (target.requests.length > 0 ? target.requests : undefined));
    expect(verifies(newSecret, delivered!)).toBe(true);
    expect(verifies(oldSecret, delivered!)).toBe(true);

    // A payload that is not JSON is refused beside its field; then a test event goes, and the receiver's answer is shown.
    await page.getByLabel('Test payload (JSON)').fill('{not json');
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect(page.locator('#payload-errors').textContent()).resolves.toContain('not valid JSON');
    await expect(page.getByLabel('Test payload (JSON)').inputValue()).resolves.toBe('{not json');
    await page.getByLabel('Test payload (JSON)').fill('{"orderId": 7}');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.getByRole('region', { name: 'Test result' });
    await expect(result.textContent()).resolves.toContain('202');
    await expect(result.textContent()).resolves.toContain('accepted here');
    const test = target.requests.find((r) => r.headers['webhook-id']?.toString().startsWith('test_'));
    expect(JSON.parse(test!.body)).toMatchObject({ type: CATALOG_TYPE, data: { orderId: 7 } });
  });

  it('shows the breaker opening on a broken receiver, disables only once confirmed, and deletes', async () => {
    const broken = await receiver(alwaysFail);
    const { id } = await createViaApi(broken.url);
    for (let i = 0; i < 3; i++) await publish(CATALOG_TYPE, { i });
    await waitFor('the breaker to open', async () => {
      const health = await stack.api('GET', `/v1/subscriptions/${id}/health`);
      return health.body.state === 'open' ? health.body : undefined;
    });

    await page.goto(`${server.url}/console/subscriptions/${id}`);
    const health = page.getByRole('region', { name: 'Health' });
    await expect(health.locator('.badge').textContent()).resolves.toBe('open');
    await expect(health.textContent()).resolves.toMatch(/Consecutive failures\s*[2-9]/);
    const rows = await page.getByRole('region', { name: 'Breaker transitions' }).locator('tbody tr').allTextContents();
    expect(rows.some((row) => row.includes('closed') && row.includes('open'))).toBe(true);

    // Its dead letters are one link away, filtered to it.
    await page.getByRole('link', { name: 'Its dead letters' }).click();
    await page.waitForURL((url) => url.pathname === '/console/dead-letters' && url.searchParams.get('subscriptionId') === id);
    await page.goBack();

    // The box must be ticked: without it (the browser's check removed, as without script) the server refuses and nothing changes.
    await page.getByRole('checkbox', { name: /disable it/ }).evaluate((box) => box.removeAttribute('required'));
    await page.getByRole('button', { name: 'Disable subscription' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('confirm');
    expect((await stack.api('GET', `/v1/subscriptions/${id}`)).body.status).toBe('active');
    await page.getByRole('checkbox', { name: /disable it/ }).check();
    await page.getByRole('button', { name: 'Disable subscription' }).click();
    expect(await flash()).toContain('disabled');
    expect((await stack.api('GET', `/v1/subscriptions/${id}`)).body.status).toBe('disabled');

    // At a phone's width the page, its tables and secrets included, fits without scrolling sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [`/console/subscriptions/${id}`, '/console/subscriptions', '/console/subscriptions/new']) {
      await page.goto(`${server.url}${path}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    await page.goto(`${server.url}/console/subscriptions/${id}`);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('checkbox', { name: /delete it/ }).check();
    await page.getByRole('button', { name: 'Delete subscription' }).click();
    await page.waitForURL(`${server.url}/console/subscriptions`);
    expect(await flash()).toContain('deleted');
    expect((await stack.api('GET', `/v1/subscriptions/${id}`)).status).toBe(404);
  });

  it("signed in with a key limited to a tenant, offers and creates in that tenant only, and cannot open another tenant's subscription", async () => {
    const mine = await stack.api('POST', '/v1/tenants', { name: 'Mine' });
    const theirs = await stack.api('POST', '/v1/tenants', { name: 'Theirs' });
    const key = await stack.api('POST', '/v1/keys', { name: 'tenant admin', scopes: ['admin'], tenantId: mine.body.id });
    const other = await createViaApi('https://theirs.example/hook', { tenantId: theirs.body.id });
    const limited = await browser.newContext();
    try {
      const tab = await limited.newPage();
      await signInToConsole(tab, server.url, key.body.key);
      await tab.goto(`${server.url}/console/subscriptions/new`);
      const offered = await tab
        .getByLabel('Tenant')
        .locator('option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
      expect(offered).toEqual([mine.body.id]);
      await tab.getByLabel('URL').fill('https://mine.example/hook');
      await tab.getByLabel(CATALOG_TYPE).check();
      await tab.getByRole('button', { name: 'Create subscription' }).click();
      const id = ((await tab.locator('h1').textContent()) ?? '').replace('Subscription ', '');
      expect((await stack.api('GET', `/v1/subscriptions/${id}`)).body.tenantId).toBe(mine.body.id);

      const reached = await tab.goto(`${server.url}/console/subscriptions/${other.id}`);
      expect(reached?.status()).toBe(404);
      expect(await tab.content()).not.toContain('theirs.example');
    } finally {
      await limited.close();
    }
  });
});

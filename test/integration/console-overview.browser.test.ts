// The console's overview, tenants and event catalog in a real browser, after
// a known workload (successes, and failures to receivers answering 500, 404,
// 302 or nothing): the overview's table shows the exact counts and its uPlot
// charts are drawn, without a script error or CSP violation, also on a phone;
// a tenant is created and edited, a portal link issued from its page opens
// that tenant's portal and stops working once revoked from the page; an event
// type is added with a schema, a new version and an example. Each change is
// checked through the API as well.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../src/runtime/api-server.js';
import { launchBrowser, serveWithUi, signInToConsole } from '../support/browser.js';
import { startTestStack, uniqueName, type TestStack } from '../support/stack.js';
import { STATS_STACK_OPTIONS, runStatsWorkload, type StatsWorkload } from '../support/stats-workload.js';

let stack: TestStack;
let server: ApiServer;
let browser: Browser;
let workload: StatsWorkload;

beforeAll(async () => {
  stack = await startTestStack(STATS_STACK_OPTIONS);
  server = await serveWithUi(stack);
  browser = await launchBrowser();
  workload = await runStatsWorkload(stack, 3);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await workload?.close();
  await stack?.close();
});

/** A signed-in console page that records every script error, console error and CSP violation it meets. */
async function consolePageWatched(key = stack.adminKey): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    // Chromium logs a page answered with a 4xx as "Failed to load resource"; the tests provoke those on purpose
    // (a refused form), and a failed script, stylesheet or fetch is caught by the 'response' listener below.
    if (/^Failed to load resource/.test(message.text())) return;
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'document' && response.status() >= 400) errors.push(`${response.status()} for ${response.url()}`);
  });
  // Aborted: the test moved on to another page while a chart's figures were still loading.
  page.on('requestfailed', (request) => {
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  await signInToConsole(page, server.url, key);
  return { context, page, errors };
}

async function figures(page: Page): Promise<Record<string, string>> {
  const rows = await page
    .locator('#figures-table tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent.trim(), tr.querySelector('td')!.textContent.trim()]));
  return Object.fromEntries(rows);
}

async function expectChartsDrawn(page: Page, maxWidth?: number): Promise<void> {
  for (const id of ['chart-flow', 'chart-attempts', 'chart-success']) {
    const canvas = page.locator(`#${id} canvas`);
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    expect(box?.width, id).toBeGreaterThan(100);
    expect(box?.height, id).toBeGreaterThan(100);
    if (maxWidth !== undefined) expect(box!.x + box!.width, id).toBeLessThanOrEqual(maxWidth);
  }
}

describe('console overview', () => {
  it("shows the workload's exact figures in its table and draws them as charts, on a desktop and a phone", async () => {
    const { context, page, errors } = await consolePageWatched();
    expect(new URL(page.url()).pathname).toBe('/console');
    await page.getByLabel('Tenant id').fill(workload.tenantId);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('tenantId') === workload.tenantId);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Overview');
    expect(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').allTextContents()).toEqual(['Overview']);
    const expected = {
      'Events accepted': '4',
      'Deliveries succeeded': '3',
      'Deliveries dead-lettered': '4',
      'Success rate': '42.9 %',
      'Attempts 2xx': '3',
      'Attempts 3xx': '2',
      'Attempts 4xx': '2',
      'Attempts 5xx': '2',
      'Attempts with a network error': '2',
      'Dead letters now': '4',
      'Open breakers now': '4',
      'Half-open breakers now': '0',
    };
    expect(await figures(page)).toEqual(expected);
    // The API says the same.
    const { body: stats } = await stack.api('GET', `/v1/stats?tenantId=${workload.tenantId}`);
    expect(stats.totals).toMatchObject({ events: 4, deliveries: { succeeded: 3, dead: 4 }, attempts: { '2xx': 3, network: 2 } });
    // Which breakers are open: each broken subscription, linked.
    const open = await page.locator('a[href^="/console/subscriptions/"]').evaluateAll((as) => as.map((a) => a.textContent));
    expect(open.sort()).toEqual([...workload.brokenSubscriptions].sort());
    await expectChartsDrawn(page);
    await expect(page.locator('#chart-attempts .u-legend').textContent()).resolves.toContain('Network error');

    // The day, in 10-minute buckets: the same counts.
    await page.getByRole('link', { name: 'Last 24 hours' }).click();
    await page.waitForURL((url) => url.searchParams.get('window') === '24h' && url.searchParams.get('tenantId') === workload.tenantId);
    expect(await figures(page)).toEqual(expected);
    await expect(page.locator('#chart-flow-caption').textContent()).resolves.toContain('per 10 minutes');
    await expectChartsDrawn(page);

    // On a phone: the charts fit the screen and nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expectChartsDrawn(page, 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('console tenants', () => {
  it('creates and edits a tenant, issues a portal link that opens its portal, revokes it, and deletes the tenant', async () => {
    const { context, page, errors } = await consolePageWatched();
    const id = uniqueName('acme');
    await page.goto(`${server.url}/console/tenants`);
    // The navigation marks this page's item alone (not the overview's, whose path is a prefix of every page's).
    expect(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').allTextContents()).toEqual(['Tenants']);

    // Metadata that is not JSON: refused, naming the field, and nothing is created.
    await page.getByLabel('Name').fill('Acme Corp');
    await page.getByLabel('Id (optional)').fill(id);
    await page.getByLabel('Metadata (JSON object, optional)').fill('{plan: pro}');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('metadata');
    expect(await page.getByLabel('Name').inputValue()).toBe('Acme Corp');
    expect((await stack.api('GET', `/v1/tenants/${id}`)).status).toBe(404);

    await page.getByLabel('Metadata (JSON object, optional)').fill('{"plan": "pro"}');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.waitForURL(`${server.url}/console/tenants/${id}`);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Tenant Acme Corp created');
    expect((await stack.api('GET', `/v1/tenants/${id}`)).body).toMatchObject({ id, name: 'Acme Corp', metadata: { plan: 'pro' } });
    // Its usage: the last 7 days and their total.
    await expect(page.getByRole('region', { name: 'Usage per day' }).locator('tbody tr').count()).resolves.toBe(7);

    await page.getByLabel('Events per day').fill('500');
    await page.getByLabel('Retention (days)').fill('30');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('.flash').textContent()).resolves.toBe('Tenant saved');
    expect((await stack.api('GET', `/v1/tenants/${id}`)).body).toMatchObject({ quotas: { eventsPerDay: 500 }, retentionDays: 30 });
    await page.goto(`${server.url}/console/tenants`);
    await expect(page.getByRole('link', { name: id }).count()).resolves.toBe(1);
    await page.getByRole('link', { name: id }).click();

    // A portal link: shown once, opening this tenant's portal in another browser.
    await page.getByLabel('Link valid for').selectOption({ label: '8 hours' });
    await page.getByRole('button', { name: 'Issue a portal link' }).click();
    const link = await page.getByLabel('Portal link').inputValue();
    expect(link.startsWith(`${server.url}/portal/enter#token=`)).toBe(true);
    await expect(page.locator('#portal-link-hint').textContent()).resolves.toMatch(/Expires at \d{4}-/);
    const customer = await browser.newContext();
    const portal = await customer.newPage();
    await portal.goto(link);
    await portal.waitForURL(`${server.url}/portal/endpoints`);
    await expect(portal.locator('header .who').textContent()).resolves.toBe('Acme Corp');

    // Revoked from the page: the open portal session ends, and the link opens nothing any more.
    await page.getByRole('button', { name: 'Revoke all portal links' }).click();
    await expect(page.locator('.flash').textContent()).resolves.toContain('revoked');
    await portal.goto(`${server.url}/portal/endpoints`);
    expect(new URL(portal.url()).pathname).toBe('/portal/enter');
    const stranger = await browser.newContext();
    const again = await stranger.newPage();
    await again.goto(link);
    await expect(again.getByRole('alert').textContent()).resolves.toContain('expired or been revoked');
    expect(await stranger.cookies()).toEqual([]);
    await customer.close();
    await stranger.close();

    // Deleted after a confirmation.
    await page.getByRole('link', { name: 'Delete this tenant…' }).click();
    await page.getByRole('button', { name: `Delete tenant ${id}` }).click();
    await page.waitForURL(`${server.url}/console/tenants`);
    expect((await stack.api('GET', `/v1/tenants/${id}`)).status).toBe(404);
    await expect(page.getByRole('link', { name: id }).count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("tells a console limited to a tenant that only the platform manages tenants, and shows it its own tenant's overview", async () => {
    const key = await stack.api('POST', '/v1/keys', { name: 'tenant admin', scopes: ['admin'], tenantId: workload.tenantId });
    const { context, page, errors } = await consolePageWatched(key.body.key);
    expect(await figures(page)).toMatchObject({ 'Events accepted': '4', 'Dead letters now': '4' });
    await expect(page.locator('main').textContent()).resolves.toContain(`Tenant ${workload.tenantId}`);
    // The catalog: read, with no forms to change it (the API would refuse them).
    await page.goto(`${server.url}/console/event-types`);
    await expect(page.getByRole('link', { name: 'subscription.disabled' }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Add event type' }).count()).resolves.toBe(0);
    await expect(page.locator('main').textContent()).resolves.toContain('Only the platform changes the catalog');
    const answer = await page.goto(`${server.url}/console/tenants`);
    expect(answer?.status()).toBe(403);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Only the platform manages tenants');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('console event catalog', () => {
  it('adds an event type with a schema and an example, lists it, adds a schema version and an example, and deprecates it', async () => {
    const { context, page, errors } = await consolePageWatched();
    const name = `${uniqueName('shop')}.order.created`;
    const schema = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } };
    await page.goto(`${server.url}/console/event-types`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Description').fill('An order was placed');
    await page.getByLabel('Schema (JSON Schema 2020-12, optional)').fill(JSON.stringify(schema));

    // An example the schema refuses: nothing is added.
    await page.getByLabel('Examples (a JSON array, optional)').fill('[{"orderId": 5}]');
    await page.getByRole('button', { name: 'Add event type' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('examples');
    expect((await stack.api('GET', `/v1/event-types/${name}`)).status).toBe(404);

    await page.getByLabel('Examples (a JSON array, optional)').fill('[{"orderId": "o-1"}]');
    await page.getByRole('button', { name: 'Add event type' }).click();
    await page.waitForURL(`${server.url}/console/event-types/${name}`);
    await expect(page.getByRole('heading', { name: /^v1 \(current\)/ }).count()).resolves.toBe(1);
    expect(JSON.parse((await page.getByLabel('Schema v1').textContent())!)).toEqual(schema);
    expect(JSON.parse((await page.getByLabel('Example 1').textContent())!)).toEqual({ orderId: 'o-1' });

    await page.goto(`${server.url}/console/event-types`);
    const row = page.locator('tr', { has: page.getByRole('link', { name }) });
    await expect(row.textContent()).resolves.toContain('An order was placed');
    await expect(row.textContent()).resolves.toContain('v1');
    await page.getByRole('link', { name }).click();

    const v2 = { ...schema, properties: { ...schema.properties, total: { type: 'number' } } };
    await page.getByLabel('New schema (JSON Schema 2020-12)').fill(JSON.stringify(v2));
    await page.getByRole('button', { name: 'Add schema version' }).click();
    await expect(page.locator('.flash').textContent()).resolves.toBe('Schema version added');
    expect(JSON.parse((await page.getByLabel('Schema v2').textContent())!)).toEqual(v2);
    await page.getByLabel('Example payload (JSON)').fill('{"orderId": "o-2", "total": 12.5}');
    await page.getByRole('button', { name: 'Add example' }).click();
    await expect(page.locator('.flash').textContent()).resolves.toBe('Example added');
    await page.getByRole('button', { name: 'Deprecate' }).click();
    await expect(page.locator('.flash').textContent()).resolves.toBe('Event type deprecated');
    await expect(page.locator('dl.facts .badge').textContent()).resolves.toBe('deprecated');

    const { body } = await stack.api('GET', `/v1/event-types/${name}`);
    expect(body).toMatchObject({ schemaVersion: 2, schema: v2, deprecated: true, examples: [{ orderId: 'o-1' }, { orderId: 'o-2', total: 12.5 }] });
    expect((await stack.api('GET', `/v1/event-types/${name}/schemas`)).body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

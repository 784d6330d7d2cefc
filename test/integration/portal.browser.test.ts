// The customer portal in a real browser, against a real hookflow (Temporal,
// PostgreSQL, loopback receivers): a tenant's customer adds an endpoint from
// the catalog, sees deliveries and attempts, tests, resends one and many,
// rotates the secret; cannot reach another tenant's data by editing URLs;
// is sent back to the enter page when the session ends; and the portal works
// framed by an allowed parent origin and is refused by any other.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../src/runtime/api-server.js';
import { launchBrowser, portalLink, serveWithUi } from '../support/browser.js';
import { alwaysFail, startReceiver, type Behaviour, type Receiver } from '../support/receiver.js';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';

let stack: TestStack;
let server: ApiServer;
let browser: Browser;
const receivers: Receiver[] = [];

const thanks: Behaviour = () => ({ status: 200, body: 'thanks' });
const EXAMPLE = { orderId: 1001, total: '12.50' };

beforeAll(async () => {
  stack = await startTestStack({
    retryScheduleSeconds: [1],
    // Test sends take the catalog's example, as in production (src/main.ts), read here through /v1.
    exampleFor: async (type) => (await stack.api('GET', `/v1/event-types/${type}`)).body?.examples?.[0],
  });
  const created = await stack.api('POST', '/v1/event-types', {
    name: 'order.created',
    description: 'An order was placed.',
    schema: {
      type: 'object',
      properties: { orderId: { type: 'integer' }, total: { type: 'string' } },
      required: ['orderId', 'total'],
      additionalProperties: false,
    },
    examples: [EXAMPLE],
  });
  expect(created.status).toBe(201);
  expect((await stack.api('POST', '/v1/event-types', { name: 'order.refunded', description: 'An order was refunded.' })).status).toBe(201);
  server = await serveWithUi(stack, { portal: { name: 'Acme Webhooks' } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await stack?.close();
});

async function receiver(behaviour: Behaviour): Promise<Receiver> {
  const started = await startReceiver(behaviour);
  receivers.push(started);
  return started;
}

async function tenantWithToken(name: string): Promise<{ id: string; token: string }> {
  const tenant = await stack.api('POST', '/v1/tenants', { name });
  expect(tenant.status).toBe(201);
  const issued = await stack.api('POST', `/v1/tenants/${tenant.body.id}/portal-token`, {});
  expect(issued.status).toBe(201);
  return { id: tenant.body.id, token: issued.body.token };
}

async function openPortal(baseUrl: string, token: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(portalLink(baseUrl, token));
  await page.waitForURL(`${baseUrl}/portal/endpoints`);
  return { context, page };
}

async function publish(tenantId: string): Promise<string> {
  const published = await stack.api('POST', '/v1/events', { type: 'order.created', payload: EXAMPLE, tenantId });
  expect(published.status).toBe(202);
  return published.body.id;
}

/** The event's one delivery, once it has settled as `status`. */
async function settledDelivery(eventId: string, status: 'succeeded' | 'dead') {
  return waitFor(`a ${status} delivery of ${eventId}`, async () => {
    const list = await stack.api('GET', `/v1/deliveries?eventId=${eventId}`);
    const delivery = list.body.data[0];
    return delivery?.status === status ? (delivery as { id: string; attemptCount: number; subscriptionId: string }) : undefined;
  });
}

const flash = (page: Page) => page.locator('main .flash').textContent();
const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

describe('portal', () => {
  it('adds an endpoint from the catalog, delivers, tests, resends one and many, rotates the secret, edits, pauses and deletes', async () => {
    const tenant = await tenantWithToken('Tenant Portal');
    const hook = await receiver(thanks);
    const { context, page } = await openPortal(server.url, tenant.token);

    // Adding: the catalog's types, each with its description, schema and example.
    await page.getByRole('link', { name: 'Add an endpoint' }).click();
    await expect(page.getByText('An order was placed.').count()).resolves.toBe(1);
    const schemaBox = page.locator('.event-type-choice', { hasText: 'order.created' }).locator('details');
    await schemaBox.locator('summary').click();
    await expect(schemaBox.locator('pre').first().textContent()).resolves.toContain('"additionalProperties": false');
    await expect(schemaBox.locator('pre').nth(1).textContent()).resolves.toContain('"orderId": 1001');

    // No type chosen: /v1 refuses, naming the field, and the form keeps what was typed.
    await page.getByLabel('URL').fill(hook.url);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('eventTypes');
    await expect(page.getByLabel('URL').inputValue()).resolves.toBe(hook.url);
    expect((await stack.api('GET', `/v1/subscriptions?tenantId=${tenant.id}`)).body.data).toEqual([]);

    await page.getByLabel('order.created', { exact: true }).check();
    await page.getByLabel('Description').fill('orders to the shop');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    expect(await heading(page)).toBe('Endpoint added');
    const secret = (await page.locator('code.secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    const [endpoint] = (await stack.api('GET', `/v1/subscriptions?tenantId=${tenant.id}`)).body.data;
    expect(endpoint).toMatchObject({ url: hook.url, eventTypes: ['order.created'], description: 'orders to the shop', tenantId: tenant.id });
    expect((await stack.api('GET', `/v1/subscriptions/${endpoint.id}/secret`)).body).toEqual({ secret });
    // Shown once: the endpoint's own page does not show it.
    await page.getByRole('link', { name: 'Go to the endpoint' }).click();
    expect(await page.content()).not.toContain(secret);

    // A published event's delivery and its attempt.
    const firstEvent = await publish(tenant.id);
    const first = await settledDelivery(firstEvent, 'succeeded');
    await page.getByRole('link', { name: 'Deliveries', exact: true }).first().click();
    await page.getByRole('link', { name: first.id }).click();
    await expect(page.locator('dl.facts').textContent()).resolves.toContain(firstEvent);
    const attemptRows = page.getByRole('region', { name: 'Attempts' }).locator('tbody tr');
    await expect(attemptRows.count()).resolves.toBe(1);
    await expect(attemptRows.first().textContent()).resolves.toMatch(/HTTP 200.*\d+ ms.*thanks/);
    // ...and the event, with where it went.
    await page.getByRole('link', { name: firstEvent }).click();
    await expect(page.locator('pre').first().textContent()).resolves.toContain('"orderId": 1001');
    await expect(page.getByRole('link', { name: first.id }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: hook.url }).count()).resolves.toBe(1);

    // A test send and the receiver's answer.
    await page.goto(`${server.url}/portal/endpoints/${endpoint.id}`);
    const before = hook.requests.length;
    await page.getByLabel('Event type').selectOption('order.created');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.getByRole('region', { name: 'Test result' });
    await expect(result.textContent()).resolves.toMatch(/HTTP 200.*\d+ ms.*thanks/);
    expect(hook.requests.length).toBe(before + 1);
    expect(hook.requests.at(-1)!.headers['webhook-test']).toBe('true');
    expect(JSON.parse(hook.requests.at(-1)!.body).data).toEqual(EXAMPLE);

    // The receiver breaks: three dead letters, their failed attempts on the page.
    hook.setBehaviour(alwaysFail);
    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect(result.textContent()).resolves.toMatch(/HTTP 500.*receiver is broken/);
    const failing = [await publish(tenant.id), await publish(tenant.id), await publish(tenant.id)];
    const dead = await Promise.all(failing.map((id) => settledDelivery(id, 'dead')));
    await page.goto(`${server.url}/portal/deliveries`);
    await page.getByLabel('Status').selectOption('dead');
    await page.getByLabel('Endpoint').selectOption(endpoint.id);
    await page.getByRole('button', { name: 'Filter' }).click();
    const listed = await page.locator('main tbody a[href^="/portal/deliveries/"]').allTextContents();
    expect(listed.sort()).toEqual(dead.map((d) => d.id).sort());
    await page.getByRole('link', { name: dead[0]!.id }).click();
    const failedAttempts = await attemptRows.allTextContents();
    expect(failedAttempts).toHaveLength(dead[0]!.attemptCount);
    for (const row of failedAttempts) expect(row).toMatch(/failed.*HTTP 500.*receiver is broken/);

    // Fixed: resend one from its page...
    hook.setBehaviour(thanks);
    await page.getByRole('button', { name: 'Resend' }).click();
    expect(await flash(page)).toBe('Resend requested');
    await settledDelivery(failing[0]!, 'succeeded');
    await page.reload();
    await expect(attemptRows.last().textContent()).resolves.toMatch(/HTTP 200.*thanks/);

    // ...and the other two at once, ticked in the list.
    await page.goto(`${server.url}/portal/deliveries?status=dead`);
    for (const delivery of dead.slice(1)) await page.getByLabel(`Select ${delivery.id}`).check();
    await page.getByRole('button', { name: 'Resend selected' }).click();
    expect(await flash(page)).toBe('Resent 2 deliveries');
    expect(new URL(page.url()).search).toBe('?status=dead');
    await Promise.all(failing.slice(1).map((id) => settledDelivery(id, 'succeeded')));

    // Rotating: the new secret once, and until when the previous one keeps signing.
    await page.goto(`${server.url}/portal/endpoints/${endpoint.id}`);
    const rotation = page.waitForResponse((response) => response.url().endsWith('/secret/rotate'));
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    // A page showing a secret is never cached.
    expect((await rotation).headers()['cache-control']).toBe('no-store');
    const rotated = (await page.locator('code.secret').textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await expect(page.locator('.shown-key').textContent()).resolves.toMatch(/previous key keeps signing next to this one until \d{4}-\d\d-\d\d /);
    expect((await stack.api('GET', `/v1/subscriptions/${endpoint.id}/secret`)).body).toEqual({ secret: rotated });
    await page.goto(`${server.url}/portal/endpoints/${endpoint.id}`);
    expect(await page.content()).not.toContain(rotated);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await expect(page.locator('code.secret').textContent()).resolves.toBe(rotated);

    // Editing keeps the types and changes what was changed.
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(page.getByLabel('order.created', { exact: true }).isChecked()).resolves.toBe(true);
    await page.getByLabel('order.refunded', { exact: true }).check();
    await page.getByLabel('Description').fill('orders and refunds');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await flash(page)).toBe('Endpoint saved');
    expect((await stack.api('GET', `/v1/subscriptions/${endpoint.id}`)).body).toMatchObject({
      eventTypes: ['order.created', 'order.refunded'],
      description: 'orders and refunds',
    });

    // Pausing and resuming.
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(await flash(page)).toBe('Endpoint paused');
    expect((await stack.api('GET', `/v1/subscriptions/${endpoint.id}`)).body.status).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    expect(await flash(page)).toBe('Endpoint resumed');
    expect((await stack.api('GET', `/v1/subscriptions/${endpoint.id}`)).body.status).toBe('active');

    // A phone: the endpoints page and an endpoint's page fit 390 px without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/portal/endpoints', `/portal/endpoints/${endpoint.id}`, '/portal/deliveries']) {
      await page.goto(`${server.url}${path}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // Deleting asks first, then the endpoint is gone.
    await page.goto(`${server.url}/portal/endpoints/${endpoint.id}`);
    await page.getByRole('link', { name: 'Delete…' }).click();
    expect(await heading(page)).toBe('Delete this endpoint?');
    expect((await stack.api('GET', `/v1/subscriptions/${endpoint.id}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    expect(await flash(page)).toBe('Endpoint deleted');
    expect((await stack.api('GET', `/v1/subscriptions/${endpoint.id}`)).status).toBe(404);
    await context.close();
  });

  it('shows the catalog read-only on the event types page', async () => {
    const tenant = await tenantWithToken('Tenant Catalog');
    const { context, page } = await openPortal(server.url, tenant.token);
    await page.getByRole('link', { name: 'Event types' }).click();
    const section = page.getByRole('region', { name: 'order.created' });
    await expect(section.textContent()).resolves.toContain('An order was placed.');
    await expect(section.locator('pre').nth(1).textContent()).resolves.toContain('"total": "12.50"');
    await expect(page.getByRole('region', { name: 'order.refunded' }).textContent()).resolves.toContain('No schema: any payload.');
    await expect(page.locator('main form').count()).resolves.toBe(0);
    await context.close();
  });

  it("does not reach another tenant's endpoint, delivery or event by editing URLs, and changes nothing of it", async () => {
    const a = await tenantWithToken('Tenant A');
    const b = await tenantWithToken('Tenant B');
    const hookB = await receiver(thanks);
    const subB = await stack.api('POST', '/v1/subscriptions', { url: hookB.url, eventTypes: ['order.created'], tenantId: b.id });
    expect(subB.status).toBe(201);
    const eventB = await publish(b.id);
    const deliveryB = await settledDelivery(eventB, 'succeeded');
    const before = {
      subscription: (await stack.api('GET', `/v1/subscriptions/${subB.body.id}`)).body,
      delivery: (await stack.api('GET', `/v1/deliveries/${deliveryB.id}`)).body,
      secret: (await stack.api('GET', `/v1/subscriptions/${subB.body.id}/secret`)).body,
      requests: hookB.requests.length,
    };

    const { context, page } = await openPortal(server.url, a.token);
    for (const path of [
      `/portal/endpoints/${subB.body.id}`,
      `/portal/endpoints/${subB.body.id}/edit`,
      `/portal/endpoints/${subB.body.id}/delete`,
      `/portal/deliveries/${deliveryB.id}`,
      `/portal/events/${eventB}`,
    ]) {
      const answer = await page.goto(`${server.url}${path}`);
      expect(answer?.status(), path).toBe(404);
      expect(await heading(page), path).toBe('Not found');
      expect(await page.content(), path).not.toContain(hookB.url);
    }
    // Lists filtered by B's endpoint show nothing of B.
    await page.goto(`${server.url}/portal/deliveries?subscriptionId=${subB.body.id}`);
    await expect(page.locator('main tbody tr').count()).resolves.toBe(0);

    // Changes posted at B's ids with A's own session and CSRF token: a form of A's page, pointed elsewhere.
    for (const action of [
      `/portal/deliveries/${deliveryB.id}/redeliver`,
      `/portal/endpoints/${subB.body.id}/status`,
      `/portal/endpoints/${subB.body.id}/secret`,
      `/portal/endpoints/${subB.body.id}/secret/rotate`,
      `/portal/endpoints/${subB.body.id}/test`,
      `/portal/endpoints/${subB.body.id}/delete`,
    ]) {
      await page.goto(`${server.url}/portal/endpoints`);
      const answer = page.waitForResponse((response) => response.request().method() === 'POST');
      await page.evaluate((target) => {
        const form = document.querySelector<HTMLFormElement>('form.sign-out')!;
        form.action = target;
        const status = document.createElement('input');
        status.type = 'hidden';
        status.name = 'status';
        status.value = 'paused';
        form.append(status);
        form.submit();
      }, action);
      expect((await answer).status(), action).toBe(404);
      expect(await heading(page), action).toBe('Not found');
    }
    expect(await page.content()).not.toContain(before.secret.secret);

    // B's data, as the platform sees it, is as it was.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await stack.api('GET', `/v1/subscriptions/${subB.body.id}`)).body).toEqual(before.subscription);
    expect((await stack.api('GET', `/v1/deliveries/${deliveryB.id}`)).body).toEqual(before.delivery);
    expect((await stack.api('GET', `/v1/subscriptions/${subB.body.id}/secret`)).body).toEqual(before.secret);
    expect(hookB.requests.length).toBe(before.requests);
    await context.close();
  });

  it('leads back to the enter page once the session has been idle too long', async () => {
    const idleMs = 2_000;
    const short = await serveWithUi(stack, { sessionIdleMs: idleMs });
    try {
      const tenant = await tenantWithToken('Tenant Idle');
      const { context, page } = await openPortal(short.url, tenant.token);
      await page.goto(`${short.url}/portal/deliveries`);
      expect(await heading(page)).toBe('Deliveries');
      await new Promise((resolve) => setTimeout(resolve, idleMs + 500));
      const answer = await page.goto(`${short.url}/portal/deliveries`);
      expect(answer?.status()).toBe(401);
      expect(await heading(page)).toBe('Open the portal');
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Your session has ended');
      expect(await context.cookies()).toEqual([]);
      await context.close();
    } finally {
      await short.close();
    }
  });
});

/** A page of another site that frames a URL (set once the portal's address is known), as a platform embeds the portal. */
async function parentSite(): Promise<{ origin: string; frame(src: string): void; close(): Promise<void> }> {
  let src = 'about:blank';
  const parent: Server = createServer((_, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!doctype html><title>Platform</title><h1>Platform settings</h1><iframe src="${src}" title="Webhooks portal" width="900" height="700"></iframe>`,
      ),
  );
  await new Promise<void>((resolve) => parent.listen(0, '127.0.0.1', resolve));
  return {
    // 127.0.0.1 is another site than the portal's localhost: the frame is cross-site, as on a real platform.
    origin: `http://127.0.0.1:${(parent.address() as AddressInfo).port}`,
    frame: (next) => void (src = next),
    close: () =>
      new Promise((resolve) => {
        parent.closeAllConnections();
        parent.close(() => resolve());
      }),
  };
}

describe('embedded portal', () => {
  it('works in an iframe of the allowed parent origin, and is refused by any other', async () => {
    const tenant = await tenantWithToken('Tenant Embedded');
    const hook = await receiver(thanks);
    const allowed = await parentSite();
    const other = await parentSite();
    const embedded = await serveWithUi(stack, { portal: { name: 'Platform Webhooks', frameAncestors: [allowed.origin] } });
    try {
      for (const parent of [allowed, other]) parent.frame(portalLink(embedded.url, tenant.token));

      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(allowed.origin);
      const frame = page.frameLocator('iframe[title="Webhooks portal"]');
      await expect(frame.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Endpoints');
      await expect(frame.locator('.brand').textContent()).resolves.toContain('Platform Webhooks');
      // The session cookie a cross-site frame needs: SameSite=None, Secure (allowed on localhost), partitioned by the parent site.
      const [cookie] = (await context.cookies()).filter((c) => c.name === 'hookflow_portal');
      expect(cookie).toMatchObject({ sameSite: 'None', secure: true, httpOnly: true, partitionKey: 'http://127.0.0.1' });

      // Changes work in the frame: adding an endpoint, pausing it (with its flash).
      await frame.getByRole('link', { name: 'Add an endpoint' }).click();
      await frame.getByLabel('URL').fill(hook.url);
      await frame.getByLabel('order.created', { exact: true }).check();
      await frame.getByRole('button', { name: 'Add endpoint' }).click();
      await expect(frame.locator('code.secret').textContent()).resolves.toMatch(/^whsec_/);
      await frame.getByRole('link', { name: 'Go to the endpoint' }).click();
      await frame.getByRole('button', { name: 'Pause' }).click();
      await expect(frame.locator('main .flash').textContent()).resolves.toBe('Endpoint paused');
      const [endpoint] = (await stack.api('GET', `/v1/subscriptions?tenantId=${tenant.id}`)).body.data;
      expect(endpoint).toMatchObject({ url: hook.url, status: 'paused' });
      await context.close();

      // Another parent origin: the browser refuses to render the portal in its frame (CSP frame-ancestors).
      const refusedContext = await browser.newContext();
      const refusedPage = await refusedContext.newPage();
      const violations: string[] = [];
      refusedPage.on('console', (message) => violations.push(message.text()));
      await refusedPage.goto(other.origin);
      await waitFor('the frame refused', async () => (violations.some((text) => text.includes('frame-ancestors')) ? true : undefined), 10_000);
      // The frame holds the browser's error page instead of the portal.
      const framed = refusedPage.frames().find((f) => f !== refusedPage.mainFrame())!;
      expect(framed.url()).toBe('chrome-error://chromewebdata/');
      expect(await framed.content()).not.toContain('Platform Webhooks');
      await refusedContext.close();
    } finally {
      await embedded.close();
      await allowed.close();
      await other.close();
    }
    // Three browser contexts and three servers: seconds alone, far more on two loaded cores.
  }, 180_000);
});

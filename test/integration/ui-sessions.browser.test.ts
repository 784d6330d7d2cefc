// The console's and portal's sessions in a real browser: signing in and out,
// cookies, CSRF, idle expiry, the security headers, and that a portal token
// shows its own tenant only.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../src/runtime/api-server.js';
import { launchBrowser, portalLink, serveWithUi, signInToConsole } from '../support/browser.js';
import { startTestStack, uniqueName, type TestStack } from '../support/stack.js';

let stack: TestStack;
let server: ApiServer;
let browser: Browser;
const IDLE_MS = 4_000;

async function subscription(tenantId: string, url: string) {
  const created = await stack.api('POST', '/v1/subscriptions', { url, eventTypes: ['order.created'], tenantId });
  expect(created.status).toBe(201);
  return created.body as { id: string };
}

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [1] });
  server = await serveWithUi(stack, { sessionIdleMs: IDLE_MS, portal: { name: 'Acme Webhooks', accentColor: '#6b21a8' } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.close();
});

describe('console sessions', () => {
  it('signs in with an admin key only, with a strict HttpOnly cookie and strict headers, and signs out for good', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const mine = await subscription('default', `https://example.com/${uniqueName('hook')}`);

    // Not signed in: any page leads to the sign-in form, remembering where it was going.
    const first = await page.goto(`${server.url}/console/subscriptions`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console/subscriptions');
    expect(first?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(first?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(first?.headers()['x-frame-options']).toBe('DENY');

    // A wrong key, then a publish-only key, are refused with a reason.
    await page.getByLabel('API key').fill('hf_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('unknown or has been revoked');
    const publisher = await stack.api('POST', '/v1/keys', { name: 'publisher', scopes: ['publish'] });
    await page.getByLabel('API key').fill(publisher.body.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('admin scope');
    expect(await context.cookies()).toEqual([]);

    await page.getByLabel('API key').fill(stack.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/console/subscriptions`);
    await expect(page.getByRole('link', { name: mine.id }).count()).resolves.toBe(1);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'hookflow_console', httpOnly: true, sameSite: 'Strict', path: '/console' });
    // The cookie is a random id: never the key.
    expect(cookie!.value).not.toContain(stack.adminKey);

    const stolen = cookie!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/console/sign-in');
    // The old cookie opens nothing any more: the session is gone on the server too.
    const replayed = await fetch(`${server.url}/console/subscriptions`, { headers: { cookie: `hookflow_console=${stolen}` }, redirect: 'manual' });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/console\/sign-in/);
    await context.close();
  });

  it('refuses a change without the session CSRF token, or from another origin, and changes nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInToConsole(page, server.url, stack.adminKey);
    const [cookie] = await context.cookies();
    const jar = `hookflow_console=${cookie!.value}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie: jar };

    const noToken = await fetch(`${server.url}/console/sign-out`, {
      method: 'POST',
      headers: { ...form, origin: server.url },
      body: '',
      redirect: 'manual',
    });
    expect(noToken.status).toBe(403);
    const wrongToken = await fetch(`${server.url}/console/sign-out`, {
      method: 'POST',
      headers: { ...form, origin: server.url },
      body: '_csrf=guess',
      redirect: 'manual',
    });
    expect(wrongToken.status).toBe(403);
    const token = await page.locator('input[name="_csrf"]').first().inputValue();
    const crossSite = await fetch(`${server.url}/console/sign-out`, {
      method: 'POST',
      headers: { ...form, origin: 'https://evil.example' },
      body: `_csrf=${token}`,
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);

    // Still signed in: none of those signed the session out.
    const still = await fetch(`${server.url}/console/subscriptions`, { headers: { cookie: jar }, redirect: 'manual' });
    expect(still.status).toBe(200);
    await context.close();
  });

  it('ends a session left idle', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInToConsole(page, server.url, stack.adminKey);
    await page.goto(`${server.url}/console/subscriptions`);
    expect(new URL(page.url()).pathname).toBe('/console/subscriptions');
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS + 500));
    await page.goto(`${server.url}/console/subscriptions`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await context.close();
  });
});

describe('portal sessions', () => {
  it("opens from a link with a tenant's token, shows that tenant only, themed, and keeps the token out of the address bar", async () => {
    const tenantA = await stack.api('POST', '/v1/tenants', { name: 'Tenant A' });
    const tenantB = await stack.api('POST', '/v1/tenants', { name: 'Tenant B' });
    const ofA = await subscription(tenantA.body.id, `https://a.example.com/${uniqueName('hook')}`);
    const ofB = await subscription(tenantB.body.id, `https://b.example.com/${uniqueName('hook')}`);
    const issued = await stack.api('POST', `/v1/tenants/${tenantA.body.id}/portal-token`, {});
    expect(issued.status).toBe(201);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(portalLink(server.url, issued.body.token));
    await page.waitForURL(`${server.url}/portal/endpoints`);
    expect(page.url()).not.toContain(issued.body.token);
    await expect(page.locator('header .who').textContent()).resolves.toBe('Tenant A');
    await expect(page.getByText('Acme Webhooks').count()).resolves.toBeGreaterThan(0);
    const links = await page.locator('main table a[href^="/portal/endpoints/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual([`/portal/endpoints/${ofA.id}`]);
    expect(links).not.toContain(`/portal/endpoints/${ofB.id}`);
    const accent = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());
    expect(accent).toBe('#6b21a8');

    // Revoking the tenant's tokens ends the portal session at its next page.
    expect((await stack.api('DELETE', `/v1/tenants/${tenantA.body.id}/portal-tokens`)).status).toBe(204);
    await page.goto(`${server.url}/portal/endpoints`);
    expect(new URL(page.url()).pathname).toBe('/portal/enter');
    // ...and that session is over on the server as well, not only for this page.
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('refuses a token that is not valid and opens nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(portalLink(server.url, 'hfpt.not.valid'));
    await expect(page.getByRole('alert').textContent()).resolves.toContain('expired or been revoked');
    expect(await context.cookies()).toEqual([]);
    const direct = await page.goto(`${server.url}/portal/endpoints`);
    expect(direct?.status()).toBe(401);
    await context.close();
  });

  it('may be framed only by the allowed parent origin when embedding is configured', async () => {
    const embedded = await serveWithUi(stack, { portal: { frameAncestors: ['https://platform.example'] } });
    try {
      const answer = await fetch(`${embedded.url}/portal/enter`);
      expect(answer.headers.get('content-security-policy')).toContain('frame-ancestors https://platform.example');
      expect(answer.headers.get('x-frame-options')).toBeNull();
      const console_ = await fetch(`${embedded.url}/console/sign-in`);
      expect(console_.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    } finally {
      await embedded.close();
    }
  });
});

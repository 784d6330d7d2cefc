// Browser tests: Debian's Chromium driven by playwright-core, against
// hookflow served over real HTTP on loopback (the test stack's API with the
// console and portal settings a test chooses).
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../../src/dev/ports.js';
import { startApiServer, type ApiServer } from '../../src/runtime/api-server.js';
import { DEFAULT_UI_OPTIONS, type UiOptions } from '../../src/ui/options.js';
import type { TestStack } from './stack.js';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** The stack's API on a real port, with these console and portal settings over the defaults. */
export async function serveWithUi(
  stack: TestStack,
  ui: Partial<Omit<UiOptions, 'portal'>> & { portal?: Partial<UiOptions['portal']> } = {},
): Promise<ApiServer> {
  const options: UiOptions = { ...DEFAULT_UI_OPTIONS, ...ui, portal: { ...DEFAULT_UI_OPTIONS.portal, ...ui.portal } };
  return startApiServer({ ...stack.apiDeps, ui: options }, await freePort());
}

export async function signInToConsole(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/console/sign-in`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/console/sign-in'));
}

/** A tenant's portal link, as the platform hands it to its customer. */
export function portalLink(baseUrl: string, token: string): string {
  return `${baseUrl}/portal/enter#token=${encodeURIComponent(token)}`;
}

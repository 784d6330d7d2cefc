// Every portal page in its frame, under the platform's name, logo and accent
// colour (src/ui/options.ts), and the portal's own theme stylesheet.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { takeFlash } from '../flash.js';
import { Page, type NavItem } from '../layout.js';
import type { PortalTheme } from '../options.js';
import type { UiEnv } from '../session.js';

export const PORTAL_NAV: readonly NavItem[] = [
  { href: '/portal/endpoints', label: 'Endpoints' },
  { href: '/portal/deliveries', label: 'Deliveries' },
  { href: '/portal/event-types', label: 'Event types' },
];

/** The theme as a stylesheet of its own (a strict CSP allows no inline style), versioned by its content. */
export function themeStylesheet(theme: PortalTheme): { url: string; css: string } {
  const css = `:root { --accent: ${theme.accentColor}; }\n`;
  const hash = createHash('sha256').update(css).digest('hex').slice(0, 12);
  return { url: `/portal/theme.${hash}.css`, css };
}

export function portalPage(
  c: Context<UiEnv>,
  theme: PortalTheme,
  page: { title: string; children?: Child; scripts?: readonly string[]; status?: number },
) {
  const session = c.get('session');
  return c.html(
    <Page
      title={page.title}
      brand={theme.name}
      brandHref="/portal/endpoints"
      logoUrl={theme.logoUrl}
      nav={PORTAL_NAV}
      path={c.req.path}
      signedIn={{ label: session.label, csrfToken: session.csrfToken, signOutAction: '/portal/sign-out' }}
      flash={takeFlash(c, 'portal')}
      styles={[themeStylesheet(theme).url]}
      scripts={page.scripts ?? []}
    >
      {page.children}
    </Page>,
    (page.status ?? 200) as 200,
  );
}

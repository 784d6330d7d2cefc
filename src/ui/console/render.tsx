// Every console page in its frame: the navigation, who is signed in, and the
// one-time message left by the last change.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { takeFlash } from '../flash.js';
import { Page, type NavItem } from '../layout.js';
import type { UiEnv } from '../session.js';

export const CONSOLE_NAV: readonly NavItem[] = [
  { href: '/console', label: 'Overview' },
  { href: '/console/events', label: 'Events' },
  { href: '/console/dead-letters', label: 'Dead letters' },
  { href: '/console/subscriptions', label: 'Subscriptions' },
  { href: '/console/tenants', label: 'Tenants' },
  { href: '/console/event-types', label: 'Event types' },
];

export function consolePage(
  c: Context<UiEnv>,
  page: { title: string; children?: Child; scripts?: readonly string[]; styles?: readonly string[]; status?: number },
) {
  const session = c.get('session');
  return c.html(
    <Page
      title={page.title}
      brand="hookflow console"
      brandHref="/console"
      nav={CONSOLE_NAV}
      path={c.req.path}
      signedIn={{ label: session.label, csrfToken: session.csrfToken, signOutAction: '/console/sign-out' }}
      flash={takeFlash(c, 'console')}
      scripts={page.scripts ?? []}
      styles={page.styles ?? []}
    >
      {page.children}
    </Page>,
    (page.status ?? 200) as 200,
  );
}

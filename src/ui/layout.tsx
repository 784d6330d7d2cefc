// The frame of every console and portal page: a skip link, the header with
// the navigation and who is signed in, a one-time message, then the page.
import type { Child } from 'hono/jsx';
import { assetUrl } from './assets.js';
import { CsrfField } from './components.js';

export interface NavItem {
  href: string;
  label: string;
}

export interface PageProps {
  title: string;
  /** The product's name in the header ("hookflow console", or the portal's configured name). */
  brand: string;
  brandHref: string;
  logoUrl?: string | undefined;
  nav: readonly NavItem[];
  /** The current path, to mark the navigation item the page belongs to. */
  path: string;
  signedIn?: { label: string; csrfToken: string; signOutAction: string } | undefined;
  flash?: string | undefined;
  /** Extra stylesheets (a portal theme) and scripts (a page's island), as URLs of hookflow's own assets. */
  styles?: readonly string[];
  scripts?: readonly string[];
  children?: Child;
}

/** The item of the page, or of the section the page is in; an area's home ("/console") only for itself, not for every page under it. */
function isCurrent(item: NavItem, path: string): boolean {
  const areaHome = item.href.split('/').length <= 2;
  return path === item.href || (!areaHome && path.startsWith(`${item.href}/`));
}

export function Page(props: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${props.brand}`}</title>
        <link rel="stylesheet" href={assetUrl('ui.css')} />
        {(props.styles ?? []).map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer></script>
        ))}
      </head>
      <body>
        <a class="skip-link" href="#content">
          Skip to content
        </a>
        <header class="site-header">
          <a class="brand" href={props.brandHref}>
            {props.logoUrl ? <img src={props.logoUrl} alt="" width="28" height="28" /> : null}
            <span>{props.brand}</span>
          </a>
          {props.nav.length > 0 ? (
            <nav aria-label="Main">
              <ul>
                {props.nav.map((item) => (
                  <li>
                    <a href={item.href} aria-current={isCurrent(item, props.path) ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          {props.signedIn ? (
            <form class="sign-out" method="post" action={props.signedIn.signOutAction}>
              <span class="who">{props.signedIn.label}</span>
              <CsrfField token={props.signedIn.csrfToken} />
              <button type="submit" class="secondary">
                Sign out
              </button>
            </form>
          ) : null}
        </header>
        <main id="content" tabindex={-1}>
          {props.flash ? (
            <p class="flash" role="status">
              {props.flash}
            </p>
          ) : null}
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

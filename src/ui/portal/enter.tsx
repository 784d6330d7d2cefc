// Entering the portal with a tenant's portal token (POST /v1/tenants/:id/
// portal-token). The platform hands its customer a link ending in
// #token=<token>; the page moves it into this form (assets/portal-enter.js),
// /v1 checks it (GET /v1/whoami), and the session keeps it, sealed, until the
// token expires at the latest.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { decodeJwt } from 'jose';
import type { ProblemBody } from '../../api/problem.js';
import type { CallerView } from '../../schemas/caller.js';
import type { Tenant } from '../../schemas/tenant.js';
import { assetUrl } from '../assets.js';
import { ProblemSummary } from '../components.js';
import { Page } from '../layout.js';
import type { PortalTheme } from '../options.js';
import { endSession, startSession, type UiEnv } from '../session.js';
import type { UiDeps } from '../ui-deps.js';
import { V1Problem, v1Client } from '../v1-client.js';
import { themeStylesheet } from './render.js';

export function enterPage(c: Context, theme: PortalTheme, problem?: ProblemBody, status = 200) {
  return c.html(
    <Page
      title="Open the portal"
      brand={theme.name}
      brandHref="/portal/enter"
      logoUrl={theme.logoUrl}
      nav={[]}
      path={c.req.path}
      styles={[themeStylesheet(theme).url]}
      scripts={[assetUrl('portal-enter.js')]}
    >
      <ProblemSummary problem={problem} />
      <p>Open the portal from the link you were given. If it does not open by itself, paste the token from the link here.</p>
      <form id="enter-form" class="stacked" method="post" action="/portal/enter">
        <div class="field">
          <label for="token">Portal token</label>
          <input id="token" name="token" type="password" required autocomplete="off" />
        </div>
        <div class="actions">
          <button type="submit">Open</button>
        </div>
      </form>
    </Page>,
    status as 200,
  );
}

function refused(detail: string): ProblemBody {
  return { type: 'https://hookflow.dev/problems/unauthorized', title: 'The link does not open the portal', status: 401, detail };
}

export function portalEnter(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  const theme = deps.options.portal;

  app.get('/enter', (c) => enterPage(c, theme));

  app.post('/enter', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form['token'] === 'string' ? form['token'].trim() : '';
    const api = v1Client(deps.fetchV1, token, c.env);
    const caller = await api.get<CallerView>('/v1/whoami').catch((error: unknown) => {
      if (error instanceof V1Problem && error.status === 401) return undefined;
      throw error;
    });
    if (!caller || caller.kind !== 'portal-token' || caller.tenantId === null) {
      return enterPage(c, theme, refused('it has expired or been revoked: ask for a new link'), 401);
    }
    const tenant = await api.get<Tenant>(`/v1/tenants/${encodeURIComponent(caller.tenantId)}`);
    const expiresAt = decodeJwt(token).exp;
    await startSession(c, deps, 'portal', {
      credential: token,
      label: tenant.name,
      tenantId: caller.tenantId,
      ...(expiresAt === undefined ? {} : { notAfter: new Date(expiresAt * 1000) }),
    });
    return c.redirect('/portal/endpoints', 303);
  });

  return app;
}

export async function portalSignOut(c: Context, deps: UiDeps): Promise<Response> {
  await endSession(c, deps, 'portal');
  return c.redirect('/portal/enter', 303);
}

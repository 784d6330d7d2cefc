// Signing in to the console with an API key of admin scope. The key is checked
// by /v1 itself (GET /v1/whoami) and kept, sealed, in the session on the server.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ProblemBody } from '../../api/problem.js';
import type { CallerView } from '../../schemas/caller.js';
import { Field, ProblemSummary } from '../components.js';
import { Page } from '../layout.js';
import { endSession, startSession, type UiEnv } from '../session.js';
import { localPath, type UiDeps } from '../ui-deps.js';
import { V1Problem, v1Client } from '../v1-client.js';

function signInPage(c: Context, next: string, problem?: ProblemBody, status = 200) {
  return c.html(
    <Page title="Sign in" brand="hookflow console" brandHref="/console" nav={[]} path={c.req.path}>
      <p>Sign in with an API key that has the admin scope. A key limited to one tenant sees that tenant only.</p>
      <ProblemSummary problem={problem} />
      <form class="stacked" method="post" action="/console/sign-in">
        <input type="hidden" name="next" value={next} />
        <Field label="API key" name="key" type="password" required autocomplete="off" />
        <div class="actions">
          <button type="submit">Sign in</button>
        </div>
      </form>
    </Page>,
    status as 200,
  );
}

function refused(detail: string): ProblemBody {
  return { type: 'https://hookflow.dev/problems/unauthorized', title: 'Not signed in', status: 401, detail };
}

/** The sign-in and sign-out routes (mounted before the session check). */
export function consoleSignIn(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.get('/sign-in', (c) => signInPage(c, localPath(c.req.query('next'), '/console')));

  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const next = localPath(form['next'], '/console');
    const key = typeof form['key'] === 'string' ? form['key'].trim() : '';
    if (key === '') return signInPage(c, next, refused('enter an API key'), 401);
    const whoami = await v1Client(deps.fetchV1, key, c.env)
      .get<CallerView>('/v1/whoami')
      .then((caller) => ({ ok: true as const, caller }))
      .catch((error: unknown) => {
        if (error instanceof V1Problem && error.status === 401) return { ok: false as const };
        throw error;
      });
    if (!whoami.ok) return signInPage(c, next, refused('the API key is unknown or has been revoked'), 401);
    const { caller } = whoami;
    if (caller.kind !== 'api-key' || !caller.scopes.includes('admin')) {
      return signInPage(c, next, refused('the console needs an API key with the admin scope'), 403);
    }
    const label = `${caller.keyId === 'env:HOOKFLOW_ADMIN_KEY' ? 'HOOKFLOW_ADMIN_KEY' : `key ${caller.keyId}`}${caller.tenantId ? ` · tenant ${caller.tenantId}` : ''}`;
    await startSession(c, deps, 'console', { credential: key, label, tenantId: caller.tenantId });
    return c.redirect(next, 303);
  });

  return app;
}

export async function signOut(c: Context, deps: UiDeps): Promise<Response> {
  await endSession(c, deps, 'console');
  return c.redirect('/console/sign-in', 303);
}

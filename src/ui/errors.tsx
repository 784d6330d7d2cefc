// What a page shows when /v1 refuses a read or something breaks: the API's
// own problem (its title and detail, never a stack), with the API's status.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ProblemBody } from '../api/problem.js';
import type { Logger } from '../logger.js';
import { ProblemSummary } from './components.js';
import { Page } from './layout.js';
import { V1Problem } from './v1-client.js';

export function pageError(logger: Logger, area: { brand: string; home: string; signIn: string; endSession: (c: Context) => Promise<void> }) {
  return async (error: Error, c: Context): Promise<Response> => {
    // The credential stopped working (a revoked key, an expired or revoked token): the session is over.
    if (error instanceof V1Problem && error.status === 401) {
      await area.endSession(c);
      return c.redirect(area.signIn, 303);
    }
    let problem: ProblemBody;
    if (error instanceof V1Problem) problem = error.problem;
    // hono/csrf: a change posted from another origin.
    else if (error instanceof HTTPException && error.status === 403) {
      problem = {
        type: 'https://hookflow.dev/problems/csrf',
        title: 'Refused',
        status: 403,
        detail: "a change must be made from this site's own pages",
      };
    } else {
      logger.error({ err: error, method: c.req.method, path: c.req.path }, 'page failed');
      problem = { type: 'https://hookflow.dev/problems/internal', title: 'Something went wrong', status: 500, detail: 'the error has been logged' };
    }
    return c.html(
      <Page title={problem.status === 404 ? 'Not found' : 'Error'} brand={area.brand} brandHref={area.home} nav={[]} path={c.req.path}>
        <ProblemSummary problem={problem} />
        <p>
          <a href={area.home}>Back to the start</a>
        </p>
      </Page>,
      problem.status as 500,
    );
  };
}

/** A change refused for its missing or stale CSRF token: nothing was done. */
export function staleFormPage(c: Context, area: { brand: string; home: string }): Response | Promise<Response> {
  return c.html(
    <Page title="Refused" brand={area.brand} brandHref={area.home} nav={[]} path={c.req.path}>
      <ProblemSummary
        problem={{
          type: 'https://hookflow.dev/problems/csrf',
          title: 'The form is out of date',
          status: 403,
          detail: 'go back, reload the page and try again',
        }}
      />
    </Page>,
    403,
  );
}

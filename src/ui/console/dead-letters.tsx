// The dead-letter queue in the console: dead deliveries by tenant,
// subscription, event type and time; redeliver a selection (one /v1 request
// per delivery, so each is checked, scoped and audited as its own), or
// recover a whole subscription since a time (POST /v1/subscriptions/:id/recover,
// answered with counts, or with a background operation to follow).
import { Hono, type Context } from 'hono';
import type { ProblemBody } from '../../api/problem.js';
import type { Delivery } from '../../schemas/delivery.js';
import type { JsonValue } from '../../json.js';
import { CsrfField, NextPageLink, ProblemSummary } from '../components.js';
import { redirectWithFlash } from '../flash.js';
import type { UiEnv } from '../session.js';
import { localPath, v1For, type UiDeps } from '../ui-deps.js';
import type { V1Client } from '../v1-client.js';
import { DeliveryTable, FilterField, TimeRangeFields, apiQuery, pageQuery, readList, utcInputToIso } from './ops-parts.js';
import { consolePage } from './render.js';

const HOME = '/console/dead-letters';
const FILTERS = ['tenantId', 'subscriptionId', 'eventType', 'since', 'until', 'cursor'] as const;
/** At most one page's worth per bulk request. */
const MAX_SELECTED = 100;
/** Refusals named in the message after a bulk redelivery (the rest are counted). */
const REFUSALS_NAMED = 5;

interface RecoverForm {
  subscriptionId: string;
  since: string;
  until: string;
}

export function consoleDeadLetters(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.get('/', (c) => deadLettersPage(c, deps));

  app.post('/redeliver', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const back = localPath(form['back'], HOME);
    const selected = [form['id'] ?? []].flat().filter((id): id is string => typeof id === 'string' && id !== '');
    if (selected.length === 0) return redirectWithFlash(c, 'console', back, 'Nothing selected: tick the dead letters to redeliver');
    const { redelivered, refused } = await redeliverEach(v1For(c, deps), selected.slice(0, MAX_SELECTED));
    return redirectWithFlash(c, 'console', back, bulkMessage(redelivered, refused));
  });

  app.post('/recover', async (c) => {
    const form = await c.req.parseBody();
    // A field sent as a file is no text: read as empty, like a missing one.
    const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
    const typed: RecoverForm = {
      subscriptionId: text(form['recoverSubscriptionId']),
      since: text(form['recoverSince']),
      until: text(form['recoverUntil']),
    };
    if (typed.subscriptionId === '') {
      const problem: ProblemBody = {
        type: 'https://hookflow.dev/problems/validation',
        title: 'Request is invalid',
        status: 422,
        errors: [{ path: 'subscriptionId', message: 'enter the subscription to recover' }],
      };
      return deadLettersPage(c, deps, { typed, problem });
    }
    const until = utcInputToIso(typed.until);
    const answer = await v1For(c, deps).send<Record<string, JsonValue>>(
      'POST',
      `/v1/subscriptions/${encodeURIComponent(typed.subscriptionId)}/recover`,
      {
        since: utcInputToIso(typed.since) ?? '',
        ...(until === undefined ? {} : { until }),
      },
    );
    if (!answer.ok) return deadLettersPage(c, deps, { typed, problem: answer.problem });
    if (answer.location && isV1Path(answer.location)) {
      return c.redirect(`${HOME}/recovery?location=${encodeURIComponent(answer.location)}`, 303);
    }
    return redirectWithFlash(c, 'console', HOME, `Recovery of ${typed.subscriptionId}: ${describeAnswer(answer.data)}`);
  });

  // A recovery running in the background, as /v1 describes it at its Location.
  app.get('/recovery', async (c) => {
    const location = c.req.query('location') ?? '';
    if (!isV1Path(location)) return c.redirect(HOME, 303);
    const operation = await v1For(c, deps).get<Record<string, JsonValue>>(location);
    return consolePage(c, {
      title: 'Recovery',
      children: (
        <>
          <p>
            The recovery runs in the background. <a href={`${HOME}/recovery?location=${encodeURIComponent(location)}`}>Refresh</a> to follow it.
          </p>
          <dl class="facts">
            {Object.entries(operation).map(([field, value]) => (
              <>
                <dt>{field}</dt>
                <dd>{typeof value === 'string' || typeof value === 'number' ? String(value) : <code>{JSON.stringify(value)}</code>}</dd>
              </>
            ))}
          </dl>
          <p>
            <a href={HOME}>Back to the dead letters</a>
          </p>
        </>
      ),
    });
  });

  return app;
}

/** A Location to follow through /v1: a /v1 path of ours, never another origin. */
export function isV1Path(location: string): boolean {
  return /^\/v1\/[A-Za-z0-9_.~\-/]+$/.test(location) && !location.includes('//') && !location.includes('..');
}

/** What a recovery answered with counts, in words ("requested: 3"). */
function describeAnswer(data: Record<string, JsonValue> | undefined): string {
  if (!data || typeof data !== 'object') return 'requested';
  const parts = Object.entries(data).map(([field, value]) => `${field}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  return parts.length > 0 ? parts.join(', ') : 'requested';
}

async function redeliverEach(v1: V1Client, ids: readonly string[]) {
  let redelivered = 0;
  const refused: Array<{ id: string; why: string }> = [];
  // One at a time: each is a signal or a start in Temporal, and a bulk
  // redelivery should not crowd out the API's other callers.
  for (const id of ids) {
    const answer = await v1.send('POST', `/v1/deliveries/${encodeURIComponent(id)}/redeliver`);
    if (answer.ok) redelivered += 1;
    else refused.push({ id, why: answer.problem.detail ?? answer.problem.title });
  }
  return { redelivered, refused };
}

export function bulkMessage(redelivered: number, refused: ReadonlyArray<{ id: string; why: string }>): string {
  const done = `Redelivered ${redelivered} of ${redelivered + refused.length}`;
  if (refused.length === 0) return done;
  const named = refused.slice(0, REFUSALS_NAMED).map((r) => `${r.id} (${r.why})`);
  const more = refused.length > REFUSALS_NAMED ? ` and ${refused.length - REFUSALS_NAMED} more` : '';
  return `${done}; refused: ${named.join('; ')}${more}`;
}

async function deadLettersPage(c: Context<UiEnv>, deps: UiDeps, recover?: { typed: RecoverForm; problem: ProblemBody }) {
  const query = pageQuery(c, FILTERS);
  const params = apiQuery(query);
  params.set('status', 'dead');
  params.set('limit', String(MAX_SELECTED));
  const { page, problem } = await readList<Delivery>(v1For(c, deps), `/v1/deliveries?${params}`);
  const here = `${HOME}${new URL(c.req.url).search}`;
  const typed = recover?.typed ?? { subscriptionId: query.subscriptionId ?? '', since: query.since ?? '', until: query.until ?? '' };
  return consolePage(c, {
    title: 'Dead letters',
    status: recover?.problem.status ?? problem?.status ?? 200,
    children: (
      <>
        <ProblemSummary problem={problem} />
        <form class="filters" method="get" action={HOME} role="search" aria-label="Dead letters">
          <FilterField label="Tenant" name="tenantId" value={query.tenantId} />
          <FilterField label="Subscription" name="subscriptionId" value={query.subscriptionId} placeholder="sub_…" />
          <FilterField label="Event type" name="eventType" value={query.eventType} placeholder="order.created" />
          <TimeRangeFields since={query.since} until={query.until} />
          <div class="actions">
            <button type="submit">Filter</button>
            <a class="button secondary" href={HOME}>
              Clear
            </a>
          </div>
        </form>
        {page.data.length === 0 ? (
          <p>No dead letters match.</p>
        ) : (
          <form method="post" action={`${HOME}/redeliver`}>
            <CsrfField token={c.get('session').csrfToken} />
            <input type="hidden" name="back" value={here} />
            <DeliveryTable label="Dead letters" deliveries={page.data} selectable showEvent />
            <div class="actions">
              <button type="submit">Redeliver selected</button>
            </div>
          </form>
        )}
        <NextPageLink path={HOME} query={query} nextCursor={page.nextCursor} />
        <h2 id="recover">Recover a subscription since…</h2>
        <p class="hint">Redelivers every dead letter of the subscription created in the window, oldest first.</p>
        {recover ? <ProblemSummary problem={recover.problem} /> : null}
        <form class="stacked" method="post" action={`${HOME}/recover`} aria-labelledby="recover">
          <CsrfField token={c.get('session').csrfToken} />
          <div class="field">
            <label for="recoverSubscriptionId">Subscription to recover</label>
            <input id="recoverSubscriptionId" name="recoverSubscriptionId" required value={typed.subscriptionId} placeholder="sub_…" />
          </div>
          <div class="field">
            <label for="recoverSince">Since (UTC)</label>
            <input id="recoverSince" name="recoverSince" type="datetime-local" step="1" required value={typed.since} />
          </div>
          <div class="field">
            <label for="recoverUntil">Until (UTC, optional)</label>
            <input id="recoverUntil" name="recoverUntil" type="datetime-local" step="1" value={typed.until} />
          </div>
          <div class="actions">
            <button type="submit">Recover</button>
          </div>
        </form>
      </>
    ),
  });
}

// The customer's deliveries: the log (filtered by endpoint and status), one
// delivery with its attempts, and resending one or many (each a
// POST /v1/deliveries/:id/redeliver, so /v1 decides what may be resent).
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Page as ApiPage } from '../../schemas/common.js';
import { deliveryStatusSchema, type Delivery, type DeliveryWithAttempts } from '../../schemas/delivery.js';
import type { Subscription } from '../../schemas/subscription.js';
import { CsrfField, formatTime, NextPageLink, StatusBadge, TableWrap } from '../components.js';
import { redirectWithFlash } from '../flash.js';
import type { UiEnv } from '../session.js';
import { localPath, v1For, type UiDeps } from '../ui-deps.js';
import { V1Problem, type V1Client } from '../v1-client.js';
import { AnswerStatus, ResponseExcerpt } from './answer.js';
import { endpointPath } from './endpoint-detail.js';
import { tickedIds } from './endpoint-input.js';
import { resendSummary } from './resend-summary.js';
import { portalPage } from './render.js';

export function deliveryPath(id: string, action = ''): string {
  return `/portal/deliveries/${encodeURIComponent(id)}${action}`;
}

/** The endpoints of the tenant by id, to name a delivery's endpoint by its URL (the first hundred; the rest by id). */
export async function endpointUrls(api: V1Client): Promise<{ endpoints: Subscription[]; urlOf: (id: string) => string }> {
  const { data } = await api.get<ApiPage<Subscription>>('/v1/subscriptions?limit=100');
  const byId = new Map(data.map((endpoint) => [endpoint.id, endpoint.url]));
  return { endpoints: data, urlOf: (id) => byId.get(id) ?? id };
}

function DeliveryFilters(props: { endpoints: Subscription[]; subscriptionId: string | undefined; status: string | undefined }) {
  return (
    <form class="filters" method="get" action="/portal/deliveries">
      <div class="field">
        <label for="filter-endpoint">Endpoint</label>
        <select id="filter-endpoint" name="subscriptionId">
          <option value="">All endpoints</option>
          {props.endpoints.map((endpoint) => (
            <option value={endpoint.id} selected={endpoint.id === props.subscriptionId}>
              {endpoint.url}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" name="status">
          <option value="">Any status</option>
          {deliveryStatusSchema.options.map((status) => (
            <option value={status} selected={status === props.status}>
              {status}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="secondary">
        Filter
      </button>
    </form>
  );
}

export function portalDeliveries(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  const theme = deps.options.portal;

  app.get('/', async (c) => {
    const query = { subscriptionId: c.req.query('subscriptionId'), status: c.req.query('status'), cursor: c.req.query('cursor') };
    const params = new URLSearchParams({ limit: '50' });
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
    const api = v1For(c, deps);
    const page = await api.get<ApiPage<Delivery>>(`/v1/deliveries?${params}`);
    const { endpoints, urlOf } = await endpointUrls(api);
    const here = `/portal/deliveries${new URL(c.req.url).search}`;
    return portalPage(c, theme, {
      title: 'Deliveries',
      children: (
        <>
          <DeliveryFilters endpoints={endpoints} subscriptionId={query.subscriptionId} status={query.status} />
          <form method="post" action="/portal/deliveries/resend">
            <CsrfField token={c.get('session').csrfToken} />
            <input type="hidden" name="back" value={here} />
            <TableWrap label="Deliveries">
              <table>
                <thead>
                  <tr>
                    <th scope="col">
                      <span class="visually-hidden">Select</span>
                    </th>
                    <th scope="col">Delivery</th>
                    <th scope="col">Event type</th>
                    <th scope="col">Endpoint</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((delivery) => (
                    <tr>
                      <td>
                        <input type="checkbox" name="ids" value={delivery.id} id={`select-${delivery.id}`} aria-label={`Select ${delivery.id}`} />
                      </td>
                      <td>
                        <a href={deliveryPath(delivery.id)}>
                          <code>{delivery.id}</code>
                        </a>
                      </td>
                      <td>{delivery.eventType}</td>
                      <td>
                        <code>{urlOf(delivery.subscriptionId)}</code>
                      </td>
                      <td>
                        <StatusBadge status={delivery.status} />
                      </td>
                      <td>{delivery.attemptCount}</td>
                      <td>{formatTime(delivery.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            {page.data.length === 0 ? <p>No deliveries.</p> : null}
            <div class="actions">
              <button type="submit">Resend selected</button>
            </div>
          </form>
          <NextPageLink path="/portal/deliveries" query={query} nextCursor={page.nextCursor} />
        </>
      ),
    });
  });

  // Many: one /v1 call each, so each is checked, scoped and audited as if resent alone.
  app.post('/resend', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const ids = tickedIds(form);
    const api = v1For(c, deps);
    const outcomes = [];
    for (const id of ids) {
      const answer = await api.send('POST', `/v1/deliveries/${encodeURIComponent(id)}/redeliver`);
      outcomes.push(answer.ok ? { id, ok: true as const } : { id, ok: false as const, reason: answer.problem.detail ?? answer.problem.title });
    }
    return redirectWithFlash(c, 'portal', localPath(form['back'], '/portal/deliveries'), resendSummary(outcomes));
  });

  app.get('/:id', async (c) => deliveryPage(c, deps, c.req.param('id')));

  app.post('/:id/redeliver', async (c) => {
    const id = c.req.param('id');
    const answer = await v1For(c, deps).send('POST', `/v1/deliveries/${encodeURIComponent(id)}/redeliver`);
    if (!answer.ok) throw new V1Problem(answer.problem);
    return redirectWithFlash(c, 'portal', deliveryPath(id), 'Resend requested');
  });

  return app;
}

async function deliveryPage(c: Context<UiEnv>, deps: UiDeps, id: string) {
  const api = v1For(c, deps);
  const delivery = await api.get<DeliveryWithAttempts>(`/v1/deliveries/${encodeURIComponent(id)}`);
  const { urlOf } = await endpointUrls(api);
  return portalPage(c, deps.options.portal, {
    title: 'Delivery',
    children: (
      <>
        <dl class="facts">
          <dt>Delivery</dt>
          <dd>
            <code>{delivery.id}</code>
          </dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={delivery.status} />
          </dd>
          <dt>Event</dt>
          <dd>
            <a href={`/portal/events/${encodeURIComponent(delivery.eventId)}`}>
              <code>{delivery.eventId}</code>
            </a>{' '}
            ({delivery.eventType})
          </dd>
          <dt>Endpoint</dt>
          <dd>
            <a href={endpointPath(delivery.subscriptionId)}>
              <code>{urlOf(delivery.subscriptionId)}</code>
            </a>
          </dd>
          <dt>Created</dt>
          <dd>{formatTime(delivery.createdAt)}</dd>
        </dl>
        <form method="post" action={deliveryPath(id, '/redeliver')} class="actions">
          <CsrfField token={c.get('session').csrfToken} />
          <button type="submit">Resend</button>
        </form>
        <h2>Attempts</h2>
        <TableWrap label="Attempts">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Error or response</th>
              </tr>
            </thead>
            <tbody>
              {delivery.attempts.map((attempt) => (
                <tr>
                  <td>{attempt.number}</td>
                  <td>{formatTime(attempt.startedAt)}</td>
                  <td>
                    <AnswerStatus answer={attempt} />
                  </td>
                  <td>{attempt.durationMs} ms</td>
                  <td>
                    <ResponseExcerpt answer={attempt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {delivery.attempts.length === 0 ? <p>No attempt yet.</p> : null}
      </>
    ),
  });
}

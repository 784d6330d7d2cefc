// Events in the console: a search by id (straight to the event), type,
// tenant and time, newest first; and one event with its payload and its
// deliveries. Read through /v1 as the signed-in caller.
import { Hono } from 'hono';
import type { Delivery } from '../../schemas/delivery.js';
import type { Event, EventSummary } from '../../schemas/event.js';
import { Field, NextPageLink, ProblemSummary, StatusBadge, TableWrap, formatTime } from '../components.js';
import type { UiEnv } from '../session.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { DeliveryTable, FilterField, TimeRangeFields, apiQuery, eventHref, pageQuery, readList } from './ops-parts.js';
import { consolePage } from './render.js';

const FILTERS = ['type', 'tenantId', 'since', 'until', 'cursor'] as const;

export function consoleEvents(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.get('/', async (c) => {
    // An id is exact: the event itself, or its page's "not found".
    const id = c.req.query('id')?.trim();
    if (id) return c.redirect(eventHref(id), 303);
    const query = pageQuery(c, FILTERS);
    const params = apiQuery(query);
    params.set('limit', '50');
    const { page, problem } = await readList<EventSummary>(v1For(c, deps), `/v1/events?${params}`);
    return consolePage(c, {
      title: 'Events',
      status: problem ? problem.status : 200,
      children: (
        <>
          <ProblemSummary problem={problem} />
          <form class="filters" method="get" action="/console/events" role="search" aria-label="Events">
            <Field label="Event id" name="id" placeholder="evt_…" />
            <FilterField label="Type" name="type" value={query.type} placeholder="order.created" />
            <FilterField label="Tenant" name="tenantId" value={query.tenantId} />
            <TimeRangeFields since={query.since} until={query.until} legend="Accepted" />
            <div class="actions">
              <button type="submit">Search</button>
              <a class="button secondary" href="/console/events">
                Clear
              </a>
            </div>
          </form>
          <p class="hint">Newest first. An event appears here once its workflow has recorded it (a moment after it is accepted).</p>
          <EventTable events={page.data} />
          {page.data.length === 0 && !problem ? <p>No events match.</p> : null}
          <NextPageLink path="/console/events" query={query} nextCursor={page.nextCursor} />
        </>
      ),
    });
  });

  app.get('/:id', async (c) => {
    const v1 = v1For(c, deps);
    const id = c.req.param('id');
    const event = await v1.get<Event>(`/v1/events/${encodeURIComponent(id)}`);
    const cursor = c.req.query('cursor');
    const params = new URLSearchParams({ eventId: event.id, limit: '100', ...(cursor ? { cursor } : {}) });
    // The event's own summary lacks each delivery's last error: the deliveries list has it.
    const deliveries = event.state === 'recorded' ? (await readList<Delivery>(v1, `/v1/deliveries?${params}`)).page : { data: [], nextCursor: null };
    return consolePage(c, {
      title: `Event ${event.id}`,
      children: (
        <>
          <dl class="facts">
            <dt>Type</dt>
            <dd>{event.type}</dd>
            <dt>Tenant</dt>
            <dd>{event.tenantId}</dd>
            <dt>Accepted</dt>
            <dd>{formatTime(event.createdAt)}</dd>
            <dt>State</dt>
            <dd>{event.state === 'recorded' ? 'recorded, deliveries known' : 'accepted, not yet recorded'}</dd>
          </dl>
          <h2>Payload</h2>
          <pre>{JSON.stringify(event.payload, null, 2)}</pre>
          <h2>Deliveries</h2>
          {deliveries.data.length === 0 ? (
            <p>No deliveries: no subscription matched, or the event is not recorded yet.</p>
          ) : (
            <DeliveryTable label="Deliveries of the event" deliveries={deliveries.data} />
          )}
          <NextPageLink path={eventHref(event.id)} query={{}} nextCursor={deliveries.nextCursor} />
        </>
      ),
    });
  });

  return app;
}

function EventTable(props: { events: readonly EventSummary[] }) {
  if (props.events.length === 0) return null;
  return (
    <TableWrap label="Events">
      <table>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Type</th>
            <th scope="col">Tenant</th>
            <th scope="col">Accepted</th>
            <th scope="col">Deliveries</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((event) => (
            <tr>
              <td>
                <a href={eventHref(event.id)}>
                  <code>{event.id}</code>
                </a>
              </td>
              <td>{event.type}</td>
              <td>{event.tenantId}</td>
              <td>{formatTime(event.createdAt)}</td>
              <td>
                <DeliveryCounts counts={event.deliveries} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function DeliveryCounts(props: { counts: EventSummary['deliveries'] }) {
  const shown = (['succeeded', 'pending', 'dead'] as const).filter((status) => props.counts[status] > 0);
  if (shown.length === 0) return <>none</>;
  return (
    <span class="counts">
      {shown.map((status) => (
        <span>
          {props.counts[status]} <StatusBadge status={status} />
        </span>
      ))}
    </span>
  );
}

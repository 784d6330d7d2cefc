// One event of the tenant: its type, payload, and where it was delivered
// (GET /v1/events/:id answers 404 for another tenant's event).
import { Hono } from 'hono';
import type { Event } from '../../schemas/event.js';
import { formatTime, StatusBadge, TableWrap } from '../components.js';
import type { UiEnv } from '../session.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { deliveryPath, endpointUrls } from './deliveries.js';
import { endpointPath } from './endpoint-detail.js';
import { portalPage } from './render.js';

export function portalEvents(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.get('/:id', async (c) => {
    const api = v1For(c, deps);
    const event = await api.get<Event>(`/v1/events/${encodeURIComponent(c.req.param('id'))}`);
    const { urlOf } = await endpointUrls(api);
    return portalPage(c, deps.options.portal, {
      title: 'Event',
      children: (
        <>
          <dl class="facts">
            <dt>Event</dt>
            <dd>
              <code>{event.id}</code>
            </dd>
            <dt>Type</dt>
            <dd>{event.type}</dd>
            <dt>Published</dt>
            <dd>{formatTime(event.createdAt)}</dd>
          </dl>
          <h2>Payload</h2>
          <pre>{JSON.stringify(event.payload, null, 2)}</pre>
          <h2>Deliveries</h2>
          {event.state === 'accepted' ? <p>Accepted: its deliveries are being prepared.</p> : null}
          <TableWrap label="Deliveries of the event">
            <table>
              <thead>
                <tr>
                  <th scope="col">Delivery</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                </tr>
              </thead>
              <tbody>
                {event.deliveries.map((delivery) => (
                  <tr>
                    <td>
                      <a href={deliveryPath(delivery.id)}>
                        <code>{delivery.id}</code>
                      </a>
                    </td>
                    <td>
                      <a href={endpointPath(delivery.subscriptionId)}>
                        <code>{urlOf(delivery.subscriptionId)}</code>
                      </a>
                    </td>
                    <td>
                      <StatusBadge status={delivery.status} />
                    </td>
                    <td>{delivery.attemptCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      ),
    });
  });

  return app;
}

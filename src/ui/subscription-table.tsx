// Subscriptions as a table: the console's list (with tenants) and the portal's
// endpoints (its own tenant's only, so no tenant column).
import type { Page as ApiPage } from '../schemas/common.js';
import type { Subscription } from '../schemas/subscription.js';
import { NextPageLink, StatusBadge, TableWrap } from './components.js';

export function SubscriptionTable(props: {
  label: string;
  page: ApiPage<Subscription>;
  /** Where a row links to: `${detailBase}/${id}`; also the list's own path, for the next page. */
  detailBase: string;
  query: Record<string, string | undefined>;
  showTenant: boolean;
  /** The first column: the id (console) or the URL (portal, where customers know endpoints by URL). */
  linkText: 'id' | 'url';
}) {
  const { page } = props;
  return (
    <>
      <TableWrap label={props.label}>
        <table>
          <thead>
            <tr>
              <th scope="col">{props.linkText === 'id' ? 'Id' : 'URL'}</th>
              {props.showTenant ? <th scope="col">Tenant</th> : null}
              {props.linkText === 'id' ? <th scope="col">URL</th> : null}
              <th scope="col">Event types</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {page.data.map((subscription) => (
              <tr>
                <td>
                  <a href={`${props.detailBase}/${encodeURIComponent(subscription.id)}`}>
                    <code>{props.linkText === 'id' ? subscription.id : subscription.url}</code>
                  </a>
                </td>
                {props.showTenant ? <td>{subscription.tenantId}</td> : null}
                {props.linkText === 'id' ? (
                  <td>
                    <code>{subscription.url}</code>
                  </td>
                ) : null}
                <td>{subscription.eventTypes.join(', ')}</td>
                <td>
                  <StatusBadge status={subscription.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {page.data.length === 0 ? <p>None yet.</p> : null}
      <NextPageLink path={props.detailBase} query={props.query} nextCursor={page.nextCursor} />
    </>
  );
}

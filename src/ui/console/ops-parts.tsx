// Pieces the console's events, delivery and dead-letter pages share: the
// filters of a list (kept in the page's query string as typed), a time range
// entered in UTC, reading a list that /v1 may refuse for a bad filter, and
// deliveries as a table.
import type { Context } from 'hono';
import type { ProblemBody } from '../../api/problem.js';
import type { Page as ApiPage } from '../../schemas/common.js';
import type { Delivery } from '../../schemas/delivery.js';
import { Field, StatusBadge, TableWrap, formatTime } from '../components.js';
import type { UiEnv } from '../session.js';
import { V1Problem, type V1Client } from '../v1-client.js';

/** The filters a list page reads from its query string, as the user typed them. */
export function pageQuery<K extends string>(c: Context<UiEnv>, names: readonly K[]): Record<K, string | undefined> {
  const query = {} as Record<K, string | undefined>;
  for (const name of names) {
    const value = c.req.query(name)?.trim();
    query[name] = value === '' ? undefined : value;
  }
  return query;
}

/**
 * A datetime-local input's value ("2026-12-02T04:10", seconds optional) read
 * as UTC, as the API wants it; anything else is passed on as typed, for the
 * API to refuse with a problem naming the field.
 */
export function utcInputToIso(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return `${value}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) return `${value}Z`;
  return value;
}

/** The API's query string from a page's filters: times converted, empty ones left out. */
export function apiQuery(filters: Record<string, string | undefined>, times: readonly string[] = ['since', 'until']): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    const converted = times.includes(name) ? utcInputToIso(value) : value;
    if (converted !== undefined) params.set(name, converted);
  }
  return params;
}

/** A list read through /v1; a refused filter (422) is shown beside the form instead of an error page. */
export async function readList<T>(
  v1: V1Client,
  path: string,
): Promise<{ page: ApiPage<T>; problem?: undefined } | { page: ApiPage<T>; problem: ProblemBody }> {
  try {
    return { page: await v1.get<ApiPage<T>>(path) };
  } catch (error) {
    if (error instanceof V1Problem && error.status === 422) return { page: { data: [], nextCursor: null }, problem: error.problem };
    throw error;
  }
}

export function TimeRangeFields(props: { since: string | undefined; until: string | undefined; legend?: string }) {
  return (
    <>
      <div class="field">
        <label for="since">{props.legend ?? 'Created'} since (UTC)</label>
        <input id="since" name="since" type="datetime-local" step="1" value={props.since} />
      </div>
      <div class="field">
        <label for="until">Until (UTC)</label>
        <input id="until" name="until" type="datetime-local" step="1" value={props.until} />
      </div>
    </>
  );
}

/** A text filter of a list's form. */
export function FilterField(props: { label: string; name: string; value: string | undefined; placeholder?: string }) {
  return <Field label={props.label} name={props.name} value={props.value} {...(props.placeholder ? { placeholder: props.placeholder } : {})} />;
}

export const deliveryHref = (id: string) => `/console/deliveries/${encodeURIComponent(id)}`;
export const eventHref = (id: string) => `/console/events/${encodeURIComponent(id)}`;

/** Deliveries as a table; `selectable`: a checkbox per row named `id`, for a form around the table. */
export function DeliveryTable(props: { label: string; deliveries: readonly Delivery[]; selectable?: boolean; showEvent?: boolean }) {
  return (
    <TableWrap label={props.label}>
      <table>
        <thead>
          <tr>
            {props.selectable ? <th scope="col">Select</th> : null}
            <th scope="col">Delivery</th>
            {props.showEvent ? <th scope="col">Event</th> : null}
            <th scope="col">Subscription</th>
            <th scope="col">Tenant</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((delivery) => (
            <tr>
              {props.selectable ? (
                <td>
                  <input type="checkbox" name="id" value={delivery.id} id={`select-${delivery.id}`} />
                  <label for={`select-${delivery.id}`} class="visually-hidden">
                    {`Select ${delivery.id}`}
                  </label>
                </td>
              ) : null}
              <td>
                <a href={deliveryHref(delivery.id)}>
                  <code>{delivery.id}</code>
                </a>
              </td>
              {props.showEvent ? (
                <td>
                  <a href={eventHref(delivery.eventId)}>
                    <code>{delivery.eventId}</code>
                  </a>{' '}
                  {delivery.eventType}
                </td>
              ) : null}
              <td>
                <code>{delivery.subscriptionId}</code>
              </td>
              <td>{delivery.tenantId}</td>
              <td>
                <StatusBadge status={delivery.status} />
              </td>
              <td>{delivery.attemptCount}</td>
              <td class="error-text">{delivery.lastError ?? ''}</td>
              <td>{formatTime(delivery.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

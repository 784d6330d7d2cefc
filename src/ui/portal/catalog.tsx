// The event catalog as the portal shows it: each type's description, and its
// payload schema and an example folded in a <details>, on the event types page
// and beside each checkbox of the endpoint form.
import type { Page as ApiPage } from '../../schemas/common.js';
import type { EventType } from '../../schemas/event-type.js';
import { StatusBadge } from '../components.js';
import type { V1Client } from '../v1-client.js';

/** The catalog is the platform's list of types, tens not thousands: read it whole, a bounded number of pages. */
export async function readCatalog(api: V1Client, maxPages = 20): Promise<EventType[]> {
  const types: EventType[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const params = new URLSearchParams({ limit: '100' });
    if (cursor) params.set('cursor', cursor);
    const answer: ApiPage<EventType> = await api.get<ApiPage<EventType>>(`/v1/event-types?${params}`);
    types.push(...answer.data);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return types;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** The schema and first example of a type, folded. */
export function SchemaAndExample(props: { eventType: EventType }) {
  const { eventType } = props;
  const example = eventType.examples[0];
  return (
    <details class="schema">
      <summary>Schema and example{eventType.schemaVersion === null ? '' : ` (schema version ${eventType.schemaVersion})`}</summary>
      <p class="hint">Schema</p>
      {eventType.schema ? <pre>{json(eventType.schema)}</pre> : <p>No schema: any payload.</p>}
      <p class="hint">Example</p>
      {example === undefined ? <p>No example.</p> : <pre>{json(example)}</pre>}
    </details>
  );
}

/** A deprecated type is still delivered, but new endpoints should not pick it. */
export function DeprecatedMark(props: { eventType: EventType }) {
  return props.eventType.deprecated ? <StatusBadge status="deprecated" /> : null;
}

/** The catalog as checkboxes (name `eventTypes`), each with its description, schema and example. */
export function EventTypeChooser(props: { catalog: readonly EventType[]; chosen: readonly string[] }) {
  if (props.catalog.length === 0) return null;
  return (
    <fieldset class="event-type-chooser">
      <legend>Event types</legend>
      {props.catalog.map((eventType, index) => (
        <div class="event-type-choice">
          <input
            type="checkbox"
            id={`event-type-${index}`}
            name="eventTypes"
            value={eventType.name}
            checked={props.chosen.includes(eventType.name)}
            aria-describedby={`event-type-${index}-description`}
          />
          <div>
            <label for={`event-type-${index}`}>
              <code>{eventType.name}</code> <DeprecatedMark eventType={eventType} />
            </label>
            <p class="hint" id={`event-type-${index}-description`}>
              {eventType.description || 'No description.'}
            </p>
            <SchemaAndExample eventType={eventType} />
          </div>
        </div>
      ))}
    </fieldset>
  );
}

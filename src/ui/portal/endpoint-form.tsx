// The form that adds or edits an endpoint: its URL, a description, and the
// event types it receives, chosen from the catalog (or typed as patterns).
import type { ProblemBody } from '../../api/problem.js';
import type { EventType } from '../../schemas/event-type.js';
import { CsrfField, Field, ProblemSummary } from '../components.js';
import { EventTypeChooser } from './catalog.js';
import type { EndpointFormValues } from './endpoint-input.js';

export const EMPTY_ENDPOINT: EndpointFormValues = { url: '', description: '', eventTypes: [], otherEventTypes: '' };

export function EndpointForm(props: {
  action: string;
  csrfToken: string;
  values: EndpointFormValues;
  catalog: readonly EventType[];
  submitLabel: string;
  cancelHref: string;
  problem?: ProblemBody | undefined;
}) {
  const { values } = props;
  return (
    <>
      <ProblemSummary problem={props.problem} />
      <form class="stacked endpoint-form" method="post" action={props.action}>
        <CsrfField token={props.csrfToken} />
        <Field label="URL" name="url" type="url" value={values.url} required hint="Where hookflow sends the webhooks: an https URL of your server." />
        <div class="field">
          <label for="description">Description</label>
          <textarea id="description" name="description" class="short">
            {values.description}
          </textarea>
        </div>
        <EventTypeChooser catalog={props.catalog} chosen={values.eventTypes} />
        <Field
          label={props.catalog.length > 0 ? 'Other event types' : 'Event types'}
          name="otherEventTypes"
          value={values.otherEventTypes}
          hint='Comma-separated names or patterns: "order.*" for every order event, "*" for every event.'
        />
        <div class="actions">
          <button type="submit">{props.submitLabel}</button>
          <a href={props.cancelHref}>Cancel</a>
        </div>
      </form>
    </>
  );
}

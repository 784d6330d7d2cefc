// The console's subscription form, for a new subscription and for an edit.
// A refused form comes back with what was typed and the API's errors beside
// their fields (src/ui/form-fields.tsx).
import type { ProblemBody } from '../../api/problem.js';
import type { Tenant } from '../../schemas/tenant.js';
import { CsrfField, ProblemSummary } from '../components.js';
import { CheckboxGroup, errorsFor, Select, TextArea, TextInput } from '../form-fields.js';
import type { SubscriptionFormValues } from '../subscription-form-input.js';

/** Where a new subscription may go: a list of tenants to pick from, or a field to type an id in when there are too many to list. */
export type TenantChoice = { kind: 'select'; tenants: readonly Tenant[] } | { kind: 'text' };

function TenantField(props: { choice: TenantChoice; value: string; problem: ProblemBody | undefined }) {
  const errors = errorsFor(props.problem, 'tenantId');
  if (props.choice.kind === 'text') {
    return <TextInput label="Tenant" name="tenantId" value={props.value} hint="A tenant id; blank for the default tenant." errors={errors} />;
  }
  const options = props.choice.tenants.map((tenant) => ({
    value: tenant.id,
    label: tenant.name === tenant.id ? tenant.id : `${tenant.name} (${tenant.id})`,
  }));
  return <Select label="Tenant" name="tenantId" value={props.value} options={options} errors={errors} />;
}

/** Settings chosen once, when the subscription is created. */
const CREATE_ONLY: ReadonlyArray<{
  label: string;
  name: 'ordering' | 'onDeadLetter' | 'signatureScheme';
  options: ReadonlyArray<{ value: string; label: string }>;
  hint?: string;
}> = [
  {
    label: 'Ordering',
    name: 'ordering',
    options: [
      { value: 'none', label: 'none: as fast as possible' },
      { value: 'fifo', label: 'fifo: one at a time, in order' },
    ],
    hint: 'Fixed at creation.',
  },
  {
    label: 'When a fifo delivery dies',
    name: 'onDeadLetter',
    options: [
      { value: '', label: 'default (block)' },
      { value: 'block', label: 'block: wait until it is redelivered or skipped' },
      { value: 'skip', label: 'skip: move on' },
    ],
    hint: 'Only for fifo ordering.',
  },
  {
    label: 'Signature scheme',
    name: 'signatureScheme',
    options: [
      { value: 'v1', label: 'v1: HMAC-SHA256 with a shared secret' },
      { value: 'v1a', label: 'v1a: ed25519, receivers verify with a public key' },
    ],
    hint: 'A rotation may switch it later.',
  },
];

export function SubscriptionForm(props: {
  mode: 'create' | 'edit';
  action: string;
  csrfToken: string;
  values: SubscriptionFormValues;
  problem: ProblemBody | undefined;
  /** Names in the event catalog, offered as checkboxes. */
  catalog: readonly string[];
  /** Only for a new subscription: its tenant is fixed at creation. */
  tenants?: TenantChoice;
}) {
  const { values, problem } = props;
  const creating = props.mode === 'create';
  return (
    <>
      <ProblemSummary problem={problem} />
      <form class="stacked" method="post" action={props.action} novalidate>
        <CsrfField token={props.csrfToken} />
        {creating && props.tenants ? <TenantField choice={props.tenants} value={values.tenantId} problem={problem} /> : null}
        <TextInput
          label="URL"
          name="url"
          type="url"
          value={values.url}
          required
          hint="Where deliveries are POSTed: an absolute http(s) URL."
          errors={errorsFor(problem, 'url')}
        />
        {props.catalog.length > 0 ? (
          <CheckboxGroup
            legend="Event types from the catalog"
            name="catalogTypes"
            options={props.catalog}
            checked={values.catalogTypes}
            errors={errorsFor(problem, 'eventTypes')}
          />
        ) : null}
        <TextInput
          label={props.catalog.length > 0 ? 'Other event types or patterns' : 'Event types or patterns'}
          name="patterns"
          value={values.patterns}
          hint='Separated by commas or spaces: a name, "order.*" or "*".'
          errors={props.catalog.length > 0 ? [] : errorsFor(problem, 'eventTypes')}
        />
        <TextInput label="Description" name="description" value={values.description} errors={errorsFor(problem, 'description')} />
        <TextArea
          label="Custom headers"
          name="headers"
          value={values.headers}
          rows={3}
          placeholder="X-Team: billing"
          hint='One "Name: value" per line, sent with every delivery.'
          errors={errorsFor(problem, 'headers')}
        />
        <TextInput
          label="Retry schedule (seconds)"
          name="retrySchedule"
          value={values.retrySchedule}
          placeholder="5, 60, 600"
          hint="Seconds to wait before each retry, separated by commas; blank for hookflow's default."
          errors={errorsFor(problem, 'retrySchedule')}
        />
        <TextInput
          label="Timeout (ms)"
          name="timeoutMs"
          value={values.timeoutMs}
          inputmode="numeric"
          hint="Blank for hookflow's default."
          errors={errorsFor(problem, 'timeoutMs')}
        />
        <TextInput
          label="Rate limit (deliveries per second)"
          name="rateLimitPerSecond"
          value={values.rateLimitPerSecond}
          inputmode="decimal"
          hint="Blank for no limit."
          errors={errorsFor(problem, 'rateLimitPerSecond')}
        />
        {creating
          ? CREATE_ONLY.map((setting) => (
              <Select
                label={setting.label}
                name={setting.name}
                value={values[setting.name]}
                options={setting.options}
                hint={setting.hint}
                errors={errorsFor(problem, setting.name)}
              />
            ))
          : null}
        <div class="actions">
          <button type="submit">{creating ? 'Create subscription' : 'Save changes'}</button>
        </div>
      </form>
    </>
  );
}

// Form controls that show the API's refusal beside the field at fault: each
// control takes the errors whose path starts with its name, marks itself
// aria-invalid and points at the messages, so a screen reader reads them too.
import type { Child } from 'hono/jsx';
import type { FieldError, ProblemBody } from '../api/problem.js';

/**
 * The errors of a problem that belong to one of `names`: a path is the field's
 * name, or its name then "." and a key or index ("eventTypes.0", "headers.X-Team").
 */
export function errorsFor(problem: ProblemBody | undefined, ...names: string[]): FieldError[] {
  return (problem?.errors ?? []).filter((error) => names.some((name) => error.path === name || error.path.startsWith(`${name}.`)));
}

/** A refusal the page makes itself, for a form it cannot even send (a header line without a colon). */
export function formProblem(errors: FieldError[]): ProblemBody {
  return { type: 'https://hookflow.dev/problems/validation', title: 'The form has errors', status: 422, errors };
}

function describedBy(...ids: Array<string | undefined>): string | undefined {
  const present = ids.filter((id): id is string => id !== undefined);
  return present.length > 0 ? present.join(' ') : undefined;
}

function FieldErrors(props: { id: string; errors: FieldError[] }) {
  if (props.errors.length === 0) return null;
  return (
    <ul class="field-errors" id={props.id}>
      {props.errors.map((error) => (
        <li>{error.path.includes('.') ? `${error.path}: ${error.message}` : error.message}</li>
      ))}
    </ul>
  );
}

interface ControlProps {
  label: string;
  name: string;
  hint?: string | undefined;
  errors?: FieldError[] | undefined;
}

/** A control's hint and errors below it, and the attributes that point the control (or fieldset) at them. */
function notes(props: { name: string; hint?: string | undefined; errors?: FieldError[] | undefined }) {
  const errors = props.errors ?? [];
  const invalid = errors.length > 0;
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  const errorId = invalid ? `${props.name}-errors` : undefined;
  const below = (
    <>
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <FieldErrors id={`${props.name}-errors`} errors={errors} />
    </>
  );
  return { invalid, describedBy: describedBy(hintId, errorId), below };
}

/** The label, hint and errors around one control, and the attributes that tie them to it. */
function shell(props: ControlProps) {
  const { invalid, describedBy, below } = notes(props);
  const aria = { 'aria-describedby': describedBy, 'aria-invalid': invalid ? 'true' : undefined };
  const wrap = (control: Child) => (
    <div class={invalid ? 'field invalid' : 'field'}>
      <label for={props.name}>{props.label}</label>
      {control}
      {below}
    </div>
  );
  return { aria, wrap };
}

export function TextInput(
  props: ControlProps & {
    value: string;
    type?: string;
    required?: boolean;
    inputmode?: 'numeric' | 'decimal';
    placeholder?: string | undefined;
    /** "off" unless said: most fields here are ids, URLs and secrets a browser should not suggest. */
    autocomplete?: string | undefined;
  },
) {
  const { aria, wrap } = shell(props);
  return wrap(
    <input
      id={props.name}
      name={props.name}
      type={props.type ?? 'text'}
      value={props.value}
      required={props.required}
      inputmode={props.inputmode}
      placeholder={props.placeholder}
      autocomplete={props.autocomplete ?? 'off'}
      {...aria}
    />,
  );
}

export function TextArea(props: ControlProps & { value: string; rows?: number; placeholder?: string }) {
  const { aria, wrap } = shell(props);
  return wrap(
    <textarea id={props.name} name={props.name} rows={props.rows ?? 4} placeholder={props.placeholder} {...aria}>
      {props.value}
    </textarea>,
  );
}

export function Select(props: ControlProps & { value: string; options: ReadonlyArray<{ value: string; label: string }> }) {
  const { aria, wrap } = shell(props);
  return wrap(
    <select id={props.name} name={props.name} {...aria}>
      {props.options.map((option) => (
        <option value={option.value} selected={option.value === props.value}>
          {option.label}
        </option>
      ))}
    </select>,
  );
}

/** Several checkboxes under one legend, e.g. event types from the catalog. */
export function CheckboxGroup(props: {
  legend: string;
  name: string;
  options: readonly string[];
  checked: readonly string[];
  hint?: string;
  errors?: FieldError[];
}) {
  const { invalid, describedBy, below } = notes(props);
  return (
    <fieldset class={invalid ? 'checkboxes invalid' : 'checkboxes'} aria-describedby={describedBy}>
      <legend>{props.legend}</legend>
      {props.options.map((option, index) => (
        <label class="checkbox" for={`${props.name}-${index}`}>
          <input type="checkbox" id={`${props.name}-${index}`} name={props.name} value={option} checked={props.checked.includes(option)} />
          <code>{option}</code>
        </label>
      ))}
      {below}
    </fieldset>
  );
}

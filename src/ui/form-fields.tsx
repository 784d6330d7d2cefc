// Form pieces the console's tenant and event-type pages share: a labelled
// textarea (JSON is typed into one), and reading a form's fields, with JSON
// that does not parse refused here as a 422 naming the field, before /v1 is
// asked anything.
import type { ProblemBody } from '../api/problem.js';

export function TextArea(props: { label: string; name: string; value?: string | undefined; hint?: string; required?: boolean; rows?: number }) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      <textarea id={props.name} name={props.name} required={props.required} rows={props.rows ?? 6} aria-describedby={hintId} spellcheck={false}>
        {props.value ?? ''}
      </textarea>
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/** A form as posted: its text fields only (files are no concern of these pages). */
export type FormFields = Record<string, string>;

export function textFields(form: Record<string, unknown>): FormFields {
  const fields: FormFields = {};
  for (const [name, value] of Object.entries(form)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

export function validationProblem(errors: Array<{ path: string; message: string }>): ProblemBody {
  return {
    type: 'https://hookflow.dev/problems/validation',
    title: 'Request is invalid',
    status: 422,
    detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
  };
}

/**
 * The JSON typed into the field `name` (`path` names it as /v1 would); a blank
 * field is `undefined`. Each field that does not parse adds to `errors`.
 */
export function jsonField(fields: FormFields, name: string, path: string, errors: Array<{ path: string; message: string }>): unknown {
  const text = (fields[name] ?? '').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    errors.push({ path, message: `is not valid JSON (${error instanceof Error ? error.message : 'unreadable'})` });
    return undefined;
  }
}

/** A whole number typed into a field; blank is null (e.g. "no cap"); anything else is refused into `errors`. */
export function optionalWholeNumber(fields: FormFields, name: string, path: string, errors: Array<{ path: string; message: string }>): number | null {
  const text = (fields[name] ?? '').trim();
  if (text === '') return null;
  if (!/^\d+$/.test(text)) {
    errors.push({ path, message: 'enter a whole number, or leave it blank' });
    return null;
  }
  return Number(text);
}

/** JSON for reading in a page: indented, keys in the order they came. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

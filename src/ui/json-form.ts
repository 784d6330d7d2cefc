// Reading the console's tenant and event-type forms: their text fields, JSON
// typed into a textarea, whole numbers; what does not parse is refused here
// (as a 422 naming the field, with formProblem) before /v1 is asked anything.

/** A form as posted: its text fields only (files are no concern of these pages). */
export type FormFields = Record<string, string>;

export function textFields(form: Record<string, unknown>): FormFields {
  const fields: FormFields = {};
  for (const [name, value] of Object.entries(form)) if (typeof value === 'string') fields[name] = value;
  return fields;
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

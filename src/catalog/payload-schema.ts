// Event payload schemas: JSON Schema 2020-12, checked and compiled by Ajv, and
// Ajv's failures turned into field errors that name a JSON pointer
// (`payload/customer/email`), the way the API names every bad field.
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '../api/problem.js';

// ajv and ajv-formats are CommonJS: under NodeNext the default import is the module object.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export type JsonSchema = Record<string, unknown>;
export type PayloadValidator = ValidateFunction;

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** At most this many failures are listed in one answer; a payload can fail in thousands of places. */
export const MAX_REPORTED_ERRORS = 20;

/**
 * One Ajv for the process. `allErrors`: a producer learns every failing field
 * at once. Strict about schemas (an unknown keyword such as `requried` is a
 * typo refused when the schema is stored, not a rule silently ignored), but
 * not about type hints Ajv would only log. `addUsedSchema: false`: a schema's
 * own `$id` is not registered, so two types (or two versions) may share one.
 */
const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  addUsedSchema: false,
  logger: false,
});
addFormats(ajv);

export class SchemaInvalidError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
}

/**
 * Checks a schema against the 2020-12 meta-schema and compiles it. Throws
 * SchemaInvalidError naming the faults under `path` (`schema/properties/a/type`).
 */
export function compilePayloadSchema(schema: JsonSchema, path = 'schema'): PayloadValidator {
  const dialect = schema.$schema;
  if (dialect !== undefined && dialect !== JSON_SCHEMA_DIALECT && dialect !== `${JSON_SCHEMA_DIALECT}#`) {
    throw new SchemaInvalidError([
      { path: `${path}/$schema`, message: `only JSON Schema 2020-12 is supported: leave $schema out or set it to "${JSON_SCHEMA_DIALECT}"` },
    ]);
  }
  if (!ajv.validateSchema(schema)) {
    throw new SchemaInvalidError(fieldErrorsFromAjv(ajv.errors ?? [], path));
  }
  try {
    return ajv.compile(schema);
  } catch (error) {
    // What the meta-schema cannot see: unknown keywords and formats, unresolvable $refs, bad regular expressions.
    throw new SchemaInvalidError([{ path, message: error instanceof Error ? error.message : String(error) }]);
  }
}

/** Forgets a compiled schema (a version that is no longer current), so Ajv's cache does not grow forever. */
export function forgetPayloadSchema(schema: JsonSchema): void {
  ajv.removeSchema(schema);
}

/** The failures of the last `validate(value)` call, as field errors under `path`; none when it passed. */
export function validationErrors(validate: PayloadValidator, value: unknown, path: string): FieldError[] {
  return validate(value) ? [] : fieldErrorsFromAjv(validate.errors ?? [], path);
}

/**
 * Ajv's errors as field errors: `path` joined with the failing value's JSON
 * pointer. A missing or forbidden property is named itself (Ajv points at the
 * object holding it). Duplicates are merged, and past MAX_REPORTED_ERRORS the
 * rest is counted, not listed.
 */
export function fieldErrorsFromAjv(errors: readonly ErrorObject[], path: string): FieldError[] {
  const unique = new Map<string, FieldError>();
  for (const error of errors) {
    const fieldError = toFieldError(error, path);
    unique.set(`${fieldError.path}\u0000${fieldError.message}`, fieldError);
  }
  const all = [...unique.values()];
  if (all.length <= MAX_REPORTED_ERRORS) return all;
  const listed = all.slice(0, MAX_REPORTED_ERRORS);
  listed.push({ path, message: `and ${all.length - MAX_REPORTED_ERRORS} more failures, not listed` });
  return listed;
}

function toFieldError(error: ErrorObject, path: string): FieldError {
  const at = `${path}${error.instancePath}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
      return { path: `${at}/${escapePointerToken(String(params.missingProperty))}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${at}/${escapePointerToken(String(params.additionalProperty))}`, message: 'is not allowed (additionalProperties is false)' };
    case 'unevaluatedProperties':
      return { path: `${at}/${escapePointerToken(String(params.unevaluatedProperty))}`, message: 'is not allowed (unevaluatedProperties is false)' };
    default:
      return { path: at, message: error.message ?? `fails "${error.keyword}"` };
  }
}

/** RFC 6901: `~` and `/` inside a property name are written `~0` and `~1`. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

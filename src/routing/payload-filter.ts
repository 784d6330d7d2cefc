// The payload filter language: which events of its types a subscription
// wants, decided on the published payload. docs/routing.md is its manual;
// this module is its definition: the validation that makes a bad filter a 422
// naming the exact path, and the evaluator that fan-out runs per candidate
// subscription. Both are pure.
//
// A filter is an object. Every entry must hold (AND):
//   "$and": [filter, …]   every filter holds        "$or": [filter, …]  at least one holds
//   "$not": filter         the filter does not hold
//   "<path>": value        the field at <path> equals the value (deep equality)
//   "<path>": {operators}  every operator holds for the field at <path>
// A path is dot-separated ("customer.country"); a word of digits indexes an
// array ("items.0.sku"). An object given as a field's value must hold only
// operators: matching a whole object is spelled {"$eq": {…}}, so a nested
// object never silently means either "this exact object" or "these fields".
import { z } from 'zod';
import { jsonValueSchema } from '../schemas/common.js';
import { pathToNul, type JsonValue } from '../json.js';

export type PayloadFilter = { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/** Bounds: a filter runs once per event per candidate subscription, so it stays small. */
export const FILTER_LIMITS = {
  /** The filter's size as compact JSON, in UTF-8 bytes. */
  maxBytes: 4096,
  /** Filters inside filters ($and, $or, $not); the top level is 1. */
  maxDepth: 6,
  /** Filters in one $and or $or. */
  maxBranches: 20,
  /** Values in one $in or $nin. */
  maxValues: 100,
  maxPathLength: 256,
} as const;

const FIELD_OPERATORS = ['$eq', '$neq', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists'] as const;
type FieldOperator = (typeof FIELD_OPERATORS)[number];
const OPERATOR_LIST = FIELD_OPERATORS.join(', ');

export interface FilterIssue {
  path: Array<string | number>;
  message: string;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldOperator(key: string): key is FieldOperator {
  return (FIELD_OPERATORS as readonly string[]).includes(key);
}

// ---- validation ------------------------------------------------------------

/** Everything wrong with `filter`, each at its path relative to the filter; empty when it is valid. */
export function filterIssues(filter: JsonValue): FilterIssue[] {
  const bytes = Buffer.byteLength(JSON.stringify(filter));
  if (bytes > FILTER_LIMITS.maxBytes) {
    return [{ path: [], message: `a filter may be at most ${FILTER_LIMITS.maxBytes} bytes as JSON (this one is ${bytes})` }];
  }
  const nul = pathToNul(filter);
  if (nul !== undefined) return [{ path: nul, message: 'may not contain NUL characters (PostgreSQL cannot store them)' }];
  const issues: FilterIssue[] = [];
  checkFilter(filter, [], 1, issues);
  return issues;
}

function checkFilter(filter: JsonValue, path: FilterIssue['path'], depth: number, issues: FilterIssue[]): void {
  if (!isObject(filter)) {
    issues.push({ path, message: 'a filter is an object of conditions, e.g. {"amount": {"$gte": 100}}' });
    return;
  }
  if (depth > FILTER_LIMITS.maxDepth) {
    issues.push({ path, message: `filters may nest at most ${FILTER_LIMITS.maxDepth} levels deep` });
    return;
  }
  for (const [key, value] of Object.entries(filter)) {
    const at = [...path, key];
    if (key === '$and' || key === '$or') checkBranches(value, at, depth, issues);
    else if (key === '$not') checkFilter(value, at, depth + 1, issues);
    else if (key.startsWith('$')) {
      issues.push({ path: at, message: `unknown operator "${key}": a filter holds field paths, $and, $or and $not` });
    } else {
      checkFieldPath(key, at, issues);
      checkCondition(value, at, issues);
    }
  }
}

function checkBranches(value: JsonValue, path: FilterIssue['path'], depth: number, issues: FilterIssue[]): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > FILTER_LIMITS.maxBranches) {
    issues.push({ path, message: `give a list of 1 to ${FILTER_LIMITS.maxBranches} filters` });
    return;
  }
  value.forEach((branch, index) => checkFilter(branch, [...path, index], depth + 1, issues));
}

function checkFieldPath(key: string, path: FilterIssue['path'], issues: FilterIssue[]): void {
  if (key.length > FILTER_LIMITS.maxPathLength) {
    issues.push({ path, message: `a field path may be at most ${FILTER_LIMITS.maxPathLength} characters` });
  } else if (key.split('.').some((word) => word === '')) {
    issues.push({ path, message: 'a field path is dot-separated names with none empty, e.g. "customer.country"' });
  }
}

function checkCondition(condition: JsonValue, path: FilterIssue['path'], issues: FilterIssue[]): void {
  if (!isObject(condition)) return; // a literal: equality
  const keys = Object.keys(condition);
  if (keys.length === 0) {
    issues.push({ path, message: `give at least one operator (${OPERATOR_LIST}); {"$eq": {}} matches an empty object` });
  }
  for (const key of keys) {
    const at = [...path, key];
    if (isFieldOperator(key)) {
      const problem = operandProblem(key, condition[key]!);
      if (problem !== undefined) issues.push({ path: at, message: problem });
    } else if (key.startsWith('$')) {
      issues.push({ path: at, message: `unknown operator "${key}": use one of ${OPERATOR_LIST}` });
    } else {
      issues.push({
        path: at,
        message:
          'an object here holds operators, not fields: reach a field inside with a dotted path ("customer.country"), ' +
          'or match the whole object with {"$eq": {…}}',
      });
    }
  }
}

function operandProblem(operator: FieldOperator, operand: JsonValue): string | undefined {
  switch (operator) {
    case '$eq':
    case '$neq':
      return undefined;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return typeof operand === 'number' || typeof operand === 'string' ? undefined : `${operator} compares with a number or a string`;
    case '$in':
    case '$nin':
      return Array.isArray(operand) && operand.length >= 1 && operand.length <= FILTER_LIMITS.maxValues
        ? undefined
        : `${operator} takes a list of 1 to ${FILTER_LIMITS.maxValues} values`;
    case '$exists':
      return typeof operand === 'boolean' ? undefined : '$exists takes true or false';
  }
}

export const payloadFilterSchema = z
  .record(z.string(), jsonValueSchema)
  .superRefine((filter, ctx) => {
    for (const issue of filterIssues(filter)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .meta({
    description:
      'Selects events by their payload: field paths with values or operators ($eq, $neq, $gt, $gte, $lt, $lte, ' +
      '$in, $nin, $exists), combined with $and, $or, $not. See docs/routing.md.',
    examples: [{ amount: { $gte: 100 }, 'customer.country': { $in: ['NL', 'BE'] } }],
  });

// ---- evaluation ------------------------------------------------------------

/** What a path finds when the payload has nothing there. */
const MISSING = Symbol('missing');
type Found = JsonValue | typeof MISSING;

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** The value at a dotted path; own keys only, so "constructor" or "length" is missing, not found. */
export function valueAtPath(payload: JsonValue, path: string): Found {
  let current: JsonValue = payload;
  for (const word of path.split('.')) {
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(word) || Number(word) >= current.length) return MISSING;
      current = current[Number(word)]!;
    } else if (isObject(current) && Object.hasOwn(current, word)) {
      current = current[word]!;
    } else {
      return MISSING;
    }
  }
  return current;
}

/** Deep equality of JSON values: object keys in any order, array items in order, 0 equal to -0. */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEquals(item, b[i]!));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEquals(a[key]!, b[key]!));
  }
  return false;
}

/**
 * Whether `payload` passes `filter`, a filter that passed validation. An
 * operator validation does not know throws rather than guessing: a filter
 * stored by a newer version must not be read loosely by an older one.
 */
export function matchesFilter(filter: PayloadFilter, payload: JsonValue): boolean {
  return Object.entries(filter).every(([key, value]) => {
    switch (key) {
      case '$and':
        return (value as PayloadFilter[]).every((branch) => matchesFilter(branch, payload));
      case '$or':
        return (value as PayloadFilter[]).some((branch) => matchesFilter(branch, payload));
      case '$not':
        return !matchesFilter(value as PayloadFilter, payload);
      default:
        if (key.startsWith('$')) throw new Error(`unknown filter operator ${key}`);
        return matchesCondition(valueAtPath(payload, key), value);
    }
  });
}

function matchesCondition(found: Found, condition: JsonValue): boolean {
  if (!isObject(condition)) return equalsFound(found, condition);
  return Object.entries(condition).every(([operator, operand]) => applyOperator(operator, operand, found));
}

function equalsFound(found: Found, value: JsonValue): boolean {
  return found !== MISSING && jsonEquals(found, value);
}

function applyOperator(operator: string, operand: JsonValue, found: Found): boolean {
  switch (operator) {
    case '$eq':
      return equalsFound(found, operand);
    case '$neq':
      return !equalsFound(found, operand);
    case '$gt':
      return order(found, operand) > 0;
    case '$gte':
      return order(found, operand) >= 0;
    case '$lt':
      return order(found, operand) < 0;
    case '$lte':
      return order(found, operand) <= 0;
    case '$in':
      return (operand as JsonValue[]).some((value) => equalsFound(found, value));
    case '$nin':
      return !(operand as JsonValue[]).some((value) => equalsFound(found, value));
    case '$exists':
      return (found !== MISSING) === operand;
    default:
      throw new Error(`unknown filter operator ${operator}`);
  }
}

/**
 * -1, 0 or 1 when `found` and `operand` are both numbers or both strings
 * (strings in UTF-16 code unit order, so ISO 8601 timestamps of one format
 * order in time); NaN otherwise, which makes every comparison false.
 */
function order(found: Found, operand: JsonValue): number {
  const comparable = (typeof found === 'number' && typeof operand === 'number') || (typeof found === 'string' && typeof operand === 'string');
  if (!comparable) return NaN;
  return found < operand ? -1 : found > operand ? 1 : 0;
}

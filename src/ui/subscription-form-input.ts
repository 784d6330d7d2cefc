// A subscription form as typed (every field a string, so a refused form is
// shown again exactly as it was) and its translation into a /v1 body. Only the
// form's own formats are checked here ("Name: value" lines, numbers); what the
// values may be is the API's to say, and its refusal is shown beside the form.
import type { Subscription } from '../schemas/subscription.js';
import type { FieldError } from '../api/problem.js';

export interface SubscriptionFormValues {
  tenantId: string;
  url: string;
  /** Ticked names from the event catalog. */
  catalogTypes: string[];
  /** Other names or patterns ("order.*", "*"), separated by commas or spaces. */
  patterns: string;
  description: string;
  /** One "Name: value" per line. */
  headers: string;
  /** Seconds before each retry, separated by commas or spaces; blank for hookflow's default. */
  retrySchedule: string;
  timeoutMs: string;
  rateLimitPerSecond: string;
  ordering: string;
  onDeadLetter: string;
  signatureScheme: string;
}

export const EMPTY_FORM: SubscriptionFormValues = {
  tenantId: '',
  url: '',
  catalogTypes: [],
  patterns: '',
  description: '',
  headers: '',
  retrySchedule: '',
  timeoutMs: '',
  rateLimitPerSecond: '',
  ordering: 'none',
  onDeadLetter: '',
  signatureScheme: 'v1',
};

type FormBody = Record<string, string | File | (string | File)[]>;

function text(body: FormBody, name: string, fallback = ''): string {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : fallback;
}

function texts(body: FormBody, name: string): string[] {
  const value = body[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((item): item is string => typeof item === 'string');
}

/** The form as posted (parsed with `all: true`, so repeated checkboxes arrive as a list). */
export function formValues(body: FormBody): SubscriptionFormValues {
  return {
    tenantId: text(body, 'tenantId'),
    url: text(body, 'url'),
    catalogTypes: texts(body, 'catalogTypes'),
    patterns: text(body, 'patterns'),
    description: text(body, 'description'),
    headers: text(body, 'headers'),
    retrySchedule: text(body, 'retrySchedule'),
    timeoutMs: text(body, 'timeoutMs'),
    rateLimitPerSecond: text(body, 'rateLimitPerSecond'),
    ordering: text(body, 'ordering', EMPTY_FORM.ordering),
    onDeadLetter: text(body, 'onDeadLetter'),
    signatureScheme: text(body, 'signatureScheme', EMPTY_FORM.signatureScheme),
  };
}

/** A subscription as its edit form shows it: catalog names ticked, anything else as a pattern. */
export function valuesOf(subscription: Subscription, catalog: readonly string[]): SubscriptionFormValues {
  const known = new Set(catalog);
  return {
    tenantId: subscription.tenantId,
    url: subscription.url,
    catalogTypes: subscription.eventTypes.filter((type) => known.has(type)),
    patterns: subscription.eventTypes.filter((type) => !known.has(type)).join(', '),
    description: subscription.description ?? '',
    headers: Object.entries(subscription.headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    retrySchedule: subscription.retrySchedule?.join(', ') ?? '',
    timeoutMs: subscription.timeoutMs?.toString() ?? '',
    rateLimitPerSecond: subscription.rateLimitPerSecond?.toString() ?? '',
    ordering: subscription.ordering,
    onDeadLetter: subscription.onDeadLetter ?? '',
    signatureScheme: subscription.signatureScheme,
  };
}

const SEPARATORS = /[\s,]+/;

function words(value: string): string[] {
  return value.split(SEPARATORS).filter((word) => word !== '');
}

/** Ticked types first, then the typed patterns, each once. */
export function eventTypesOf(values: SubscriptionFormValues): string[] {
  return [...new Set([...values.catalogTypes, ...words(values.patterns)])];
}

/** "Name: value" lines into a header record; blank lines are skipped, a line without a colon or a name given twice is an error. */
export function parseHeaderLines(lines: string): { headers: Record<string, string>; errors: FieldError[] } {
  const headers: Record<string, string> = {};
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  lines.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    if (name === '') {
      errors.push({ path: 'headers', message: `line ${index + 1}: write each header as "Name: value"` });
      return;
    }
    if (seen.has(name.toLowerCase())) {
      errors.push({ path: 'headers', message: `line ${index + 1}: ${name} is given twice` });
      return;
    }
    seen.add(name.toLowerCase());
    headers[name] = line.slice(colon + 1).trim();
  });
  return { headers, errors };
}

/** A number typed in a field: undefined when blank; an error naming the field when it is not a number. */
function parseNumber(path: string, value: string, errors: FieldError[]): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const number = Number(trimmed);
  if (!Number.isFinite(number)) errors.push({ path, message: `"${trimmed}" is not a number` });
  return number;
}

function parseSchedule(value: string, errors: FieldError[]): number[] | undefined {
  const parts = words(value);
  if (parts.length === 0) return undefined;
  return parts.map((part) => parseNumber('retrySchedule', part, errors) ?? 0);
}

/** The settings both a new subscription and an edit carry; blank optional fields come back undefined. */
function sharedSettings(values: SubscriptionFormValues) {
  const errors: FieldError[] = [];
  const { headers, errors: headerErrors } = parseHeaderLines(values.headers);
  errors.push(...headerErrors);
  const settings = {
    url: values.url.trim(),
    eventTypes: eventTypesOf(values),
    description: values.description.trim() === '' ? undefined : values.description.trim(),
    headers,
    retrySchedule: parseSchedule(values.retrySchedule, errors),
    timeoutMs: parseNumber('timeoutMs', values.timeoutMs, errors),
    rateLimitPerSecond: parseNumber('rateLimitPerSecond', values.rateLimitPerSecond, errors),
  };
  return { settings, errors };
}

export type FormBodyResult = { ok: true; body: Record<string, unknown> } | { ok: false; errors: FieldError[] };

function withoutUndefined(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

/** POST /v1/subscriptions: blank optional fields are left out, so hookflow's defaults apply. */
export function createBody(values: SubscriptionFormValues): FormBodyResult {
  const { settings, errors } = sharedSettings(values);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: withoutUndefined({
      ...settings,
      tenantId: values.tenantId.trim() === '' ? undefined : values.tenantId.trim(),
      ordering: values.ordering,
      onDeadLetter: values.onDeadLetter === '' ? undefined : values.onDeadLetter,
      signatureScheme: values.signatureScheme,
    }),
  };
}

/** PATCH /v1/subscriptions/:id: every field of the edit form; a blank optional field goes back to hookflow's default (null). */
export function patchBody(values: SubscriptionFormValues): FormBodyResult {
  const { settings, errors } = sharedSettings(values);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      url: settings.url,
      eventTypes: settings.eventTypes,
      description: settings.description ?? null,
      headers: settings.headers,
      retrySchedule: settings.retrySchedule ?? null,
      timeoutMs: settings.timeoutMs ?? null,
      rateLimitPerSecond: settings.rateLimitPerSecond ?? null,
    },
  };
}

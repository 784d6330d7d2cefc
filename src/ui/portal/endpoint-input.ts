// What the portal's endpoint form posts, turned into the body /v1 takes. Only
// the shape changes here: /v1 validates (and names the field at fault), so a
// value the API would refuse is passed on as typed, never silently dropped.
export type FormBody = Record<string, string | File | (string | File)[]>;

/** What the form shows: as typed, to fill the form again after a refusal. */
export interface EndpointFormValues {
  url: string;
  description: string;
  /** Types ticked in the catalog list. */
  eventTypes: string[];
  /** Any other types or patterns ("order.*", "*"), as typed: comma- or space-separated. */
  otherEventTypes: string;
}

function texts(value: FormBody[string] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

function text(value: FormBody[string] | undefined): string {
  return texts(value)[0] ?? '';
}

/** Read with `parseBody({ all: true })`, so ticked boxes of one name arrive as a list. */
export function endpointFormValues(form: FormBody): EndpointFormValues {
  return {
    url: text(form['url']).trim(),
    description: text(form['description']).trim(),
    eventTypes: texts(form['eventTypes']),
    otherEventTypes: text(form['otherEventTypes']),
  };
}

/** Ticked types first, then the typed ones, each once, in the order given. */
export function chosenEventTypes(values: EndpointFormValues): string[] {
  const typed = values.otherEventTypes.split(/[\s,]+/).filter(Boolean);
  return [...new Set([...values.eventTypes, ...typed])];
}

/** POST /v1/subscriptions: an empty description is left out. */
export function createEndpointBody(values: EndpointFormValues): { url: string; eventTypes: string[]; description?: string } {
  return { url: values.url, eventTypes: chosenEventTypes(values), ...(values.description ? { description: values.description } : {}) };
}

/** PATCH /v1/subscriptions/:id: an emptied description is cleared (null). */
export function updateEndpointBody(values: EndpointFormValues): { url: string; eventTypes: string[]; description: string | null } {
  return { url: values.url, eventTypes: chosenEventTypes(values), description: values.description || null };
}

/** The form's values for an endpoint as it is: catalog types ticked, the rest typed. */
export function valuesOfEndpoint(
  endpoint: { url: string; description: string | null; eventTypes: string[] },
  catalogNames: ReadonlySet<string>,
): EndpointFormValues {
  return {
    url: endpoint.url,
    description: endpoint.description ?? '',
    eventTypes: endpoint.eventTypes.filter((type) => catalogNames.has(type)),
    otherEventTypes: endpoint.eventTypes.filter((type) => !catalogNames.has(type)).join(', '),
  };
}

/** The ids ticked in a list (`ids`), each once. */
export function tickedIds(form: FormBody): string[] {
  return [...new Set(texts(form['ids']))];
}

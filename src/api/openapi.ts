// The OpenAPI 3.1 document, generated from the route definitions themselves
// (src/api/route.ts): the schemas that validate a request are the schemas the
// document shows, so the two cannot drift. JSON Schema comes from zod's own
// converter (draft 2020-12, what OpenAPI 3.1 uses): zod-to-openapi, which
// @hono/zod-openapi ships, recurses forever on z.json() (our JsonValue).
import type { RouteConfig } from '@hono/zod-openapi';
import { z } from 'zod';
import { VERSION } from '../version.js';
import { problemAnswers } from './route.js';
import { schemaNames } from './schema-names.js';
import { canonicalHeaderName } from './validate.js';

type Schema = z.ZodType;
interface MediaContent {
  [mediaType: string]: { schema?: unknown };
}
interface Answer {
  description: string;
  content?: MediaContent;
  headers?: unknown;
}

/** Problems any route under /v1 can answer: no or a bad key, a missing scope, the rate limit, a store down. */
const AUTHENTICATED_PROBLEMS = [401, 403, 429, 503];
/** Problems any route taking a body can answer. */
const BODY_PROBLEMS = [400, 413, 415];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function openApiDocument(routes: readonly RouteConfig[]): object {
  const names = nameSchemas(routes);
  return {
    openapi: '3.1.0',
    info: {
      title: 'hookflow',
      version: VERSION,
      description:
        'Durable webhook delivery on Temporal and PostgreSQL. Every /v1 call needs `Authorization: Bearer <API key>`. ' +
        'A method a path does not have answers 405 with `Allow`.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths: pathsOf(routes, names),
    components: {
      schemas: componentSchemas(names),
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: "A hookflow API key (hfk_…), or a tenant's portal token (a JWT)" },
      },
    },
  };
}

/** Every body and answer schema by component name: its own (src/api/schema-names.ts), else one made from the operation. */
function nameSchemas(routes: readonly RouteConfig[]): Map<Schema, string> {
  const names = new Map<Schema, string>(schemaNames());
  for (const route of routes) {
    const operation = operationId(route);
    const body = bodySchema(route);
    if (body && !names.has(body)) names.set(body, `${capitalized(operation)}Body`);
    for (const [status, answer] of Object.entries(route.responses)) {
      for (const media of Object.values((answer as Answer).content ?? {})) {
        const schema = media.schema as Schema | undefined;
        if (schema && !names.has(schema)) names.set(schema, `${capitalized(operation)}${status}`);
      }
    }
  }
  return names;
}

function componentSchemas(names: Map<Schema, string>): Record<string, object> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of names) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', uri: (id) => `#/components/schemas/${id}` });
  // Each entry's own $schema/$id are noise inside an OpenAPI document.
  return Object.fromEntries(
    Object.entries(schemas)
      .map(([id, schema]) => {
        const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
        return [id, rest] as const;
      })
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

function pathsOf(routes: readonly RouteConfig[], names: Map<Schema, string>): Record<string, Record<string, object>> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operationObject(route, names);
  return paths;
}

function operationObject(route: RouteConfig, names: Map<Schema, string>): object {
  const isPublic = Array.isArray(route.security) && route.security.length === 0;
  const body = bodySchema(route);
  const parameters = [
    ...parametersOf(route.request?.params, 'path'),
    ...parametersOf(route.request?.query, 'query'),
    ...parametersOf(route.request?.headers as Schema | undefined, 'header'),
  ];
  const validates = body !== undefined || parameters.some((p) => p.in !== 'path');
  const problems = [...(isPublic ? [] : AUTHENTICATED_PROBLEMS), ...(body ? BODY_PROBLEMS : []), ...(validates ? [422] : [])];
  const responses: Record<string, Answer> = { ...problemAnswers(...problems), ...(route.responses as Record<string, Answer>) };
  // Rules across fields, which JSON Schema cannot carry, as their schemas describe them.
  const crossField = [route.request?.query as Schema | undefined, body].map(descriptionOf).filter(Boolean);
  return {
    operationId: operationId(route),
    ...(route.summary ? { summary: route.summary } : {}),
    ...(route.description || crossField.length > 0 ? { description: [route.description, ...crossField].filter(Boolean).join('\n\n') } : {}),
    ...(isPublic ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? { requestBody: { required: route.request!.body!.required === true, content: { 'application/json': { schema: ref(names.get(body)!) } } } }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responses)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, answer]) => [status, answerObject(answer, names)]),
    ),
  };
}

function answerObject(answer: Answer, names: Map<Schema, string>): object {
  if (!answer.content) return answer;
  const content = Object.fromEntries(
    Object.entries(answer.content).map(([media, { schema }]) => [media, schema ? { schema: ref(names.get(schema as Schema)!) } : {}]),
  );
  return { ...answer, content };
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: object;
}

/** One parameter per field of a params/query/headers object (a query with a transform: the object it reads). */
function parametersOf(schema: Schema | undefined, location: Parameter['in']): Parameter[] {
  if (!schema) return [];
  const object = inputObject(schema);
  return Object.entries(object.shape).map(([name, field]) => {
    const {
      $schema: _schema,
      description,
      ...json
    } = z.toJSONSchema(field as Schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
    return {
      name: location === 'header' ? canonicalHeaderName(name) : name,
      in: location,
      required: location === 'path' || !(field as Schema).safeParse(undefined).success,
      ...(typeof description === 'string' ? { description } : {}),
      schema: json,
    };
  });
}

/** A schema's description, or (for a transform) that of what it reads. */
function descriptionOf(schema: Schema | undefined): string | undefined {
  if (!schema) return undefined;
  return schema.description ?? (schema instanceof z.ZodPipe ? descriptionOf(schema.in as Schema) : undefined);
}

function inputObject(schema: Schema): z.ZodObject {
  if (schema instanceof z.ZodObject) return schema;
  if (schema instanceof z.ZodPipe) return inputObject(schema.in as Schema);
  throw new Error('route parameters must be a zod object (or a transform of one)');
}

function bodySchema(route: RouteConfig): Schema | undefined {
  const media = route.request?.body?.content['application/json'] as { schema?: unknown } | undefined;
  return media?.schema as Schema | undefined;
}

/** `GET /v1/subscriptions/{id}/secret` → `getV1SubscriptionsIdSecret`. */
function operationId(route: RouteConfig): string {
  return `${route.method}${route.path
    .replace(/[{}]/g, '')
    .replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, '')}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

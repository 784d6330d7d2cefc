// The OpenAPI document: valid OpenAPI 3.1, describing every route the app
// registers and nothing else; and the reference page served with no network.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.js';
import { rawRequest, serveApp, type ServedApp } from '../support/serve-app.js';

let stack: TestStack;
let served: ServedApp;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  served = await serveApp(stack.app);
});

afterAll(async () => {
  await served?.close();
  await stack?.close();
});

async function document(): Promise<any> {
  const response = await stack.app.request('/openapi.json');
  expect(response.status).toBe(200);
  return response.json();
}

/** The console's and portal's pages and their assets: HTML for browsers, not part of the API. */
const isBrowserPage = (path: string) => /^\/(console|portal|ui)(\/|$)/.test(path);

describe('OpenAPI', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does refuse a broken document.
    expect((await new Validator().validate({ ...doc, paths: { '/x': { get: { responses: 'none' } } } })).valid).toBe(false);
  });

  it('describes exactly the routes the app registers', async () => {
    const doc = await document();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const registered = [
      ...new Set(
        stack.app.routes
          .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*') && !r.path.startsWith('/docs/assets') && !isBrowserPage(r.path))
          .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
      ),
    ].sort();
    expect(documented).toEqual(registered);
  });

  it('takes its schemas from the zod schemas, field for field', async () => {
    const { components } = await document();
    const create = components.schemas.CreateSubscription;
    expect(create.required).toEqual(['url', 'eventTypes']);
    expect(create.additionalProperties).toBe(false);
    expect(Object.keys(create.properties)).toEqual([
      'url',
      'eventTypes',
      'filter',
      'description',
      'headers',
      'retrySchedule',
      'timeoutMs',
      'permanentStatusCodes',
      'rateLimitPerSecond',
      'tenantId',
      'signatureScheme',
      'ordering',
      'onDeadLetter',
    ]);
    // Routing: the pattern forms and the filter language are described where a client reads them.
    expect(create.properties.eventTypes.items.description).toContain('"order.*"');
    expect(create.properties.filter.anyOf).toEqual([
      expect.objectContaining({ type: 'object', description: expect.stringContaining('docs/routing.md') }),
      { type: 'null' },
    ]);
    expect(components.schemas.PublishEvent.properties.payload).toEqual({ $ref: '#/components/schemas/JsonValue' });
    expect(components.schemas.Problem.required).toEqual(['type', 'title', 'status']);
  });

  it('carries every constraint the server checks, and every problem a route can answer', async () => {
    const { paths, components } = await document();
    // Lengths and patterns that were invisible behind a pipe or a refine.
    for (const schema of ['CreateApiKey', 'CreateTenant']) {
      expect(components.schemas[schema].properties.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 200, pattern: expect.any(String) });
    }
    const idempotencyKey = paths['/v1/events'].post.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    expect(idempotencyKey).toMatchObject({ in: 'header', required: false, schema: { minLength: 1, maxLength: 255, pattern: expect.any(String) } });
    expect(components.schemas.CreateSubscription.properties.eventTypes.items.pattern).toEqual(expect.any(String));
    // Cross-field rules, in the description.
    expect(components.schemas.CreateSubscription.description).toContain('onDeadLetter');
    expect(components.schemas.Recover.description).toContain('empty window');
    expect(paths['/v1/usage'].get.description).toContain('366');
    // Every /v1 operation: the problems of authentication, rate and stores; with a body, 400/413/415; validated, 422.
    for (const [template, operations] of Object.entries(paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        const statuses = Object.keys(operation.responses);
        const problems = statuses.filter((s) => operation.responses[s].content?.['application/problem+json']);
        if (template.startsWith('/v1/')) expect(problems, `${method} ${template}`).toEqual(expect.arrayContaining(['401', '403', '429', '503']));
        if (operation.requestBody) expect(problems, `${method} ${template}`).toEqual(expect.arrayContaining(['400', '413', '415', '422']));
        for (const status of problems) {
          expect(operation.responses[status].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
        }
      }
    }
    expect(Object.keys(paths['/v1/subscriptions/{id}/secret/rotate'].post.responses)).toContain('400');
  });

  it('answers 405 with Allow for every method a documented path does not have, TRACE and OPTIONS included', async () => {
    const doc = await document();
    const headers = { authorization: `Bearer ${stack.adminKey}` };
    for (const [template, operations] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      const path = template.replace(/\{\w+\}/g, 'x');
      const documented = Object.keys(operations).map((m) => m.toUpperCase());
      const allow = [...documented, ...(documented.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
      for (const method of ['TRACE', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'POST'].filter((m) => !documented.includes(m))) {
        // Over HTTP: fetch may not send TRACE.
        const response = await rawRequest(served.url + path, method, headers);
        expect(response.status, `${method} ${template}`).toBe(405);
        expect(response.headers.allow, `${method} ${template}`).toBe(allow);
        expect(response.headers['content-type']).toBe('application/problem+json');
        expect(JSON.parse(response.body).type).toBe('https://hookflow.dev/problems/method-not-allowed');
      }
    }
    // An unknown path stays a 404, whatever the method.
    expect((await rawRequest(`${served.url}/v1/nothing-here`, 'TRACE', headers)).status).toBe(404);
  });

  it('serves the reference page and its assets locally', async () => {
    const page = await stack.app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']) {
      expect(html).toContain(asset);
      const response = await stack.app.request(asset);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    expect((await stack.app.request('/docs/assets/package.json')).status).toBe(404);
  });
});

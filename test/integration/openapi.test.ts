// The OpenAPI document: valid OpenAPI 3.1, describing every route the app
// registers and nothing else; and the reference page served with no network.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
});

afterAll(async () => {
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
      'url', 'eventTypes', 'filter', 'description', 'headers', 'retrySchedule', 'timeoutMs', 'permanentStatusCodes', 'rateLimitPerSecond', 'tenantId', 'signatureScheme',
      'ordering', 'onDeadLetter',
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

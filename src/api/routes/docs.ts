// The OpenAPI document, an API reference page (Swagger UI, served from
// node_modules: no CDN, so it works offline and behind a firewall), and the
// event catalog as an AsyncAPI document.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { defineRoute, problemAnswers } from '../route.js';
import { asyncApiDocument } from '../../catalog/asyncapi.js';
import { VERSION } from '../../version.js';
import type { ApiDeps } from '../deps.js';
import type { EventType } from '../../schemas/event-type.js';

const SWAGGER_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>hookflow API reference</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true });
  </script>
</body>
</html>`;

/** Any JSON document (OpenAPI, AsyncAPI): described by its own specification, not here. */
const jsonDocumentSchema = z.record(z.string(), z.unknown());

const openApi = defineRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  security: [],
  responses: { 200: { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: jsonDocumentSchema } } } },
});

const asyncApi = defineRoute({
  method: 'get',
  path: '/asyncapi.json',
  summary: 'The event catalog as an AsyncAPI 3.0 document: what subscribers receive',
  security: [],
  responses: {
    200: { description: 'The AsyncAPI 3.0 document', content: { 'application/json': { schema: jsonDocumentSchema } } },
    ...problemAnswers(503),
  },
});

const referencePage = defineRoute({
  method: 'get',
  path: '/docs',
  summary: 'API reference page',
  security: [],
  responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: z.string() } } } },
});

/** `document`: the OpenAPI document, generated from the app's routes (src/api/openapi.ts). */
export function docsRoutes(deps: Pick<ApiDeps, 'catalog'>, document: () => object): OpenAPIHono {
  const app = new OpenAPIHono();
  app.openapi(openApi, (c) => c.json(document() as Record<string, unknown>, 200));
  // From this process's copy of the catalog, built once per copy: public, so
  // it must cost neither a query nor a rebuild per request.
  let built: { from: readonly EventType[]; document: object } | undefined;
  app.openapi(asyncApi, async (c) => {
    const types = await deps.catalog.types();
    if (built?.from !== types) built = { from: types, document: asyncApiDocument(types, { title: 'hookflow events', version: VERSION }) };
    return c.json(built.document as Record<string, unknown>, 200);
  });
  app.openapi(referencePage, (c) => c.html(PAGE));
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) return c.notFound();
    c.header('content-type', type);
    c.header('cache-control', 'public, max-age=86400');
    return c.body(await readFile(path.join(SWAGGER_DIR, file)));
  });
  return app;
}

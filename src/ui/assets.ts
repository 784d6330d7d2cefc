// The pages' static files: read once at start, served under a name carrying a
// hash of their content, so browsers may cache them for a year and a new
// version is a new URL. Nothing is fetched from the network at run time.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);
const own = (name: string) => new URL(`./assets/${name}`, import.meta.url);

/** Each asset's stable name and where its content comes from. */
const SOURCES: Record<string, URL | string> = {
  'ui.css': own('ui.css'),
  'portal-enter.js': own('portal-enter.js'),
  'overview.js': own('overview.js'),
  // uPlot (https://github.com/leeoniya/uPlot): a small, dependency-free chart library.
  'uplot.js': require.resolve('uplot/dist/uPlot.iife.min.js'),
  'uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
};

const CONTENT_TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

interface Asset {
  url: string;
  body: Buffer;
  contentType: string;
}

export const ASSET_BASE = '/ui/assets/';

function load(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, source] of Object.entries(SOURCES)) {
    const body = readFileSync(source);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const dot = name.lastIndexOf('.');
    const extension = name.slice(dot + 1);
    assets.set(name, { url: `${ASSET_BASE}${name.slice(0, dot)}.${hash}.${extension}`, body, contentType: CONTENT_TYPES[extension]! });
  }
  return assets;
}

const ASSETS = load();

/** The versioned URL of an asset by its stable name ("ui.css"). */
export function assetUrl(name: keyof typeof SOURCES): string {
  const asset = ASSETS.get(name);
  if (!asset) throw new Error(`no asset named ${name}`);
  return asset.url;
}

export function assetRoutes(): Hono {
  const app = new Hono();
  const byUrl = new Map([...ASSETS.values()].map((asset) => [asset.url, asset]));
  app.get(`${ASSET_BASE}:file`, (c) => {
    const asset = byUrl.get(c.req.path);
    if (!asset) return c.notFound();
    return c.body(new Uint8Array(asset.body), 200, {
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
  });
  return app;
}

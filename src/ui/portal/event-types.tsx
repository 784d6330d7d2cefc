// The event catalog, read-only: what each type means, its payload schema and
// an example, so a customer knows what their endpoint will receive.
import { Hono } from 'hono';
import type { UiEnv } from '../session.js';
import { v1For, type UiDeps } from '../ui-deps.js';
import { DeprecatedMark, readCatalog, SchemaAndExample } from './catalog.js';
import { portalPage } from './render.js';

export function portalEventTypes(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();

  app.get('/', async (c) => {
    const catalog = await readCatalog(v1For(c, deps));
    return portalPage(c, deps.options.portal, {
      title: 'Event types',
      children: (
        <>
          {catalog.length === 0 ? <p>The catalog is empty.</p> : null}
          {catalog.map((eventType) => (
            <section class="event-type" aria-labelledby={`type-${eventType.name}`}>
              <h2 id={`type-${eventType.name}`}>
                <code>{eventType.name}</code> <DeprecatedMark eventType={eventType} />
              </h2>
              <p>{eventType.description || 'No description.'}</p>
              <SchemaAndExample eventType={eventType} />
            </section>
          ))}
        </>
      ),
    });
  });

  return app;
}

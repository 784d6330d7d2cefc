// The console's day-to-day operations pages: events, a delivery with its
// attempts, and the dead-letter queue.
import { Hono } from 'hono';
import type { UiEnv } from '../session.js';
import type { UiDeps } from '../ui-deps.js';
import { consoleDeadLetters } from './dead-letters.js';
import { consoleDeliveries } from './deliveries.js';
import { consoleEvents } from './events.js';

export function consoleOperations(deps: UiDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  app.route('/events', consoleEvents(deps));
  app.route('/deliveries', consoleDeliveries(deps));
  app.route('/dead-letters', consoleDeadLetters(deps));
  return app;
}

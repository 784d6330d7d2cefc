// Which event types a subscription selects. A pattern is one of
//   - an exact event type name:  "order.created"
//   - "*":                        every event type
//   - a prefix wildcard:          "order.*"
// "order.*" matches every type below "order", at any depth ("order.created",
// "order.item.added"), and not "order" itself: the ".*" asks for something
// after the dot. A "*" anywhere else ("*.created", "order.*.added", "order*")
// is refused, so a pattern never means something its author did not expect.
import { z } from 'zod';
import { eventTypeSchema } from '../schemas/common.js';

export const WILDCARD = '*';
const PREFIX_SUFFIX = '.*';

/** The name a prefix pattern is below ("order" for "order.*"), or undefined for other patterns. */
function prefixOf(pattern: string): string | undefined {
  return pattern.endsWith(PREFIX_SUFFIX) ? pattern.slice(0, -PREFIX_SUFFIX.length) : undefined;
}

export function isValidEventTypePattern(pattern: string): boolean {
  if (pattern === WILDCARD) return true;
  return eventTypeSchema.safeParse(prefixOf(pattern) ?? pattern).success;
}

export const eventTypePatternSchema = z
  .string()
  .max(128)
  // A pattern (isValidEventTypePattern's rule written as one), so the OpenAPI document carries it.
  .regex(
    /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/,
    'use an event type ("order.created"), "*" for every type, or a prefix and ".*" ("order.*" for every type below "order")',
  )
  .meta({
    description:
      'An event type ("order.created"), "*" for every type, or a prefix and ".*" for every type below it at any depth ' +
      '("order.*" matches "order.created" and "order.item.added", not "order"). See docs/routing.md.',
    examples: ['order.created', 'order.*', '*'],
  });

/** Whether `pattern` selects events of type `eventType` (a valid event type name). */
export function patternMatches(pattern: string, eventType: string): boolean {
  if (pattern === WILDCARD) return true;
  const prefix = prefixOf(pattern);
  return prefix === undefined ? pattern === eventType : eventType.startsWith(prefix + '.');
}

/**
 * Every pattern that selects `eventType`: the name itself, "*", and one prefix
 * pattern per leading run of its words ("a.*", "a.b.*" for "a.b.c"). Fan-out
 * looks these up in the subscriptions' GIN-indexed event_types with `&&`, so
 * matching by pattern costs the same index lookup as matching by name.
 */
export function patternsMatching(eventType: string): string[] {
  const words = eventType.split('.');
  const prefixPatterns = words.slice(0, -1).map((_, i) => words.slice(0, i + 1).join('.') + PREFIX_SUFFIX);
  return [eventType, WILDCARD, ...prefixPatterns];
}

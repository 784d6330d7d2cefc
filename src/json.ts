import type { z } from 'zod';

/** Any JSON value, as zod's `z.json()` describes it. */
export type JsonValue = z.infer<ReturnType<typeof z.json>>;

/**
 * Where the first key or string holding a NUL character is, if any: PostgreSQL
 * stores neither in json nor in jsonb, so such a value must be refused at the door.
 */
export function pathToNul(value: JsonValue, path: Array<string | number> = []): Array<string | number> | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = pathToNul(item, [...path, index]);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = key.includes('\u0000') ? [...path, key] : pathToNul(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

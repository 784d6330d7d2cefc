// What an audit row may hold of a resource: its fields with every secret
// replaced by a marker, and of a change only the fields that changed. Pure, so
// the rules are tested exhaustively (test/unit/audit-redact.test.ts).
import type { JsonValue } from '../json.js';

export const REDACTED = '[redacted]';

/** Field names whose values are credentials: signing secrets, API keys, tokens, private or sealed keys. */
const SECRET_FIELD = /^key$|(secrets?|password|token|sealed|authorization|apikey|key_?hash|private_?key)$/i;
/** Credentials recognised by their shape wherever they turn up: whsec_ secrets, hfk_ API keys, JWTs (portal tokens). */
const SECRET_VALUE = /^(whsec_|hfk_)|^eyJ[\w-]*\.[\w-]*\./;
/**
 * Custom header values of a subscription may carry the receiver's own
 * credentials (an Authorization, an X-Api-Key): their names are kept, their
 * values never.
 */
const OPAQUE_MAPS = new Set(['headers']);
/** Bookkeeping that changes with every write and says nothing about what changed. */
const IGNORED_IN_DIFF = new Set(['updatedAt']);

export function redact(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return SECRET_VALUE.test(value) ? REDACTED : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [field, inner] of Object.entries(value as Record<string, unknown>)) {
      if (inner === undefined) continue;
      if (SECRET_FIELD.test(field)) out[field] = REDACTED;
      else if (OPAQUE_MAPS.has(field) && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
        out[field] = Object.fromEntries(Object.keys(inner).map((name) => [name, REDACTED]));
      } else out[field] = redact(inner);
    }
    return out;
  }
  return null;
}

export interface Change {
  before: Record<string, JsonValue> | null;
  after: Record<string, JsonValue> | null;
}

/**
 * The redacted top-level fields that differ between two states of a resource.
 * A created resource has no before, a deleted one no after; both are whole.
 */
export function changedFields(before: object | null | undefined, after: object | null | undefined): Change {
  const b = before ? (redact(before) as Record<string, JsonValue>) : null;
  const a = after ? (redact(after) as Record<string, JsonValue>) : null;
  if (!b || !a) return { before: b, after: a };
  const changed: Change = { before: {}, after: {} };
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (IGNORED_IN_DIFF.has(field) || JSON.stringify(b[field]) === JSON.stringify(a[field])) continue;
    changed.before![field] = b[field] ?? null;
    changed.after![field] = a[field] ?? null;
  }
  return changed;
}

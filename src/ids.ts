// Opaque, URL-safe, prefixed ids ("sub_…", "evt_…", "dlv_…"): the prefix says
// what an id names when it turns up in a log or the Temporal Web UI.
import { createHash, randomBytes } from 'node:crypto';

export type IdPrefix = 'sub' | 'evt' | 'dlv' | 'key';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

/** The event id an `Idempotency-Key` stands for: the same key always names the same event. */
export function eventIdForIdempotencyKey(key: string): string {
  return `evt_${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
}

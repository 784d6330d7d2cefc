// Verifies stored API keys. PostgreSQL is asked on every request while it
// answers, so a revoked key stops working at once. Keys verified recently are
// remembered for the time PostgreSQL is unreachable, for publishing only:
// publishing then keeps working (Temporal holds the events and the worker
// records them once the database is back) instead of failing with the
// database. The price: a key revoked less than TRUST_WHILE_UNREACHABLE_MS
// before an outage, through another API process (this one forgets a key the
// database no longer returns), can publish until the outage ends or the
// window closes.
import { findActiveApiKey } from '../db/api-keys.js';
import type { Queryable } from '../db/pool.js';
import type { ApiKey } from '../schemas/api-key.js';
import { unavailableStore } from '../unavailable.js';

/** How long a verified key stays trusted while PostgreSQL cannot be asked. */
export const TRUST_WHILE_UNREACHABLE_MS = 10 * 60_000;
/** Distinct keys remembered; the oldest verification is forgotten first. */
const MAX_REMEMBERED = 10_000;

/** `duringOutage: 'trust-remembered'` lets a remembered key through while PostgreSQL is unreachable. */
export type KeyVerifier = (keyHash: string, options?: { duringOutage?: 'fail' | 'trust-remembered' }) => Promise<ApiKey | undefined>;

export function createKeyVerifier(db: Queryable, now: () => number = Date.now): KeyVerifier {
  const verified = new Map<string, { key: ApiKey; at: number }>();
  return async (keyHash, options) => {
    let key: ApiKey | undefined;
    try {
      key = await findActiveApiKey(db, keyHash);
    } catch (error) {
      const remembered = verified.get(keyHash);
      const trusted = options?.duringOutage === 'trust-remembered' && remembered && now() - remembered.at < TRUST_WHILE_UNREACHABLE_MS;
      if (trusted && unavailableStore(error) === 'postgres') {
        return remembered.key;
      }
      throw error;
    }
    // Re-inserting keeps the Map in verification order, oldest first.
    verified.delete(keyHash);
    if (key) {
      verified.set(keyHash, { key, at: now() });
      if (verified.size > MAX_REMEMBERED) verified.delete(verified.keys().next().value!);
    }
    return key;
  };
}

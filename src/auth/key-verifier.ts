// Verifies stored API keys. PostgreSQL is asked on every request while it
// answers, so a revoked key stops working at once. Keys verified recently are
// remembered for the time PostgreSQL is unreachable, for publishing only:
// publishing then keeps working (Temporal holds the events and the worker
// records them once the database is back) instead of failing with the
// database. The price, bounded by `trustDuringOutageMs`
// (HOOKFLOW_KEY_TRUST_DURING_OUTAGE_SECONDS): a key revoked through another
// API process (this one forgets a key the database no longer returns) can
// publish during an outage until `trustDuringOutageMs` after this process last
// verified it, which was before the revocation; so never longer than that
// window after the revocation. 0 trusts nothing: publishing fails with the database.
import { findActiveApiKey } from '../db/api-keys.js';
import type { Queryable } from '../db/pool.js';
import type { ApiKey } from '../schemas/api-key.js';
import { unavailableStore } from '../unavailable.js';

/** The default of how long a verified key stays trusted while PostgreSQL cannot be asked. */
export const KEY_TRUST_DURING_OUTAGE_MS = 10 * 60_000;
/** Distinct keys remembered; the oldest verification is forgotten first. */
const MAX_REMEMBERED = 10_000;

/** `duringOutage: 'trust-remembered'` lets a remembered key through while PostgreSQL is unreachable. */
export type KeyVerifier = (keyHash: string, options?: { duringOutage?: 'fail' | 'trust-remembered' }) => Promise<ApiKey | undefined>;

export interface KeyVerifierOptions {
  /** Trust a key verified at most this long ago while PostgreSQL is unreachable; 0: never. */
  trustDuringOutageMs?: number | undefined;
  now?: () => number;
}

export function createKeyVerifier(db: Queryable, options: KeyVerifierOptions = {}): KeyVerifier {
  const trustMs = options.trustDuringOutageMs ?? KEY_TRUST_DURING_OUTAGE_MS;
  const now = options.now ?? Date.now;
  const verified = new Map<string, { key: ApiKey; at: number }>();
  return async (keyHash, verifyOptions) => {
    let key: ApiKey | undefined;
    try {
      key = await findActiveApiKey(db, keyHash);
    } catch (error) {
      const remembered = verified.get(keyHash);
      const trusted = verifyOptions?.duringOutage === 'trust-remembered' && remembered && now() - remembered.at < trustMs;
      if (trusted && unavailableStore(error) === 'postgres') {
        return remembered.key;
      }
      throw error;
    }
    // Re-inserting keeps the Map in verification order, oldest first.
    verified.delete(keyHash);
    if (key && trustMs > 0) {
      verified.set(keyHash, { key, at: now() });
      if (verified.size > MAX_REMEMBERED) verified.delete(verified.keys().next().value!);
    }
    return key;
  };
}

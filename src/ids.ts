// Opaque, URL-safe, prefixed ids ("sub_…", "evt_…", "dlv_…", "tnt_…"): the prefix says
// what an id names when it turns up in a log or the Temporal Web UI.
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_TENANT_ID } from './schemas/tenant.js';

export type IdPrefix = 'sub' | 'evt' | 'dlv' | 'key' | 'tnt' | 'aud';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

/**
 * The event id an `Idempotency-Key` stands for: the same key always names the
 * same event, within one tenant. Two tenants may well pick the same key, so
 * the tenant is part of the hash; the default tenant's ids are derived as they
 * were before tenants existed, so a producer's retry across the upgrade is
 * still recognised.
 */
export function eventIdForIdempotencyKey(key: string, tenantId: string = DEFAULT_TENANT_ID): string {
  const hash = createHash('sha256');
  if (tenantId !== DEFAULT_TENANT_ID) hash.update(`tenant:${tenantId}\n`);
  return `evt_${hash.update(key).digest('base64url').slice(0, 32)}`;
}

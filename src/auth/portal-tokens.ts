// Portal tokens: short-lived, signed bearer tokens for one tenant (the
// customer portal, a customer's own API calls). They are JWTs (HS256, via
// `jose`) verified with no database read: the signature, the expiry and the
// audience say whether one is good. Revocation is by tenant, through a date
// before which a tenant's tokens no longer count (src/services/tenant-directory.ts).
import { hkdfSync, randomUUID } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { apiKeyScopeSchema, type ApiKeyScope } from '../schemas/api-key.js';
import { z } from 'zod';
import type { Keyring } from '../crypto/keyring.js';

const ISSUER = 'hookflow';
const AUDIENCE = 'hookflow-api';
const ALGORITHM = 'HS256';

/** A 256-bit signing key of its own, derived from the encryption key every API process already shares. */
export function portalTokenKey(encryptionKey: string | Buffer): Uint8Array {
  const bytes = typeof encryptionKey === 'string' ? Buffer.from(encryptionKey, 'base64') : encryptionKey;
  return new Uint8Array(hkdfSync('sha256', bytes, 'hookflow', 'portal token signing key', 32));
}

/**
 * One token key per encryption key in the ring, the primary's first: tokens
 * are signed with the first and verified with any, so rotating the
 * encryption key logs nobody out (until the old key leaves the ring).
 */
export function portalTokenKeys(keyring: Keyring): Uint8Array[] {
  return keyring.keys.map((key) => portalTokenKey(key.bytes));
}

/** What a verified token grants. */
export interface PortalTokenGrant {
  tenantId: string;
  scopes: ApiKeyScope[];
  /** A per-token id, for logs and audit: never the token itself. */
  tokenId: string;
  /** When it was issued, to the millisecond (revocation compares against it). */
  issuedAt: Date;
  expiresAt: Date;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  jti: z.string().min(1),
  scopes: z.array(apiKeyScopeSchema).min(1),
  // Milliseconds: `iat` has whole seconds, too coarse to tell a token issued
  // just before a revocation from one issued just after it.
  iat_ms: z.number().int(),
  exp: z.number().int(),
});

export async function issuePortalToken(
  key: Uint8Array,
  grant: { tenantId: string; scopes: ApiKeyScope[]; expiresInSeconds: number },
  now: Date = new Date(),
): Promise<{ token: string; grant: PortalTokenGrant }> {
  const tokenId = `ptk_${randomUUID().replaceAll('-', '')}`;
  const issuedAtSeconds = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAtSeconds + grant.expiresInSeconds) * 1000);
  const token = await new SignJWT({ scopes: grant.scopes, iat_ms: now.getTime() })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(grant.tenantId)
    .setJti(tokenId)
    .setIssuedAt(issuedAtSeconds)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, grant: { tenantId: grant.tenantId, scopes: grant.scopes, tokenId, issuedAt: now, expiresAt } };
}

/** Whether a bearer credential looks like a portal token (a JWT) rather than an API key. */
export function looksLikePortalToken(credential: string): boolean {
  return credential.split('.').length === 3;
}

type Verdict = { grant: PortalTokenGrant } | { refused: 'expired' | 'invalid' };

/**
 * The grant, or why the token is refused (bad signature, expired, not ours):
 * never which part of it was wrong in detail. With several keys (a keyring
 * being rotated), the token counts if any of them verifies it.
 */
export async function verifyPortalToken(key: Uint8Array | readonly Uint8Array[], token: string, now: Date = new Date()): Promise<Verdict> {
  let verdict: Verdict = { refused: 'invalid' };
  for (const candidate of key instanceof Uint8Array ? [key] : key) {
    verdict = await verifyWithKey(candidate, token, now);
    // `expired` comes after a good signature: another key would not change it.
    if (!('refused' in verdict) || verdict.refused === 'expired') return verdict;
  }
  return verdict;
}

async function verifyWithKey(key: Uint8Array, token: string, now: Date): Promise<Verdict> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: now,
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
    });
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return { refused: 'invalid' };
    const { sub, jti, scopes, iat_ms, exp } = claims.data;
    return { grant: { tenantId: sub, scopes, tokenId: jti, issuedAt: new Date(iat_ms), expiresAt: new Date(exp * 1000) } };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { refused: 'expired' };
    if (error instanceof errors.JOSEError) return { refused: 'invalid' };
    throw error;
  }
}

import { describe, expect, it } from 'vitest';
import { issuePortalToken, looksLikePortalToken, portalTokenKey, portalTokenKeys, verifyPortalToken } from '../../src/auth/portal-tokens.js';
import { parseKeyring } from '../../src/crypto/keyring.js';
import { generateEncryptionKey } from '../../src/crypto/secret-box.js';

const key = portalTokenKey(generateEncryptionKey());
const issuedAt = new Date('2026-12-02T10:00:00.123Z');
const grant: Parameters<typeof issuePortalToken>[1] = { tenantId: 'tnt_acme', scopes: ['admin', 'read'], expiresInSeconds: 3600 };

async function token() {
  return (await issuePortalToken(key, grant, issuedAt)).token;
}

describe('portal tokens', () => {
  it('carry the tenant, the scopes and the issue time to the millisecond', async () => {
    const verdict = await verifyPortalToken(key, await token(), new Date(issuedAt.getTime() + 60_000));
    expect(verdict).toEqual({
      grant: {
        tenantId: 'tnt_acme',
        scopes: ['admin', 'read'],
        tokenId: expect.stringMatching(/^ptk_[0-9a-f]{32}$/),
        issuedAt,
        expiresAt: new Date('2026-12-02T11:00:00.000Z'),
      },
    });
  });

  it('expire', async () => {
    expect(await verifyPortalToken(key, await token(), new Date('2026-12-02T11:00:01Z'))).toEqual({ refused: 'expired' });
  });

  it('do not verify under another key (another deployment, a rotated encryption key)', async () => {
    expect(await verifyPortalToken(portalTokenKey(generateEncryptionKey()), await token(), issuedAt)).toEqual({ refused: 'invalid' });
  });

  it('refuse any change to the claims, and unsigned tokens', async () => {
    const [header, payload, signature] = (await token()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const variants = [
      [header, encode({ ...claims, sub: 'tnt_other' }), signature],
      [header, encode({ ...claims, scopes: ['admin', 'publish', 'read'] }), signature],
      [header, encode({ ...claims, exp: claims.exp + 3600 }), signature],
      [encode({ alg: 'none', typ: 'JWT' }), payload, ''],
      [header, payload, signature.slice(0, -2)],
    ];
    for (const parts of variants) {
      expect(await verifyPortalToken(key, parts.join('.'), issuedAt)).toEqual({ refused: 'invalid' });
    }
  });

  it('are told apart from API keys by their shape', async () => {
    expect(looksLikePortalToken(await token())).toBe(true);
    expect(looksLikePortalToken('hfk_abcdefghijklmnopqrstuvwxyz')).toBe(false);
  });

  it('derive a signing key of their own from the encryption key, the same in every process', () => {
    const encryptionKey = generateEncryptionKey();
    expect(portalTokenKey(encryptionKey)).toEqual(portalTokenKey(encryptionKey));
    expect(Buffer.from(portalTokenKey(encryptionKey))).not.toEqual(Buffer.from(encryptionKey, 'base64'));
    expect(portalTokenKey(encryptionKey)).toHaveLength(32);
  });

  it('survive an encryption key rotation: signed with the primary, verified with any key of the ring', async () => {
    const [k1, k2, k3] = [generateEncryptionKey(), generateEncryptionKey(), generateEncryptionKey()];
    const before = portalTokenKeys(parseKeyring(`k1:${k1}`));
    const during = portalTokenKeys(parseKeyring(`k2:${k2},k1:${k1}`));
    const after = portalTokenKeys(parseKeyring(`k2:${k2}`));
    expect(during[1]).toEqual(before[0]);
    expect(before[0]).toEqual(portalTokenKey(k1));
    const oldToken = (await issuePortalToken(before[0]!, grant, issuedAt)).token;
    const newToken = (await issuePortalToken(during[0]!, grant, issuedAt)).token;
    const at = new Date(issuedAt.getTime() + 1000);
    expect(await verifyPortalToken(during, oldToken, at)).toMatchObject({ grant: { tenantId: 'tnt_acme' } });
    expect(await verifyPortalToken(during, newToken, at)).toMatchObject({ grant: { tenantId: 'tnt_acme' } });
    expect(await verifyPortalToken(after, newToken, at)).toMatchObject({ grant: { tenantId: 'tnt_acme' } });
    // Once its key leaves the ring, a token signed with it is refused.
    expect(await verifyPortalToken(after, oldToken, at)).toEqual({ refused: 'invalid' });
    expect(await verifyPortalToken(portalTokenKeys(parseKeyring(`k3:${k3}`)), newToken, at)).toEqual({ refused: 'invalid' });
    // Expired under the key that signed it stays expired, whichever key is tried first.
    expect(await verifyPortalToken(during, oldToken, new Date('2026-12-02T11:00:01Z'))).toEqual({ refused: 'expired' });
    expect(await verifyPortalToken([], newToken, at)).toEqual({ refused: 'invalid' });
  });
});

// A receiver's check of Standard Webhooks v1a (ed25519) signatures, written
// with TweetNaCl: an ed25519 implementation independent of node:crypto, which
// hookflow signs with. Only the `whpk_` public key is needed.
import nacl from 'tweetnacl';

const PUBLIC_KEY_PREFIX = 'whpk_';

/** Whether any `v1a,` entry of webhook-signature verifies `${id}.${timestamp}.${body}` with the public key. */
export function v1aVerifies(publicKey: string, request: { headers: Record<string, unknown>; body: string }): boolean {
  if (!publicKey.startsWith(PUBLIC_KEY_PREFIX)) throw new Error('not a whpk_ public key');
  const key = Buffer.from(publicKey.slice(PUBLIC_KEY_PREFIX.length), 'base64');
  const { headers } = request;
  const signed = Buffer.from(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${request.body}`, 'utf8');
  return signatureHeader(headers)
    .split(' ')
    .filter((entry) => entry.startsWith('v1a,'))
    .some((entry) => nacl.sign.detached.verify(signed, Buffer.from(entry.slice('v1a,'.length), 'base64'), key));
}

/** The scheme of each entry of a webhook-signature header, in order ("v1", "v1a"). */
export function signatureVersions(headers: Record<string, unknown>): string[] {
  return signatureHeader(headers)
    .split(' ')
    .map((entry) => entry.split(',')[0]!);
}

/** The webhook-signature header; Node gives a single header as a string, and a missing one (or any other shape) verifies nothing. */
function signatureHeader(headers: Record<string, unknown>): string {
  const value = headers['webhook-signature'];
  return typeof value === 'string' ? value : '';
}

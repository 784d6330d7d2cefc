// What an attempt's row keeps of the request headers it sent, for operators
// to see what a receiver got. hookflow's own headers are kept as sent: the
// signature set (webhook-id, webhook-timestamp, webhook-signature) proves
// nothing to someone without the secret and cannot be replayed past its
// timestamp. A subscription's custom headers may carry the receiver's own
// credentials (an Authorization, an X-Api-Key): those are stored as REDACTED,
// by their name or by the shape of their value. Pure; tested exhaustively in
// test/unit/recorded-headers.test.ts.
import { REDACTED } from '../audit/redact.js';

export { REDACTED };

/** A custom header whose name says it carries a credential. */
const CREDENTIAL_NAME = /token|secret|key|auth|pass|cookie|session|credential|signature|jwt|bearer|private/i;

/**
 * A value that is a credential whatever its header is called: an HTTP
 * authentication scheme followed by its credentials, hookflow's own secret
 * and key shapes, a JWT.
 */
const CREDENTIAL_VALUE =
  /^\s*(bearer|basic|digest|token|apikey|api-key|hoba|mutual|negotiate|ntlm|aws4-hmac-sha256)\s+\S|^\s*(whsec_|whsk_|hfk_)|^\s*eyJ[\w-]*\.[\w-]*\./i;

export function isCredentialHeader(name: string, value: string): boolean {
  return CREDENTIAL_NAME.test(name) || CREDENTIAL_VALUE.test(value);
}

/**
 * The headers of one attempt as they are recorded: names in lower case (HTTP
 * header names are case-insensitive, and receivers see them so), and every
 * custom header of the subscription that looks like a credential redacted.
 */
export function recordedRequestHeaders(
  sent: Readonly<Record<string, string>>,
  customHeaders: Readonly<Record<string, string>>,
): Record<string, string> {
  const custom = new Set(Object.keys(customHeaders).map((name) => name.toLowerCase()));
  const recorded: Record<string, string> = {};
  for (const [name, value] of Object.entries(sent)) {
    const lower = name.toLowerCase();
    recorded[lower] = custom.has(lower) && isCredentialHeader(lower, value) ? REDACTED : value;
  }
  return recorded;
}

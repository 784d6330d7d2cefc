// Standard Webhooks signing (https://www.standardwebhooks.com), pure apart from
// randomness for new secrets. The signed content is `${id}.${timestamp}.${body}`
// and the key is the base64 part of the `whsec_` secret.
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

export interface SignedContent {
  webhookId: string;
  /** Seconds since the epoch. */
  timestamp: number;
  body: string;
}

/** One `v1,<base64>` signature; several secrets give several, space-separated. */
export function sign(secrets: readonly string[], content: SignedContent): string {
  const signedContent = `${content.webhookId}.${content.timestamp}.${content.body}`;
  return secrets
    .map((secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signedContent).digest('base64')}`)
    .join(' ');
}

export function webhookHeaders(secrets: readonly string[], content: SignedContent): Record<string, string> {
  return {
    'webhook-id': content.webhookId,
    'webhook-timestamp': String(content.timestamp),
    'webhook-signature': sign(secrets, content),
  };
}

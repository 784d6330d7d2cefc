// A receiver's check of Standard Webhooks v1 (HMAC) signatures, with the
// `standardwebhooks` package a receiver would use: independent of the code
// hookflow signs with.
import { Webhook } from 'standardwebhooks';

/** Whether the request's signature (any v1 entry) verifies with the `whsec_` secret, within the timestamp tolerance. */
export function v1Verifies(secret: string, request: { body: string; headers: Record<string, unknown> }): boolean {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

// Inbound requests per API key, per API process: a caller over its rate gets
// 429 with Retry-After instead of starving everyone else. Portal tokens share
// one bucket per tenant: issuing more tokens buys no more requests.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { Problem } from '../problem.js';
import { TokenBuckets, type BucketOptions } from '../token-bucket.js';

export function rateLimitPerKey(options: BucketOptions, now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  const buckets = new TokenBuckets(options);
  return async (c, next) => {
    const caller = c.get('caller');
    const bucket = caller.kind === 'portal-token' ? `portal-tokens:${caller.tenantId}` : caller.keyId;
    const result = buckets.take(bucket, now());
    if (!result.allowed) {
      const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      throw new Problem(429, 'rate-limited', 'Too many requests', `this ${caller.kind === 'portal-token' ? "tenant's portal tokens" : 'API key'} may make ${options.ratePerSecond} requests per second`, undefined, {
        'retry-after': String(seconds),
      });
    }
    await next();
  };
}

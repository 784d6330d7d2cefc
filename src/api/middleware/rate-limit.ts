// Inbound requests per API key, across every API process (the buckets live in
// PostgreSQL: src/limits/shared-rate-limit.ts): a caller over its rate gets
// 429 with Retry-After instead of starving everyone else. Portal tokens share
// one bucket per tenant: issuing more tokens buys no more requests.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { Problem } from '../problem.js';
import type { RateLimiter } from '../../limits/leased-limiter.js';

export function rateLimitPerKey(limiter: RateLimiter, ratePerSecond: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    const bucket = caller.kind === 'portal-token' ? `portal-tokens:${caller.tenantId}` : `api-key:${caller.keyId}`;
    const result = await limiter.take(bucket);
    if (!result.allowed) {
      const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      throw new Problem(
        429,
        'rate-limited',
        'Too many requests',
        `this ${caller.kind === 'portal-token' ? "tenant's portal tokens" : 'API key'} may make ${ratePerSecond} requests per second`,
        undefined,
        {
          'retry-after': String(seconds),
        },
      );
    }
    await next();
  };
}

// Issue #16, limits: the per-key API rate limit holds across API processes
// (two apps, each with its own in-memory state, over one PostgreSQL), and the
// outage trust window bounds how long a revoked key may publish while
// PostgreSQL is unreachable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { leaseTokens } from '../../src/db/rate-limit-buckets.js';
import { sharedQuota } from '../../src/limits/shared-quota.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { freePort } from '../../src/dev/ports.js';
import { partEnv, startTestStack, uniqueName, type TestStack } from '../support/stack.js';
import { spawnHookflowPart } from '../support/hookflow-process.js';
import { proxiedPool } from '../support/proxied-pool.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
});

afterAll(async () => {
  await stack?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the API rate limit across API processes', () => {
  it('lets two API processes together through about the limit, not twice it', async () => {
    const rateLimit = { ratePerSecond: 5, capacity: 10 };
    const apps = [createApp({ ...stack.apiDeps, rateLimit }), createApp({ ...stack.apiDeps, rateLimit })];
    const { body: key } = await stack.api('POST', '/v1/keys', { name: uniqueName('shared'), scopes: ['read'] });
    const headers = { authorization: `Bearer ${key.key}` };
    const passed = [0, 0];
    let refused: Response | undefined;
    const started = Date.now();
    for (let i = 0; Date.now() - started < 2_000; i++) {
      const response = await apps[i % 2]!.request('/v1/subscriptions', { headers });
      if (response.status === 200) passed[i % 2]! += 1;
      else if (response.status === 429) refused = response;
      else throw new Error(`unexpected ${response.status}`);
      await sleep(10);
    }
    const seconds = (Date.now() - started) / 1000;
    const total = passed[0]! + passed[1]!;
    // The bound: capacity + rate × (T + the 1 s lease TTL). A bucket per process would allow twice capacity + rate × T.
    expect(total).toBeLessThanOrEqual(rateLimit.capacity + rateLimit.ratePerSecond * (seconds + 1));
    expect(total).toBeGreaterThanOrEqual(rateLimit.capacity + rateLimit.ratePerSecond * 2 - 2);
    // Both processes served some of it: the limit is shared, not held by one.
    expect(Math.min(...passed)).toBeGreaterThan(0);
    expect(refused!.headers.get('retry-after')).toBe('1');
    const { rows } = await stack.pool.query('SELECT bucket FROM rate_limit_buckets WHERE bucket = $1', [`api-key:${key.id}`]);
    expect(rows).toHaveLength(1);
  }, 20_000);

  it('holds across two real API processes (src/main.ts api) over one PostgreSQL', async () => {
    const ports = [await freePort(), await freePort()];
    const parts = await Promise.all(
      ports.map(async (port) =>
        spawnHookflowPart(
          'api',
          await partEnv(stack, stack.taskQueue, { PORT: String(port), HOST: '127.0.0.1', HOOKFLOW_API_RATE_LIMIT_PER_SECOND: '5' }),
          {
            readyTimeoutMs: 90_000,
          },
        ),
      ),
    );
    try {
      await Promise.all(parts.map((part) => part.ready));
      const { body: key } = await stack.api('POST', '/v1/keys', { name: uniqueName('two-processes'), scopes: ['read'] });
      const passed = [0, 0];
      const started = Date.now();
      for (let i = 0; Date.now() - started < 2_000; i++) {
        const response = await fetch(`http://127.0.0.1:${ports[i % 2]}/v1/subscriptions`, { headers: { authorization: `Bearer ${key.key}` } });
        await response.arrayBuffer();
        if (response.status === 200) passed[i % 2]! += 1;
        else expect(response.status).toBe(429);
        await sleep(10);
      }
      const seconds = (Date.now() - started) / 1000;
      // Rate 5/s, burst 10: at most 10 + 5 × (T + 1 s) together; a bucket each would let through twice 10 + 5 × T.
      const total = passed[0]! + passed[1]!;
      expect(total).toBeLessThanOrEqual(10 + 5 * (seconds + 1));
      expect(total).toBeGreaterThanOrEqual(10 + 5 * 2 - 2);
      expect(Math.min(...passed)).toBeGreaterThan(0);
    } finally {
      for (const part of parts) part.child.kill('SIGTERM');
      await Promise.all(parts.map((part) => part.closed));
    }
  }, 150_000);

  it('never grants more than the bucket holds to concurrent leases', async () => {
    const bucket = uniqueName('concurrent');
    const options = { ratePerSecond: 0.001, capacity: 10 };
    const leases = await Promise.all(Array.from({ length: 30 }, () => leaseTokens(stack.pool, bucket, options, 1)));
    expect(leases.reduce((sum, lease) => sum + lease.granted, 0)).toBe(10);
    const more = await leaseTokens(stack.pool, bucket, options, 5);
    expect(more.granted).toBe(0);
    expect(more.tokensLeft).toBeLessThan(1);
  });

  it('falls back to a bucket per process while PostgreSQL is unreachable', async () => {
    // Nothing listens on this port; the environment's admin key needs no database to check.
    const deadPool: Pool = createPool(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`);
    try {
      const adminKey = 'test-admin-key-from-the-environment-0123456789';
      const app = createApp({ ...stack.apiDeps, pool: deadPool, adminKey, rateLimit: { ratePerSecond: 2, capacity: 4 } });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await app.request('/v1/subscriptions', { headers: { authorization: `Bearer ${adminKey}` } })).status);
      // The route itself needs the database (503); the limiter did not, and still limits.
      expect(statuses).toEqual([503, 503, 503, 503, 429]);
    } finally {
      await deadPool.end();
    }
  });
});

describe('a quota across API processes', () => {
  it('lets two API processes together use the quota of a window exactly once, and again in the next window', async () => {
    const hour = 3_600_000;
    const clock = { now: Date.UTC(2026, 0, 1, 10, 0, 0) };
    const options = { limit: 25, windowMs: hour };
    const processes = [sharedQuota(stack.pool, options, {}, () => clock.now), sharedQuota(stack.pool, options, {}, () => clock.now)];
    const counter = uniqueName('tenant-events');
    const take = async (attempts: number) => {
      const passed = [0, 0];
      let lastRefusal: { allowed: false; retryAfterMs: number } | undefined;
      for (let i = 0; i < attempts; i++) {
        const result = await processes[i % 2]!.take(counter);
        if (result.allowed) passed[i % 2]! += 1;
        else lastRefusal = result;
      }
      return { passed, lastRefusal };
    };
    const first = await take(60);
    expect(first.passed[0]! + first.passed[1]!).toBe(25);
    expect(Math.min(...first.passed)).toBeGreaterThan(0);
    // Refused until the window ends, at 11:00.
    expect(first.lastRefusal?.retryAfterMs).toBe(hour);
    const { rows } = await stack.pool.query('SELECT used FROM limit_windows WHERE counter = $1', [counter]);
    expect(rows).toEqual([{ used: '25' }]);

    clock.now += hour;
    const second = await take(60);
    expect(second.passed[0]! + second.passed[1]!).toBe(25);
  });

  it("reads each counter's own limit (a tenant's plan)", async () => {
    const limits: Record<string, number> = { small: 2, large: 7 };
    const prefix = uniqueName('plan');
    const quota = sharedQuota(stack.pool, { limit: (counter) => limits[counter.slice(prefix.length + 1)]!, windowMs: 3_600_000 });
    for (const [name, limit] of Object.entries(limits)) {
      const results = [];
      for (let i = 0; i < 10; i++) results.push((await quota.take(`${prefix}:${name}`)).allowed);
      expect(results.filter(Boolean)).toHaveLength(limit);
    }
  });
});

describe('the outage trust window', () => {
  it('refuses a revoked key at once with a window of 0, and lets it publish only until a short window ends', async () => {
    const { pool, proxy, close } = await proxiedPool(stack.pool);
    const windowMs = 4_000;
    const trusting = createApp({ ...stack.apiDeps, pool, keyTrustDuringOutageMs: windowMs });
    const distrusting = createApp({ ...stack.apiDeps, pool, keyTrustDuringOutageMs: 0 });
    const { body: trusted } = await stack.api('POST', '/v1/keys', { name: uniqueName('trusted'), scopes: ['publish'] });
    const { body: untrusted } = await stack.api('POST', '/v1/keys', { name: uniqueName('untrusted'), scopes: ['publish'] });
    const publish = (app: typeof trusting, key: string) =>
      app.request('/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'limits.outage', payload: {} }),
      });
    try {
      const verifying = Date.now();
      expect((await publish(trusting, trusted.key)).status).toBe(202);
      const verified = Date.now();
      expect((await publish(distrusting, untrusted.key)).status).toBe(202);
      // Revoked through another API process, then the database goes away.
      expect((await stack.api('DELETE', `/v1/keys/${trusted.id}`)).status).toBe(204);
      expect((await stack.api('DELETE', `/v1/keys/${untrusted.id}`)).status).toBe(204);
      await proxy.cut();

      const refused = await publish(distrusting, untrusted.key);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');

      expect((await publish(trusting, trusted.key)).status).toBe(202);
      expect(Date.now() - verifying).toBeLessThan(windowMs); // still inside the window, so the 202 above is what the window allows
      await sleep(verified + windowMs - Date.now() + 50);
      expect((await publish(trusting, trusted.key)).status).toBe(503);

      // Back: the revocation holds everywhere.
      await proxy.restore();
      expect((await publish(trusting, trusted.key)).status).toBe(401);
      expect((await publish(distrusting, untrusted.key)).status).toBe(401);
    } finally {
      await close();
    }
  }, 30_000);
});

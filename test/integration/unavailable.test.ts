// When PostgreSQL cannot be reached, the API answers 503 problem+json with
// Retry-After, quickly, and without leaking the driver's error.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { freePort } from '../../src/dev/ports.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let deadPool: Pool;

beforeAll(async () => {
  stack = await startTestStack({ retryScheduleSeconds: [0.1] });
  // Nothing listens on this port: every query fails to connect.
  deadPool = createPool(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`);
});

afterAll(async () => {
  await deadPool?.end();
  await stack?.close();
});

describe('PostgreSQL unreachable', () => {
  it('answers 503 with Retry-After instead of a 500', async () => {
    // The environment's admin key: checking a key stored in Postgres would itself need Postgres.
    const adminKey = 'test-admin-key-from-the-environment-0123456789';
    const app = createApp({ ...stack.apiDeps, pool: deadPool, adminKey });
    const response = await app.request('/v1/subscriptions', { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as { type: string; detail: string };
    expect(body.type).toBe('https://hookflow.dev/problems/unavailable');
    expect(body.detail).toBe('PostgreSQL is unreachable; try again shortly');

    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', checks: { postgres: 'unavailable', temporal: 'ok' } });
  });

  it('answers an unexpected failure with a bare 500, never a stack trace or SQL', async () => {
    // A database without hookflow's tables: every query fails inside Postgres.
    const url = new URL(inject('databaseUrl'));
    const emptyPool = createPool(url.toString().replace(/\/[^/]*$/, '/postgres'));
    try {
      const adminKey = 'test-admin-key-from-the-environment-0123456789';
      const app = createApp({ ...stack.apiDeps, pool: emptyPool, adminKey });
      const response = await app.request('/v1/subscriptions', { headers: { authorization: `Bearer ${adminKey}` } });
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        type: 'https://hookflow.dev/problems/internal',
        title: 'Internal server error',
        status: 500,
        detail: 'the error has been logged',
      });
      expect(text).not.toMatch(/relation|SELECT|subscriptions|at \w+ \(/);
    } finally {
      await emptyPool.end();
    }
  });
});

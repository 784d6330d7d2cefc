// When PostgreSQL cannot be reached, the API answers 503 problem+json with
// Retry-After, quickly, and without leaking the driver's error.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import { START_TIMEOUT_MS } from '../../src/services/events.js';
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

describe('Temporal unreachable', () => {
  it('answers a publish with 503 and Retry-After within the start timeout, and records nothing', async () => {
    // A client whose server is gone: nothing listens on this port.
    const deadConnection = await Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    try {
      const adminKey = 'test-admin-key-from-the-environment-0123456789';
      const app = createApp({ ...stack.apiDeps, temporal: new Client({ connection: deadConnection }), adminKey });
      const started = Date.now();
      const response = await app.request('/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'never.accepted', payload: {}, id: 'evt_never_accepted' }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(((await response.json()) as { detail: string }).detail).toBe('Temporal is unreachable; try again shortly');
      expect(Date.now() - started).toBeLessThan(START_TIMEOUT_MS + 2_000);
      const { rows } = await stack.pool.query("SELECT count(*)::int AS n FROM events WHERE id = 'evt_never_accepted'");
      expect(rows[0].n).toBe(0);
    } finally {
      await deadConnection.close();
    }
  }, 30_000);
});

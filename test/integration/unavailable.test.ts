// When PostgreSQL cannot be reached, the API answers 503 problem+json with
// Retry-After, quickly, and without leaking the driver's error; publishing
// alone keeps working, since Temporal holds the events.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import { START_TIMEOUT_MS } from '../../src/services/events.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { freePort } from '../../src/dev/ports.js';
import { startTestStack, uniqueName, type TestStack } from '../support/stack.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

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

describe('only PostgreSQL unreachable', () => {
  it('keeps accepting events from a key verified before the outage, and answers repeats from Temporal', async () => {
    const { body: producer } = await stack.api('POST', '/v1/keys', { name: 'producer', scopes: ['publish'] });
    const { body: stranger } = await stack.api('POST', '/v1/keys', { name: 'never used', scopes: ['publish'] });
    // The API's pool reaches the real PostgreSQL through a proxy the test can cut.
    const url = new URL(inject('databaseUrl'));
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    const { rows } = await stack.pool.query<{ db: string }>('SELECT current_database() AS db');
    url.port = String(proxy.port);
    url.pathname = `/${rows[0]!.db}`;
    const proxiedPool = createPool(url.toString());
    const app = createApp({ ...stack.apiDeps, pool: proxiedPool });
    const publish = (key: string, idempotencyKey: string, type = 'outage.survived') =>
      app.request('/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify({ type, payload: { n: 1 } }),
      });
    try {
      const listSubscriptions = () => app.request('/v1/subscriptions', { headers: { authorization: `Bearer ${stack.adminKey}` } });
      expect((await publish(producer.key, uniqueName('before'))).status).toBe(202);
      expect((await listSubscriptions()).status).toBe(200);
      await proxy.cut();

      const duringKey = uniqueName('during');
      const during = await publish(producer.key, duringKey);
      expect(during.status).toBe(202);
      const accepted = (await during.json()) as { id: string; createdAt: string };
      const repeat = await publish(producer.key, duringKey);
      expect(repeat.status).toBe(202);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(await repeat.json()).toMatchObject({ id: accepted.id, createdAt: accepted.createdAt });

      // What the API cannot check without the database is refused as unavailable, not as unauthorised.
      const unverified = await publish(stranger.key, uniqueName('stranger'));
      expect(unverified.status).toBe(503);
      expect(unverified.headers.get('retry-after')).toBe('5');
      // A trusted key still cannot read what only the database holds.
      expect((await listSubscriptions()).status).toBe(503);

      // The event accepted during the outage is real: the worker (on its own pool) records it.
      // (Before that, GET would answer from Temporal with state "accepted".)
      await expect.poll(async () => (await stack.api('GET', `/v1/events/${accepted.id}`)).body.state, { timeout: 10_000 }).toBe('recorded');

      await proxy.restore();
      expect((await publish(producer.key, uniqueName('after'))).status).toBe(202);
    } finally {
      await proxiedPool.end();
      await proxy.close();
    }
  }, 30_000);
});

describe('Temporal unreachable', () => {
  it('answers a publish with 503 and Retry-After within the start timeout, and records nothing', async () => {
    // A client whose server is gone: nothing listens on this port.
    const deadConnection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
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
      // The abandoned start is still in the SDK's gRPC retry loop, asleep on a
      // timer; its next try, past the deadline, ends it (DEADLINE_EXCEEDED).
      // Closing the channel before that try makes it throw from the timer, an
      // uncaught error (seen in CI). The longest sleep is 5 s plus 20 % jitter.
      await new Promise((resolve) => setTimeout(resolve, SDK_RETRY_LONGEST_SLEEP_MS));
      await deadConnection.close();
    }
  }, 30_000);
});

/** @temporalio/client's gRPC retry interceptor: at most 5 s between tries, jitter ±20 %. */
const SDK_RETRY_LONGEST_SLEEP_MS = 6_500;

// The outage trust window: while PostgreSQL is unreachable a key this process
// verified less than `trustDuringOutageMs` ago may still publish; after that,
// or with a window of 0, it is refused at once. The database is a stand-in that
// answers (or refuses a connection) on demand; the clock is the test's.
import { describe, expect, it } from 'vitest';
import { createKeyVerifier } from '../../src/auth/key-verifier.js';
import type { Queryable } from '../../src/db/pool.js';

const ROW = { id: 'key_1', name: 'producer', prefix: 'hfk_abc', scopes: ['publish'], tenant_id: null, created_at: new Date(0), revoked_at: null };
const connectionRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

function fakeDatabase() {
  const db = { state: 'active' as 'active' | 'revoked' | 'down' | 'broken' };
  const queryable = {
    query: async () => {
      if (db.state === 'down') throw connectionRefused;
      if (db.state === 'broken') throw Object.assign(new Error('relation "api_keys" does not exist'), { code: '42P01' });
      return { rows: db.state === 'active' ? [ROW] : [] };
    },
  } as unknown as Queryable;
  return { db, queryable };
}

function setup(trustDuringOutageMs?: number) {
  const { db, queryable } = fakeDatabase();
  const clock = { now: 1_000_000 };
  const verify = createKeyVerifier(queryable, { trustDuringOutageMs, now: () => clock.now });
  const publish = () => verify('hash', { duringOutage: 'trust-remembered' });
  return { db, clock, verify, publish };
}

describe('key verifier', () => {
  it('asks the database every time it answers: a revoked key is refused at once', async () => {
    const { db, publish } = setup(60_000);
    expect((await publish())?.id).toBe('key_1');
    db.state = 'revoked';
    expect(await publish()).toBeUndefined();
  });

  it('trusts a key verified before an outage for publishing until the window ends, measured from the last verification', async () => {
    const { db, clock, publish, verify } = setup(60_000);
    await publish();
    clock.now += 30_000;
    await publish(); // verified again: the window restarts here
    db.state = 'down';
    clock.now += 59_999;
    expect((await publish())?.id).toBe('key_1');
    // Anything but publishing needs the database.
    await expect(verify('hash', { duringOutage: 'fail' })).rejects.toBe(connectionRefused);
    await expect(verify('hash')).rejects.toBe(connectionRefused);
    clock.now += 1;
    await expect(publish()).rejects.toBe(connectionRefused);
  });

  it('with a window of 0 trusts nothing: publishing fails with the database', async () => {
    const { db, publish } = setup(0);
    await publish();
    db.state = 'down';
    await expect(publish()).rejects.toBe(connectionRefused);
  });

  it('defaults to a 10-minute window', async () => {
    const { db, clock, publish } = setup(undefined);
    await publish();
    db.state = 'down';
    clock.now += 10 * 60_000 - 1;
    expect((await publish())?.id).toBe('key_1');
    clock.now += 1;
    await expect(publish()).rejects.toBe(connectionRefused);
  });

  it('forgets a key the database stopped returning, so a revocation seen here is never trusted away', async () => {
    const { db, publish } = setup(60_000);
    await publish();
    db.state = 'revoked';
    expect(await publish()).toBeUndefined();
    db.state = 'down';
    await expect(publish()).rejects.toBe(connectionRefused);
  });

  it('never trusts a key it has not verified, nor through an error that is not an outage', async () => {
    const { db, publish } = setup(60_000);
    db.state = 'down';
    await expect(publish()).rejects.toBe(connectionRefused);
    db.state = 'active';
    await publish();
    db.state = 'broken';
    await expect(publish()).rejects.toThrow('does not exist');
  });
});

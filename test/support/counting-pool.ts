// A pool that counts the statements it sends to PostgreSQL, each one a round
// trip: every query of every client it hands out (pool.query runs on one of
// them too), so a test or a script can hold what a piece of work costs.
import type pg from 'pg';
import { createPool, type Pool } from '../../src/db/pool.js';

export interface CountingPool {
  pool: Pool;
  /** The statements sent since the last take(), oldest first (their text, whitespace collapsed), and starts afresh. */
  take(): string[];
}

export function countingPool(connectionString: string, max?: number): CountingPool {
  const pool = createPool(connectionString, max);
  let statements: string[] = [];
  pool.on('connect', (client: pg.PoolClient) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const first = args[0] as string | { text?: string };
      statements.push((typeof first === 'string' ? first : (first.text ?? '')).replace(/\s+/g, ' ').trim());
      return query(...args);
    }) as typeof client.query;
  });
  return {
    pool,
    take() {
      const taken = statements;
      statements = [];
      return taken;
    },
  };
}

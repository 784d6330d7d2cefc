// A pool on this stack's database that reaches PostgreSQL through a TCP proxy
// the test can cut: PostgreSQL goes away for this pool alone.
import { inject } from 'vitest';
import { createPool, type Pool } from '../../src/db/pool.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export async function proxiedPool(stackPool: Pool): Promise<{ pool: Pool; proxy: TcpProxy; close: () => Promise<void> }> {
  const url = new URL(inject('databaseUrl'));
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  const { rows } = await stackPool.query<{ db: string }>('SELECT current_database() AS db');
  url.port = String(proxy.port);
  url.pathname = `/${rows[0]!.db}`;
  const pool = createPool(url.toString());
  return {
    pool,
    proxy,
    async close() {
      await pool.end();
      await proxy.close();
    },
  };
}

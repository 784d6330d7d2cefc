// Applies src/db/migrations/*.sql in name order, each once, each in its own
// transaction. An advisory lock serialises concurrent migrators (several
// replicas starting at once).
import { readdir, readFile } from 'node:fs/promises';
import { inTransaction, withClient, type Pool } from './pool.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const LOCK_ID = 0x686f6f6b; // "hook"

/** `upTo`: stop after this migration's file (tests of a migration start from the schema before it). */
export async function migrate(pool: Pool, log: (line: string) => void = () => {}, options: { upTo?: string } = {}): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .filter((f) => options.upTo === undefined || f <= options.upTo);
  return withClient(pool, async (client) => {
    try {
      await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
      const pending = files.filter((f) => !done.has(f));
      log(`migrations: ${done.size} applied, ${pending.length} pending`);
      for (const [index, file] of pending.entries()) {
        log(`migration ${index + 1}/${pending.length}: ${file}`);
        const sql = await readFile(new URL(file, MIGRATIONS_DIR), 'utf8');
        await inTransaction(pool, async (tx) => {
          await tx.query(sql);
          await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        });
      }
      return pending;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    }
  });
}

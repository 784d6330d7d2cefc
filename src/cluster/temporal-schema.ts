// Sets up Temporal's two PostgreSQL databases with Temporal's own SQL tool,
// as Temporal documents for a self-hosted server: create the database, lay
// down the versioning tables once, then apply every versioned schema step not
// yet applied. Idempotent: each start of the cluster runs it, and an upgrade
// of the server (a newer schema directory) migrates in place.
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import type { Progress } from '../dev/progress.js';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalDatabases {
  temporal: string;
  visibility: string;
}

export async function setUpTemporalSchemas(options: {
  sqlTool: string;
  postgresSchemaDir: string;
  server: PostgresServer;
  databases: TemporalDatabases;
  progress: Progress;
}): Promise<void> {
  const { server, progress } = options;
  for (const [kind, database] of [
    ['temporal', options.databases.temporal],
    ['visibility', options.databases.visibility],
  ] as const) {
    const runTool = (args: string[]) => runSqlTool(options.sqlTool, server, database, args);
    if (!(await databaseExists(server, database))) {
      progress(`creating database ${database}`);
      await runTool(['create-database']);
    }
    // Visibility's indexes use btree_gin; creating an extension needs a superuser, which the tool may not be.
    if (kind === 'visibility') await query(server, database, 'CREATE EXTENSION IF NOT EXISTS btree_gin');
    if (!(await schemaVersioned(server, database))) {
      progress(`setting up schema versioning in ${database}`);
      await runTool(['setup-schema', '-v', '0.0']);
    }
    progress(`updating ${database} to the schema of this server`);
    await runTool(['update-schema', '-d', path.join(options.postgresSchemaDir, kind, 'versioned')]);
  }
}

async function databaseExists(server: PostgresServer, database: string): Promise<boolean> {
  const rows = await query(server, 'postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  return rows.length > 0;
}

async function schemaVersioned(server: PostgresServer, database: string): Promise<boolean> {
  const rows = await query(server, database, "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'");
  return rows.length > 0;
}

async function query(server: PostgresServer, database: string, sql: string, values: unknown[] = []): Promise<unknown[]> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

function runSqlTool(tool: string, server: PostgresServer, database: string, args: string[]): Promise<void> {
  // The password goes in the environment, not the arguments, which any local user can read in `ps`.
  const child = spawn(
    tool,
    ['--plugin', 'postgres12', '--ep', server.host, '-p', String(server.port), '-u', server.user, '--db', database, ...args],
    { env: { ...process.env, SQL_PASSWORD: server.password }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`temporal-sql-tool ${args[0]} on ${database} failed (exit ${code}):\n${output.slice(-2000)}`)),
    );
  });
}

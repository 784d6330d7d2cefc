import type { Client } from '@temporalio/client';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logger.js';

/** What the HTTP API needs; tests build it from a real Postgres and a real Temporal. */
export interface ApiDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

// The embedded mode's admin API key: made on the first `npm start`, kept in
// the data directory, and printed at every start so curl can use it.
import { generateApiKey, hashApiKey } from '../auth/api-keys.js';
import { findActiveApiKey } from '../db/api-keys.js';
import type { Queryable } from '../db/pool.js';
import { createApiKey } from '../services/api-keys.js';
import { readOrCreateSecretFile } from './dev-secrets.js';

export const DEV_ADMIN_KEY_FILE = 'admin-api-key';

export async function ensureDevAdminKey(db: Queryable, dataDir: string, createdBy = 'npm start (embedded mode)'): Promise<string> {
  const { value } = await readOrCreateSecretFile(dataDir, DEV_ADMIN_KEY_FILE, generateApiKey);
  // The file can outlive the database (or be revoked): make sure the key works.
  if (!(await findActiveApiKey(db, hashApiKey(value)))) {
    await createApiKey(db, { name: createdBy, scopes: ['admin'] }, value);
  }
  return value;
}

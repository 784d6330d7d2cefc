import { displayPrefix, generateApiKey, hashApiKey } from '../auth/api-keys.js';
import { insertApiKey } from '../db/api-keys.js';
import type { Queryable } from '../db/pool.js';
import { newId } from '../ids.js';
import type { ApiKeyWithSecret, CreateApiKey } from '../schemas/api-key.js';

/** Creates a key; the answer is the only time the key itself is shown. */
export async function createApiKey(db: Queryable, input: CreateApiKey, key = generateApiKey()): Promise<ApiKeyWithSecret> {
  const stored = await insertApiKey(db, { id: newId('key'), prefix: displayPrefix(key), keyHash: hashApiKey(key), ...input });
  return { ...stored, key };
}

// The reseal workflow's activities (workflows/reseal-workflow.ts).
import { ApplicationFailure } from '@temporalio/activity';
import type { SecretBox } from '../src/crypto/secret-box.js';
import { countSealedRows } from '../src/db/sealed-secrets.js';
import type { Pool } from '../src/db/pool.js';
import { resealPage } from '../src/services/reseal.js';
import type { ResealBatch } from '../workflows/reseal-progress.js';

export function createResealActivities(deps: { pool: Pool; secretBox: SecretBox }) {
  return {
    async countSealedRows(): Promise<number> {
      return countSealedRows(deps.pool);
    },

    async resealBatch(page: { primaryKeyId: string; afterId: string | null; limit: number }): Promise<ResealBatch> {
      if (deps.secretBox.primaryKeyId !== page.primaryKeyId) {
        // Retryable: another worker (or this one, restarted with the new keyring) takes it.
        throw ApplicationFailure.retryable(
          `this worker seals under encryption key "${deps.secretBox.primaryKeyId}", the reseal wants "${page.primaryKeyId}": restart it with the new keyring`,
          'KeyringMismatch',
        );
      }
      return resealPage(deps, page);
    },
  };
}

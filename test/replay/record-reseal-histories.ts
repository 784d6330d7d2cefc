// `node --import tsx test/replay/record-reseal-histories.ts`: records the
// reseal workflow (`hookflow keys reseal`) into
// test/fixtures/histories/reseal/: a run that carried its progress over from
// a continue-as-new, and a reseal done in one run. The replay test then fails
// on a change to the workflow that would break a reseal already running.
// Re-record only on purpose.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runReseal } from '../../src/cli/reseal-command.js';
import { parseKeyring } from '../../src/crypto/keyring.js';
import { createSecretBox, generateEncryptionKey } from '../../src/crypto/secret-box.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { createLogger } from '../../src/logger.js';
import { startHookflowWorker } from '../../src/runtime/worker.js';
import { createSubscription } from '../../src/services/secrets.js';
import { RESEAL_WORKFLOW_ID } from '../../workflows/reseal-workflow.js';
import { startHookflowParts, startScratchStack } from '../support/hookflow-parts.js';
import { FIXTURES, ROOT, writeHistory } from './write-history.js';

async function main(): Promise<void> {
  const scratch = await startScratchStack('hookflow-record-reseal');
  const { infrastructure, pool, temporal } = scratch;
  const folder = path.join(FIXTURES, 'reseal');
  await mkdir(folder, { recursive: true });
  const taskQueue = 'record-reseal-histories';
  const parts = await startHookflowParts({
    pool,
    temporal,
    temporalAddress: infrastructure.temporalAddress,
    taskQueue,
    logger: createLogger('warn'),
    retryScheduleSeconds: [0.2],
  });
  try {
    // Three subscriptions sealed under the single key of before.
    for (let i = 0; i < 3; i++) {
      await createSubscription(parts.apiDeps, { url: `http://127.0.0.1:9/s${i}`, eventTypes: ['order.created'], tenantId: 'default' });
    }
    // The worker restarted with a ring whose primary is new.
    const ring = createSecretBox(parseKeyring(`k2:${generateEncryptionKey()},${parts.encryptionKey}`));
    const worker = await startHookflowWorker({ ...parts.workerOptions, activities: { ...parts.workerOptions.activities, secretBox: ring } });
    await parts.worker.shutdown();
    try {
      const report = (line: string) => progress(line);
      // Pages of one row, two a run: the last run starts from carried-over progress.
      await runReseal(temporal, { taskQueue, input: { primaryKeyId: 'k2', batchSize: 1, batchesPerRun: 2 }, onProgress: report });
      await writeHistory(infrastructure.temporalAddress, folder, 'continued', RESEAL_WORKFLOW_ID);
      // Again, all in one run: everything is skipped.
      await runReseal(temporal, { taskQueue, input: { primaryKeyId: 'k2', batchSize: 50, batchesPerRun: 50 }, onProgress: report });
      await writeHistory(infrastructure.temporalAddress, folder, 'single-run', RESEAL_WORKFLOW_ID);
    } finally {
      await worker.shutdown();
    }
    progress(`histories written to ${path.relative(ROOT, folder)}`);
  } finally {
    await parts.apiDeps.webhookHttp.close();
    await scratch.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`recording failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

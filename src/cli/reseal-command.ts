// `hookflow keys reseal`: starts the reseal workflow (or attaches to the one
// running), prints its progress as it changes, then the outcome as JSON.
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import { requireKeyring } from '../crypto/keyring-source.js';
import { connectTemporalClient, DEFAULT_TEMPORAL_ADDRESS } from '../temporal/client.js';
import { resolveTemporalTarget } from '../temporal/connection-options.js';
import { describeProgress, type ResealProgress } from '../../workflows/reseal-progress.js';
import {
  DEFAULT_BATCHES_PER_RUN,
  DEFAULT_RESEAL_BATCH_SIZE,
  RESEAL_WORKFLOW_ID,
  resealProgressQuery,
  type ResealInput,
} from '../../workflows/reseal-workflow.js';
import type { ParsedCommand } from './command-line.js';
import { UsageError } from './usage-error.js';

const POLL_MS = 1_000;

export async function resealCommand(config: Config, args: ParsedCommand): Promise<void> {
  const batchSize = batchSizeOf(args.string('batch-size'));
  const keyring = await requireKeyring(config);
  const target = resolveTemporalTarget({
    address: config.temporalAddress ?? DEFAULT_TEMPORAL_ADDRESS,
    tls: config.temporalTls,
    apiKey: config.temporalApiKey,
  });
  const { client, connection } = await connectTemporalClient(target, config.temporalNamespace);
  try {
    const outcome = await runReseal(client, {
      taskQueue: config.taskQueue,
      input: { primaryKeyId: keyring.primary.id, batchSize, batchesPerRun: DEFAULT_BATCHES_PER_RUN },
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    if (outcome.unopenable > 0) process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

function batchSizeOf(given: string | undefined): number {
  if (given === undefined) return DEFAULT_RESEAL_BATCH_SIZE;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError('--batch-size must be an integer from 1 to 1000', 'keys reseal');
  return n;
}

/**
 * Starts the workflow, or attaches to the running one (same id: a second
 * `keys reseal` while one runs watches it rather than starting another), and
 * reports each new progress line until it ends. Exported for tests.
 */
export async function runReseal(
  client: Client,
  options: { taskQueue: string; input: ResealInput; onProgress: (line: string) => void; pollMs?: number },
): Promise<ResealProgress> {
  await client.workflow.start('resealWorkflow', {
    workflowId: RESEAL_WORKFLOW_ID,
    taskQueue: options.taskQueue,
    args: [options.input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // A finished reseal may run again: after the next rotation, or to check.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  // Without a run id the handle follows continue-as-new to the latest run.
  const handle = client.workflow.getHandle(RESEAL_WORKFLOW_ID);
  let last = '';
  const report = async () => {
    const line = describeProgress(await handle.query(resealProgressQuery));
    if (line !== last) options.onProgress((last = line));
  };
  const result = handle.result() as Promise<ResealProgress>;
  let settled = false;
  void result.finally(() => (settled = true)).catch(() => {});
  while (!settled) {
    await report().catch(() => {}); // a query between runs (continue-as-new) can miss: the next poll answers
    await Promise.race([result.catch(() => {}), new Promise((resolve) => setTimeout(resolve, options.pollMs ?? POLL_MS))]);
  }
  const outcome = await result;
  const line = describeProgress(outcome);
  if (line !== last) options.onProgress(line);
  return outcome;
}

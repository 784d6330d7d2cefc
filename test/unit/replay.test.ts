// Replay determinism: histories recorded from real runs (npm run
// record-histories) must replay against today's workflow code, or a change
// would break executions already running in production.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../src/runtime/worker.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));

// One folder per recording: each delivery-workflow mode of today's code, and
// the histories recorded by older code, kept because executions started by it
// may still be running.
describe('recorded workflow histories', () => {
  const files = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('cover every recorded situation, in each mode and from older code', () => {
    const situations = ['success', 'retries', 'dead-then-redelivered', 'breaker-wait'];
    expect(files).toEqual(
      expect.arrayContaining([
        ...situations.flatMap((s) => [`before-first-attempts/${s}.event.json`, `before-first-attempts/${s}.delivery.json`]),
        ...situations.flatMap((s) => [`always/${s}.event.json`, `always/${s}.delivery.json`]),
        'always/redelivered-after-success.delivery.json',
        'always/permanent-failure-then-redelivered.delivery.json',
        ...situations.map((s) => `on-failure/${s}.event.json`),
        // The on-failure mode before the recording's local activity made the first attempts itself.
        ...situations.map((s) => `on-failure-separate-first-attempts/${s}.event.json`),
        'on-failure-separate-first-attempts/retries.delivery.json',
        'on-failure/retries.delivery.json',
        'on-failure/dead-then-redelivered.delivery.json',
        'on-failure/breaker-wait.delivery.json',
        'on-failure/redelivered-after-success.delivery.json',
        'on-failure/permanent-failure-then-redelivered.event.json',
        'on-failure/permanent-failure-then-redelivered.delivery.json',
        // Ordered delivery (test/replay/record-fifo-histories.ts): event workflows handing over, and streams.
        ...['block-then-redelivered', 'block-then-skipped', 'skip'].flatMap((s) => [`fifo/${s}.event.json`, `fifo/${s}.ordered.json`]),
        // The reseal of `hookflow keys reseal` (test/replay/record-reseal-histories.ts): a continued run, and one alone.
        'reseal/continued.json',
        'reseal/single-run.json',
        // Continue-as-new (npm run record-histories -- continue-as-new), every run: a fan-out wider than
        // one run, and a dead letter redelivered after its workflow continued as new (twice).
        'continue-as-new/fanout.event.run1.json',
        'continue-as-new/fanout.event.run2.json',
        // The fan-out before a later run listed its batch and made its first attempts in one local activity.
        'continue-as-new-separate-batch-attempts/fanout.event.run1.json',
        'continue-as-new-separate-batch-attempts/fanout.event.run2.json',
        'continue-as-new/redelivered-after-continue-as-new.event.json',
        ...[1, 2, 3].map((run) => `continue-as-new/redelivered-after-continue-as-new.delivery.run${run}.json`),
        // The dead-letter recovery of POST /v1/subscriptions/:id/recover, in batches over two runs.
        'continue-as-new/recovery.run1.json',
        'continue-as-new/recovery.run2.json',
      ]),
    );
  });

  it('replay against the current workflow code without a determinism error', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')),
    }));
    const results: Array<{ workflowId: string; error: string | undefined }> = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH, replayName: 'hookflow-replay' }, histories)) {
      results.push({ workflowId: result.workflowId, error: result.error?.message });
    }
    expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: undefined })));
  }, 60_000);
});

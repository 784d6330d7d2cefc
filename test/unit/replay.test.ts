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

describe('recorded workflow histories', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();

  it('cover every recorded situation', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'success.event.json',
        'success.delivery.json',
        'retries.delivery.json',
        'dead-then-redelivered.delivery.json',
        'breaker-wait.delivery.json',
      ]),
    );
  });

  it('replay against the current workflow code without a determinism error', async () => {
    const histories = files.map((file) => ({
      workflowId: path.basename(file, '.json'),
      history: JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')),
    }));
    const results: Array<{ workflowId: string; error: string | undefined }> = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH, replayName: 'hookflow-replay' }, histories)) {
      results.push({ workflowId: result.workflowId, error: result.error?.message });
    }
    expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: undefined })));
  }, 60_000);
});

// Reads back what a scenario cost Temporal: waits until its workflows have
// closed and visibility has caught up, then fetches every history and counts
// it (history-cost.ts). Visibility is eventually consistent, so counts are
// polled until they hold still.
import type { Client } from '@temporalio/client';
import { printProgress as progress } from '../../src/dev/progress.js';
import { addCosts, emptyCost, historyCost, type HistoryCost } from './history-cost.js';
import { runConcurrently, sleep } from './publish.js';

export interface ClosedCheck {
  /** Executions still running when the wait gave up (none when all closed). */
  stillRunning: number;
  stillRunningIds: string[];
  waitedMs: number;
}

/** Waits until no execution matching `query` is running, or reports the ones that still are after `timeoutMs`. */
export async function waitAllClosed(temporal: Client, query: string, timeoutMs: number): Promise<ClosedCheck> {
  const running = `${query} AND ExecutionStatus = 'Running'`;
  const started = Date.now();
  let quietSince = 0;
  for (;;) {
    const { count } = await temporal.workflow.count(running);
    if (count === 0) {
      // Twice in a row, half a second apart: a start may not be visible yet.
      if (quietSince > 0 && Date.now() - quietSince >= 500) return { stillRunning: 0, stillRunningIds: [], waitedMs: Date.now() - started };
      if (quietSince === 0) quietSince = Date.now();
    } else {
      quietSince = 0;
    }
    if (Date.now() - started > timeoutMs) {
      const ids: string[] = [];
      for await (const wf of temporal.workflow.list({ query: running, pageSize: 20 })) {
        ids.push(wf.workflowId);
        if (ids.length >= 20) break;
      }
      return { stillRunning: count, stillRunningIds: ids, waitedMs: Date.now() - started };
    }
    await sleep(250);
  }
}

/** Every execution (every run) matching `query`, once the listed count has stopped changing and reached `atLeast`. */
export async function listStable(
  temporal: Client,
  query: string,
  atLeast: number,
  timeoutMs = 60_000,
): Promise<Array<{ workflowId: string; runId: string }>> {
  const deadline = Date.now() + timeoutMs;
  let previous = -1;
  for (;;) {
    const executions: Array<{ workflowId: string; runId: string }> = [];
    for await (const wf of temporal.workflow.list({ query, pageSize: 1000 })) executions.push({ workflowId: wf.workflowId, runId: wf.runId });
    if (executions.length === previous && executions.length >= atLeast) return executions;
    if (Date.now() > deadline) {
      progress(`  visibility still changing after ${timeoutMs} ms (${previous} then ${executions.length} executions); counting what is listed`);
      return executions;
    }
    previous = executions.length;
    await sleep(1000);
  }
}

/** Fetches every history, `concurrency` at a time, and adds up what they cost. */
export async function readCost(
  temporal: Client,
  executions: ReadonlyArray<{ workflowId: string; runId: string }>,
  concurrency = 16,
): Promise<HistoryCost> {
  let total = emptyCost();
  let read = 0;
  let lastTick = Date.now();
  await runConcurrently(executions.length, concurrency, async (i) => {
    const { workflowId, runId } = executions[i]!;
    const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    total = addCosts(total, historyCost(history));
    read += 1;
    if (Date.now() - lastTick > 5_000) {
      progress(`  histories read ${read}/${executions.length}`);
      lastTick = Date.now();
    }
  });
  return total;
}

// Temporal histories as text, for tests that scan them for what must never be
// there (signing secrets, private keys).
import type { TestStack } from './stack.js';

/** Every workflow history on the stack's task queue, payloads decoded, one JSON text each. */
export async function historiesAsText(stack: Pick<TestStack, 'temporal' | 'taskQueue'>): Promise<string[]> {
  const histories: string[] = [];
  for await (const wf of stack.temporal.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) {
    const history = await stack.temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    histories.push(JSON.stringify(history, historyAsText));
  }
  return histories;
}

/**
 * A JSON.stringify replacer for a fetched history. Payloads (inputs, results,
 * local-activity markers, summaries) come as base64: read them as text, or a
 * leak inside one would go unseen.
 */
export function historyAsText(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  const payload = value as { metadata?: unknown; data?: unknown } | null;
  if (payload?.metadata !== undefined && typeof payload.data === 'string') {
    return { metadata: payload.metadata, text: Buffer.from(payload.data, 'base64').toString('utf8') };
  }
  return value;
}

// `node --import tsx test/replay/record-fifo-histories.ts`: records the
// histories of ordered (fifo) delivery into test/fixtures/histories/fifo/:
// an event workflow that handed a fifo delivery to its stream, and streams
// that retried, blocked on a dead letter and were redelivered, or skipped.
// The replay test then fails on a change to either workflow that would break
// streams already running. Re-record only on purpose.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createApp } from '../../src/api/app.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { createLogger } from '../../src/logger.js';
import { eventWorkflowId, orderedStreamWorkflowId } from '../../workflows/definitions.js';
import { startHookflowParts, startScratchStack } from '../support/hookflow-parts.js';
import { startReceiver } from '../support/receiver.js';
import { FIXTURES, ROOT, writeHistory } from './write-history.js';

async function main(): Promise<void> {
  const scratch = await startScratchStack('hookflow-record-fifo');
  const { infrastructure, pool, temporal } = scratch;
  const folder = path.join(FIXTURES, 'fifo');
  await mkdir(folder, { recursive: true });
  const { apiDeps, worker, adminKey } = await startHookflowParts({
    pool,
    temporal,
    temporalAddress: infrastructure.temporalAddress,
    taskQueue: 'record-fifo-histories',
    logger: createLogger('warn'),
    retryScheduleSeconds: [0.2, 0.2],
    fifoHoldBackMs: 300,
  });
  const app = createApp(apiDeps);
  const api = async (method: string, route: string, body?: unknown) => {
    const response = await app.request(route, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return await response.json();
  };
  const statuses = async (subscriptionId: string) =>
    (await api('GET', `/v1/deliveries?subscriptionId=${subscriptionId}`)).data as Array<{ id: string; status: string }>;
  const until = async (what: string, done: (list: Array<{ id: string; status: string }>) => boolean, subscriptionId: string) => {
    for (let i = 0; i < 600; i++) {
      const list = await statuses(subscriptionId);
      if (done(list)) return list;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  /** Position 1 fails until fixed; 3 events; the dead letter is then resolved by `resolve`. */
  const scenario = async (name: string, onDeadLetter: 'block' | 'skip', resolve: 'redeliver' | 'skip' | undefined) => {
    progress(`scenario ${name}`);
    let broken = true;
    const receiver = await startReceiver((n, request) => {
      const position = (JSON.parse(request.body) as { data: { position: number } }).data.position;
      if (position === 0 && n === 1) return { status: 503 }; // one retry on the way
      return broken && position === 1 ? { status: 500 } : { status: 200 };
    });
    try {
      const type = `record.fifo.${name.replace(/[^a-z]/g, '')}`;
      const subscription = await api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], ordering: 'fifo', onDeadLetter });
      const events = [];
      for (let position = 0; position < 3; position++) events.push(await api('POST', '/v1/events', { type, payload: { position } }));
      const list = await until('a dead letter', (l) => l.some((d) => d.status === 'dead'), subscription.id);
      if (resolve !== undefined) {
        broken = false;
        await api('POST', `/v1/deliveries/${list.find((d) => d.status === 'dead')!.id}/${resolve}`);
      }
      await until(
        'the stream to settle',
        (l) => l.filter((d) => d.status === 'succeeded').length === (resolve === 'redeliver' ? 3 : 2),
        subscription.id,
      );
      await new Promise((r) => setTimeout(r, 1_000)); // the stream back to idle, waiting for a wake
      await writeHistory(infrastructure.temporalAddress, folder, `${name}.ordered`, orderedStreamWorkflowId(subscription.id));
      await writeHistory(infrastructure.temporalAddress, folder, `${name}.event`, eventWorkflowId(events[1].id));
    } finally {
      await receiver.close();
    }
  };
  try {
    await scenario('block-then-redelivered', 'block', 'redeliver');
    await scenario('block-then-skipped', 'block', 'skip');
    await scenario('skip', 'skip', undefined);
    await worker.shutdown();
    progress(`histories written to ${path.relative(ROOT, folder)}`);
  } finally {
    await scratch.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`recording failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

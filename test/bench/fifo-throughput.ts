// `node --import tsx test/bench/fifo-throughput.ts [--events N] [--streams K,…]`:
// how fast fifo streams deliver, on a scratch Temporal dev server and
// PostgreSQL with one worker and loopback receivers that answer 200 at once.
// For each stream count K: K fifo subscriptions, each with a backlog of N
// events published while the subscription was paused (so publishing does not
// limit the rate), then resumed; measured from the resume to the last
// delivery settled. A stream sends one delivery at a time, so its rate is one
// over (attempt + bookkeeping + a workflow task).
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createApp } from '../../src/api/app.js';
import { printProgress as progress } from '../../src/dev/progress.js';
import { createLogger } from '../../src/logger.js';
import { checkFifoOrder } from '../support/fifo-order.js';
import { startHookflowParts, startScratchStack } from '../support/hookflow-parts.js';
import { startReceiver } from '../support/receiver.js';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '300' },
    streams: { type: 'string', default: '1,4' },
  },
});
const EVENTS = Number(flags.events);
const STREAM_COUNTS = flags.streams.split(',').map(Number);

async function main(): Promise<void> {
  const scratch = await startScratchStack('hookflow-fifo-bench');
  const { pool, temporal, infrastructure } = scratch;
  const parts = await startHookflowParts({
    pool,
    temporal,
    temporalAddress: infrastructure.temporalAddress,
    taskQueue: 'fifo-bench',
    logger: createLogger('warn'),
    retryScheduleSeconds: [1],
    fifoHoldBackMs: 0,
  });
  const app = createApp(parts.apiDeps);
  const api = async (method: string, route: string, body?: unknown) => {
    const response = await app.request(route, {
      method,
      headers: { authorization: `Bearer ${parts.adminKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return await response.json();
  };
  const results = [];
  try {
    for (const streams of STREAM_COUNTS) {
      const type = `bench.fifo.k${streams}`;
      const receivers = await Promise.all(Array.from({ length: streams }, () => startReceiver()));
      const subscriptions: string[] = [];
      for (const receiver of receivers) {
        const subscription = await api('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [type], ordering: 'fifo' });
        await api('PATCH', `/v1/subscriptions/${subscription.id}`, { status: 'paused' });
        subscriptions.push(subscription.id);
      }
      progress(`${streams} stream(s): publishing ${EVENTS} events to paused subscriptions`);
      for (let position = 0; position < EVENTS; position++) await api('POST', '/v1/events', { type, payload: { position } });
      const pendingCount = async () =>
        Number(
          (await pool.query(`SELECT count(*) FROM deliveries WHERE subscription_id = ANY($1) AND status = 'pending'`, [subscriptions])).rows[0].count,
        );
      while ((await pendingCount()) < EVENTS * streams) await sleep(200);

      const started = Date.now();
      await Promise.all(subscriptions.map((id) => api('PATCH', `/v1/subscriptions/${id}`, { status: 'active' })));
      while ((await pendingCount()) > 0) await sleep(50);
      const seconds = (Date.now() - started) / 1000;
      const outOfOrder = receivers.reduce(
        (sum, r) => sum + checkFifoOrder(r.requests.map((q) => JSON.parse(q.body).data.position as number)).outOfOrder.length,
        0,
      );
      const row = {
        streams,
        deliveries: EVENTS * streams,
        seconds: Math.round(seconds * 10) / 10,
        perStream: Math.round((EVENTS / seconds) * 10) / 10,
        total: Math.round(((EVENTS * streams) / seconds) * 10) / 10,
        outOfOrder,
      };
      progress(`${JSON.stringify(row)}`);
      results.push(row);
      await Promise.all(receivers.map((r) => r.close()));
    }
  } finally {
    await parts.worker.shutdown();
    await scratch.stop();
  }
  process.stdout.write(
    `${JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavg: os.loadavg(), events: EVENTS, results }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`fifo bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

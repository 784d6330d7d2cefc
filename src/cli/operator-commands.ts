// The CLI's commands that talk to a running hookflow over its HTTP API, with
// the typed client: publish, redeliver, and listing deliveries.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createHookflowClient } from '../client/http-client.js';
import type { Config } from '../config.js';
import { DEV_ADMIN_KEY_FILE } from '../dev/dev-admin-key.js';

export class UsageError extends Error {}

/** HOOKFLOW_API_KEY, else the key `npm start` keeps in the data directory. */
async function apiKey(config: Config): Promise<string> {
  if (config.apiKey) return config.apiKey;
  try {
    return (await readFile(path.join(config.dataDir, DEV_ADMIN_KEY_FILE), 'utf8')).trim();
  } catch {
    throw new UsageError(`set HOOKFLOW_API_KEY (no ${path.join(config.dataDir, DEV_ADMIN_KEY_FILE)} to fall back on)`);
  }
}

async function client(config: Config) {
  return createHookflowClient({ baseUrl: config.apiUrl, apiKey: await apiKey(config) });
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** `publish <type> [payload-json] [--id ID] [--idempotency-key KEY]` */
export async function publishCommand(config: Config, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { id: { type: 'string' }, 'idempotency-key': { type: 'string' } },
  });
  const [type, payloadText] = positionals;
  if (!type) throw new UsageError('usage: publish <type> [payload-json] [--id ID] [--idempotency-key KEY]');
  let payload: unknown = {};
  if (payloadText !== undefined) {
    try {
      payload = JSON.parse(payloadText);
    } catch {
      throw new UsageError('the payload must be JSON, e.g. \'{"orderId": 1}\'');
    }
  }
  const hookflow = await client(config);
  const idempotencyKey = values['idempotency-key'];
  print(
    await hookflow.publish(
      { type, payload: payload as never, ...(values.id ? { id: values.id } : {}) },
      idempotencyKey ? { idempotencyKey } : {},
    ),
  );
}

/** `redeliver <deliveryId>` */
export async function redeliverCommand(config: Config, args: string[]): Promise<void> {
  const [deliveryId] = args;
  if (!deliveryId) throw new UsageError('usage: redeliver <deliveryId>');
  await (await client(config)).redeliver(deliveryId);
  process.stderr.write(`redelivery of ${deliveryId} requested\n`);
}

/** `deliveries list [--dead] [--subscription ID] [--event ID] [--limit N] [--cursor C]` */
export async function deliveriesCommand(config: Config, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dead: { type: 'boolean', default: false },
      subscription: { type: 'string' },
      event: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
    },
  });
  if (positionals[0] !== 'list') throw new UsageError('usage: deliveries list [--dead] [--subscription ID] [--event ID] [--limit N]');
  print(
    await (await client(config)).listDeliveries({
      ...(values.dead ? { status: 'dead' as const } : {}),
      ...(values.subscription ? { subscriptionId: values.subscription } : {}),
      ...(values.event ? { eventId: values.event } : {}),
      ...(values.limit ? { limit: Number(values.limit) } : {}),
      ...(values.cursor ? { cursor: values.cursor } : {}),
    }),
  );
}

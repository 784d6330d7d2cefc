// The CLI's commands that talk to a running hookflow over its HTTP API, with
// the typed client: publish, redeliver, and listing deliveries.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHookflowClient } from '../client/http-client.js';
import type { Config } from '../config.js';
import { DEV_ADMIN_KEY_FILE } from '../dev/dev-admin-key.js';
import type { ParsedCommand } from './command-line.js';
import { UsageError } from './usage-error.js';

/** HOOKFLOW_API_KEY, else the key `npm start` keeps in the data directory. */
async function apiKey(config: Config, command: string): Promise<string> {
  if (config.apiKey) return config.apiKey;
  try {
    return (await readFile(path.join(config.dataDir, DEV_ADMIN_KEY_FILE), 'utf8')).trim();
  } catch {
    throw new UsageError(`set HOOKFLOW_API_KEY (no ${path.join(config.dataDir, DEV_ADMIN_KEY_FILE)} to fall back on)`, command);
  }
}

async function client(config: Config, args: ParsedCommand) {
  return createHookflowClient({ baseUrl: config.apiUrl, apiKey: await apiKey(config, args.command) });
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

// Arguments arrive checked against the commands' definitions in program.ts.

/** `publish <type> [payload-json] [--id ID] [--idempotency-key KEY] [--tenant ID]` */
export async function publishCommand(config: Config, args: ParsedCommand): Promise<void> {
  const [type, payloadText] = args.positionals as [string, string | undefined];
  let payload: unknown = {};
  if (payloadText !== undefined) {
    try {
      payload = JSON.parse(payloadText);
    } catch {
      throw new UsageError('the payload must be JSON, e.g. \'{"orderId": 1}\'', 'publish');
    }
  }
  const hookflow = await client(config, args);
  const id = args.string('id');
  const idempotencyKey = args.string('idempotency-key');
  const tenantId = args.string('tenant');
  const event = { type, payload: payload as never, ...(id ? { id } : {}), ...(tenantId ? { tenantId } : {}) };
  print(await hookflow.publish(event, idempotencyKey ? { idempotencyKey } : {}));
}

/** `redeliver <deliveryId>` */
export async function redeliverCommand(config: Config, args: ParsedCommand): Promise<void> {
  const [deliveryId] = args.positionals as [string];
  await (await client(config, args)).redeliver(deliveryId);
  process.stderr.write(`redelivery of ${deliveryId} requested\n`);
}

/** `skip <deliveryId>` */
export async function skipCommand(config: Config, args: ParsedCommand): Promise<void> {
  const [deliveryId] = args.positionals as [string];
  await (await client(config, args)).skip(deliveryId);
  process.stderr.write(`skip of ${deliveryId} requested
`);
}

/** `deliveries list [--dead] [--subscription ID] [--event ID] [--limit N] [--cursor C]` */
export async function deliveriesCommand(config: Config, args: ParsedCommand): Promise<void> {
  const subscriptionId = args.string('subscription');
  const eventId = args.string('event');
  const limit = args.string('limit');
  const cursor = args.string('cursor');
  print(
    await (
      await client(config, args)
    ).listDeliveries({
      ...(args.flag('dead') ? { status: 'dead' as const } : {}),
      ...(subscriptionId ? { subscriptionId } : {}),
      ...(eventId ? { eventId } : {}),
      ...(limit ? { limit: Number(limit) } : {}),
      ...(cursor ? { cursor } : {}),
    }),
  );
}

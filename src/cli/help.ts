// Everything the `hookflow` command says about itself: one description per
// command, from which the general usage, each command's --help and the
// argument parser (src/cli/command-line.ts) all read, so they cannot drift.
// Pure: no I/O, no process.env.
import { apiKeyScopeSchema } from '../schemas/api-key.js';
import { DEFAULT_TEMPORAL_ADDRESS } from '../temporal/client.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in the usage line, e.g. `ID` in `--id ID`. */
  value?: string;
  multiple?: boolean;
  required?: boolean;
  help: string;
}

/** A positional argument: `literal` ones are sub-commands that must be typed as written (`keys create`). */
export interface PositionalSpec {
  name: string;
  literal?: boolean;
  optional?: boolean;
  help?: string;
}

export interface CommandSpec {
  name: string;
  aliases?: readonly string[];
  /** One line for the general usage. */
  summary: string;
  /** What the command does, for its own --help. */
  description: string;
  positionals: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  environment: readonly EnvironmentVariable[];
  examples: readonly string[];
  /** Commands that talk to a running hookflow over HTTP are listed apart. */
  talksToApi?: boolean;
}

/** Every variable src/config.ts reads, with what it means to a command line user. */
export const ENVIRONMENT = {
  PORT: 'API port (default 3000)',
  HOST: 'interface the API binds (default 127.0.0.1 for start, 0.0.0.0 for api)',
  DATABASE_URL: 'PostgreSQL to use (start: instead of the embedded one)',
  TEMPORAL_ADDRESS: `Temporal to use (start: instead of the embedded dev server; api and worker: default ${DEFAULT_TEMPORAL_ADDRESS})`,
  TEMPORAL_NAMESPACE: 'Temporal namespace (default "default")',
  TEMPORAL_TLS: 'true: connect to Temporal over TLS (on by default when a TEMPORAL_TLS_* setting or TEMPORAL_API_KEY is set)',
  TEMPORAL_TLS_CERT: 'client certificate for mTLS to Temporal: PEM text or a file path (with TEMPORAL_TLS_KEY)',
  TEMPORAL_TLS_KEY: "the client certificate's private key: PEM text or a file path",
  TEMPORAL_TLS_CA: "CA that signed the Temporal server's certificate: PEM text or a file path (default: the system's CAs)",
  TEMPORAL_TLS_SERVER_NAME: "name to expect in the Temporal server's certificate (default: the host of TEMPORAL_ADDRESS)",
  TEMPORAL_API_KEY: 'API key for Temporal (Temporal Cloud); turns TLS on',
  HOOKFLOW_TASK_QUEUE: 'task queue of the workflows and activities (default "hookflow")',
  HOOKFLOW_DATA_DIR: 'where the embedded services and generated keys live (default .data)',
  TEMPORAL_CLI: 'Temporal CLI for the embedded dev server (default: temporal on PATH, else .tools/bin/temporal)',
  TEMPORAL_PORT: 'embedded Temporal dev server gRPC port (default 7233)',
  TEMPORAL_UI_PORT: 'embedded Temporal Web UI port (default 8233)',
  HOOKFLOW_POSTGRES_PORT: 'embedded PostgreSQL port (default 54329)',
  HOOKFLOW_ENCRYPTION_KEY: 'seals signing secrets: 32 random bytes, base64 (start generates one into the data directory)',
  HOOKFLOW_ENCRYPTION_KEYS: 'a keyring instead, for rotation: id:<base64>,id:<base64>, the first seals (see README, Rotating the encryption key)',
  HOOKFLOW_ENCRYPTION_KEYS_FILE: 'the keyring in a file, one id:<base64> a line',
  HOOKFLOW_ADMIN_KEY: 'an admin API key accepted as given (at least 32 characters)',
  HOOKFLOW_RETRY_SCHEDULE: 'default retry waits in seconds, comma-separated (default: the Standard Webhooks schedule)',
  HOOKFLOW_DELIVERY_TIMEOUT_MS: 'default timeout of one delivery attempt (default 15000)',
  HOOKFLOW_FIFO_HOLD_BACK_MS: 'a fifo subscription gets an event only once it was accepted this long ago, so an earlier one still being recorded is not overtaken (default 15000)',
  HOOKFLOW_DELIVERY_WORKFLOWS: 'on-failure (default: first attempts inside the event workflow, a delivery workflow only to retry) or always (a delivery workflow per subscriber)',
  HOOKFLOW_SECRET_ROTATION_OVERLAP_SECONDS: 'how long a rotated-out secret keeps signing (default 86400)',
  HOOKFLOW_AUDIT_RETENTION_DAYS: 'how many days the audit trail keeps its events (default 365)',
  HOOKFLOW_API_RATE_LIMIT_PER_SECOND: 'requests per second per API key across all API processes, burst twice that (default 100)',
  HOOKFLOW_KEY_TRUST_DURING_OUTAGE_SECONDS: 'while PostgreSQL is down, a key verified this recently may still publish; 0: never (default 600)',
  HOOKFLOW_ALLOWED_CIDRS: 'delivery targets allowed despite the SSRF guard, comma-separated CIDRs (start adds loopback)',
  HOOKFLOW_HTTPS_ONLY: 'true: refuse http:// subscription URLs (default false)',
  HOOKFLOW_REQUIRE_EVENT_TYPES: 'true: refuse events whose type is not in the event catalog (default false: only types with a schema are checked)',
  HOOKFLOW_BREAKER_FAILURE_THRESHOLD: "consecutive failed attempts that open a subscription's circuit (default 5)",
  HOOKFLOW_BREAKER_COOLDOWN_SECONDS: 'first circuit cool-down (default 30)',
  HOOKFLOW_BREAKER_MAX_COOLDOWN_SECONDS: 'longest circuit cool-down (default 600)',
  HOOKFLOW_AUTO_DISABLE_AFTER_SECONDS: 'failing without a success this long disables a subscription (default 432000)',
  HOOKFLOW_WORKER_METRICS_PORT: 'port of the worker\'s Prometheus /metrics (default 9465)',
  HOOKFLOW_RETENTION_DAYS: 'days events, deliveries and attempts are kept unless their tenant sets retentionDays (default 30)',
  HOOKFLOW_RETENTION_INTERVAL_SECONDS: 'how often the retention Schedule deletes expired rows (default 3600)',
  HOOKFLOW_RETENTION_BATCH_SIZE: 'rows the retention workflow deletes per activity (default 1000)',
  HOOKFLOW_URL: 'where the API answers (default http://localhost:$PORT)',
  HOOKFLOW_PUBLIC_URL: 'where browsers reach hookflow when a proxy stands in front (its origin may post the console\'s and portal\'s forms; https makes their cookies Secure)',
  HOOKFLOW_TEMPORAL_UI_URL: 'the Temporal Web UI the console links deliveries to (default: the embedded one under start; none otherwise)',
  HOOKFLOW_UI_SESSION_IDLE_MINUTES: 'a console or portal session ends after this long without a request (default 30; 12 h at most in any case)',
  HOOKFLOW_PORTAL_NAME: 'the customer portal\'s name in its header and title (default Webhooks)',
  HOOKFLOW_PORTAL_LOGO_URL: 'an https image shown beside the portal\'s name',
  HOOKFLOW_PORTAL_ACCENT_COLOR: 'the portal\'s accent colour, #rrggbb (default #0b57d0)',
  HOOKFLOW_PORTAL_FRAME_ANCESTORS: 'https origins allowed to embed the portal in a frame, comma-separated (default: none)',
  HOOKFLOW_API_KEY: 'API key to use (default: the key start keeps in $HOOKFLOW_DATA_DIR/admin-api-key)',
  LOG_LEVEL: 'fatal, error, warn, info (default), debug, trace or silent',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'OTLP/HTTP collector to send traces to, e.g. http://localhost:4318 (default: no tracing)',
  OTEL_SERVICE_NAME: "the traces' service name (default hookflow, hookflow-api or hookflow-worker after the command)",
} as const satisfies Record<string, string>;

export type EnvironmentVariable = keyof typeof ENVIRONMENT;

const CONNECTIONS: EnvironmentVariable[] = [
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
  'HOOKFLOW_TASK_QUEUE',
  'HOOKFLOW_ENCRYPTION_KEY',
  'HOOKFLOW_ENCRYPTION_KEYS',
  'HOOKFLOW_ENCRYPTION_KEYS_FILE',
];
const API_SETTINGS: EnvironmentVariable[] = [
  'PORT',
  'HOST',
  'HOOKFLOW_ADMIN_KEY',
  'HOOKFLOW_PUBLIC_URL',
  'HOOKFLOW_TEMPORAL_UI_URL',
  'HOOKFLOW_UI_SESSION_IDLE_MINUTES',
  'HOOKFLOW_PORTAL_NAME',
  'HOOKFLOW_PORTAL_LOGO_URL',
  'HOOKFLOW_PORTAL_ACCENT_COLOR',
  'HOOKFLOW_PORTAL_FRAME_ANCESTORS',
  'HOOKFLOW_API_RATE_LIMIT_PER_SECOND',
  'HOOKFLOW_KEY_TRUST_DURING_OUTAGE_SECONDS',
  'HOOKFLOW_SECRET_ROTATION_OVERLAP_SECONDS',
];
const DELIVERY_SETTINGS: EnvironmentVariable[] = [
  'HOOKFLOW_RETRY_SCHEDULE',
  'HOOKFLOW_DELIVERY_TIMEOUT_MS',
  'HOOKFLOW_DELIVERY_WORKFLOWS',
  'HOOKFLOW_FIFO_HOLD_BACK_MS',
  'HOOKFLOW_BREAKER_FAILURE_THRESHOLD',
  'HOOKFLOW_BREAKER_COOLDOWN_SECONDS',
  'HOOKFLOW_BREAKER_MAX_COOLDOWN_SECONDS',
  'HOOKFLOW_AUTO_DISABLE_AFTER_SECONDS',
];
// The worker keeps the retention Schedule up to date; its workflow deletes old audit events too.
const RETENTION: EnvironmentVariable[] = [
  'HOOKFLOW_RETENTION_DAYS',
  'HOOKFLOW_RETENTION_INTERVAL_SECONDS',
  'HOOKFLOW_RETENTION_BATCH_SIZE',
  'HOOKFLOW_AUDIT_RETENTION_DAYS',
];
// Both the API (validating subscription URLs) and the worker (connecting) apply the SSRF guard.
const URL_POLICY: EnvironmentVariable[] = ['HOOKFLOW_ALLOWED_CIDRS', 'HOOKFLOW_HTTPS_ONLY'];
// Both the API (publishing) and the worker (announcing operational events) check events against the catalog.
const EVENT_POLICY: EnvironmentVariable[] = ['HOOKFLOW_REQUIRE_EVENT_TYPES'];
const EMBEDDED: EnvironmentVariable[] = ['HOOKFLOW_DATA_DIR', 'TEMPORAL_CLI', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'HOOKFLOW_POSTGRES_PORT'];
const TRACING: EnvironmentVariable[] = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME'];
const API_CLIENT: EnvironmentVariable[] = ['HOOKFLOW_URL', 'HOOKFLOW_API_KEY', 'PORT', 'HOOKFLOW_DATA_DIR'];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'start',
    aliases: ['dev'],
    summary: 'the whole stack: Temporal dev server + Web UI, PostgreSQL, worker and API (npm start)',
    description:
      'Starts an embedded Temporal dev server (with its Web UI) and PostgreSQL, applies the migrations, and runs ' +
      'the worker and the API in this process until Ctrl-C. Data, the generated admin API key and the encryption ' +
      'key are kept in the data directory, so the next start carries on where this one stopped.',
    positionals: [],
    options: {},
    environment: [...EMBEDDED, ...CONNECTIONS, ...API_SETTINGS, ...DELIVERY_SETTINGS, ...RETENTION, ...URL_POLICY, ...EVENT_POLICY, ...TRACING, 'LOG_LEVEL'],
    examples: ['hookflow start', 'HOOKFLOW_RETRY_SCHEDULE=2,2 hookflow start'],
  },
  {
    name: 'api',
    summary: 'the HTTP API only, against an external PostgreSQL and Temporal',
    description:
      'Serves the HTTP API (/v1, /healthz, /readyz, /metrics, /docs) until SIGINT or SIGTERM. Needs DATABASE_URL ' +
      'and HOOKFLOW_ENCRYPTION_KEY; run `hookflow migrate` first. Several can run behind a load balancer.',
    positionals: [],
    options: {},
    environment: [...CONNECTIONS, ...API_SETTINGS, ...URL_POLICY, ...EVENT_POLICY, ...TRACING, 'LOG_LEVEL'],
    examples: ['DATABASE_URL=postgres://hookflow@db/hookflow HOOKFLOW_ENCRYPTION_KEY="$(cat key)" hookflow api'],
  },
  {
    name: 'worker',
    summary: 'the Temporal worker only, against an external PostgreSQL and Temporal',
    description:
      "Runs hookflow's workflows and delivery activities on the task queue until SIGINT or SIGTERM, and serves " +
      "Prometheus /metrics (hookflow's and the Temporal SDK's) on HOOKFLOW_WORKER_METRICS_PORT. Needs DATABASE_URL " +
      'and HOOKFLOW_ENCRYPTION_KEY (the same key as the API). Several can run on one task queue.',
    positionals: [],
    options: {},
    environment: [...CONNECTIONS, ...DELIVERY_SETTINGS, ...RETENTION, ...URL_POLICY, ...EVENT_POLICY, ...TRACING, 'HOOKFLOW_WORKER_METRICS_PORT', 'LOG_LEVEL'],
    examples: ['DATABASE_URL=postgres://hookflow@db/hookflow HOOKFLOW_ENCRYPTION_KEY="$(cat key)" hookflow worker'],
  },
  {
    name: 'migrate',
    summary: 'apply the database migrations and exit',
    description: 'Applies the database migrations not yet applied, each once, and exits. Safe to run again.',
    positionals: [],
    options: {},
    environment: ['DATABASE_URL'],
    examples: ['DATABASE_URL=postgres://hookflow@db/hookflow hookflow migrate'],
  },
  {
    name: 'keys',
    summary: 'create an API key and print it, once',
    description:
      'Creates an API key in the database and prints it on stdout; this is the only time it is shown ' +
      '(the database keeps a hash). Scopes: admin (everything), publish (POST /v1/events only) or read (every GET). ' +
      'With --tenant the key reaches that tenant only.',
    positionals: [{ name: 'create', literal: true }],
    options: {
      name: { type: 'string', value: '<name>', required: true, help: 'a name to recognise the key by' },
      scope: { type: 'string', value: apiKeyScopeSchema.options.join('|'), multiple: true, help: 'what the key may do; repeat for several (default admin)' },
      tenant: { type: 'string', value: '<tenant id>', help: "limit the key to one tenant's resources" },
    },
    environment: ['DATABASE_URL'],
    examples: ['DATABASE_URL=postgres://hookflow@db/hookflow hookflow keys create --name billing --scope publish'],
  },
  {
    name: 'keys reseal',
    summary: 're-seal every stored secret under the primary encryption key, with progress',
    description:
      'Starts (or, if one is running, attaches to) the reseal workflow, which re-seals every sealed value ' +
      "(subscriptions' signing secrets and keys) under the primary key of HOOKFLOW_ENCRYPTION_KEYS, in pages, and prints " +
      'its progress until it is done. Values already under the primary are skipped, so it is safe to run again. ' +
      'Workers must already run with the new keyring. Once it reports nothing left that would not open, the old key ' +
      'can leave the ring.',
    positionals: [],
    options: {
      'batch-size': { type: 'string', value: 'N', help: 'rows per activity, 1 to 1000 (default 200)' },
    },
    environment: [...CONNECTIONS],
    examples: ['HOOKFLOW_ENCRYPTION_KEYS="k2:$(cat k2),k1:$(cat k1)" TEMPORAL_ADDRESS=temporal:7233 hookflow keys reseal'],
  },
  {
    name: 'publish',
    talksToApi: true,
    summary: 'publish an event',
    description:
      'Publishes an event through the API and prints it as JSON (id, tenantId, type, createdAt, replayed). Every ' +
      'subscription of its tenant to its type receives it. The same --idempotency-key always yields the same event.',
    positionals: [
      { name: 'type', help: 'the event type, e.g. order.created' },
      { name: 'payload-json', optional: true, help: 'the payload, any JSON (default {})' },
    ],
    options: {
      id: { type: 'string', value: 'ID', help: "the event's id (default: a generated evt_… id)" },
      'idempotency-key': { type: 'string', value: 'KEY', help: 'publishing again with this key changes nothing' },
      tenant: { type: 'string', value: 'ID', help: "the tenant whose subscriptions get it (default: the default tenant, or the key's own)" },
    },
    environment: API_CLIENT,
    examples: [`hookflow publish order.created '{"orderId": 7}' --idempotency-key order-7`],
  },
  {
    name: 'redeliver',
    talksToApi: true,
    summary: 'deliver a delivery again (a dead letter, or one that succeeded)',
    description:
      'Asks hookflow to deliver again: a dead-lettered delivery resumes its workflow, a finished one starts afresh. ' +
      'The receiver sees the same webhook-id.',
    positionals: [{ name: 'deliveryId', help: 'the delivery, dlv_…' }],
    options: {},
    environment: API_CLIENT,
    examples: ['hookflow redeliver dlv_01JZ…'],
  },
  {
    name: 'skip',
    talksToApi: true,
    summary: 'let a fifo stream blocked on a dead letter move on without it',
    description:
      'For a subscription with ordering "fifo" and onDeadLetter "block": the stream stops behind a dead letter until it is ' +
      'redelivered or skipped. Skipping leaves the delivery dead (it can still be redelivered later, out of order).',
    positionals: [{ name: 'deliveryId', help: 'the dead delivery, dlv_…' }],
    options: {},
    environment: API_CLIENT,
    examples: ['hookflow skip dlv_01JZ…'],
  },
  {
    name: 'deliveries',
    talksToApi: true,
    summary: 'list deliveries, oldest first, as JSON',
    description: 'Lists deliveries as JSON, { data, nextCursor }; pass nextCursor as --cursor for the next page.',
    positionals: [{ name: 'list', literal: true }],
    options: {
      dead: { type: 'boolean', help: 'dead letters only' },
      subscription: { type: 'string', value: 'ID', help: "one subscription's deliveries" },
      event: { type: 'string', value: 'ID', help: "one event's deliveries" },
      limit: { type: 'string', value: 'N', help: 'page size, 1 to 100' },
      cursor: { type: 'string', value: 'C', help: 'the nextCursor of the previous page' },
    },
    environment: API_CLIENT,
    examples: ['hookflow deliveries list --dead --limit 20', 'hookflow deliveries list --event evt_01JZ…'],
  },
];

export const HELP_FLAGS: readonly string[] = ['--help', '-h'];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name || command.aliases?.includes(name));
}

function optionUsage(name: string, option: OptionSpec): string {
  const flag = option.type === 'boolean' ? `--${name}` : `--${name} ${option.value ?? 'VALUE'}`;
  const shown = option.required ? flag : `[${flag}]`;
  return option.multiple ? `${shown}...` : shown;
}

function positionalUsage(positional: PositionalSpec): string {
  if (positional.literal) return positional.name;
  return positional.optional ? `[${positional.name}]` : `<${positional.name}>`;
}

/** `publish <type> [payload-json] [--id ID] [--idempotency-key KEY]` */
export function usageLine(command: CommandSpec): string {
  return [
    command.name,
    ...command.positionals.map(positionalUsage),
    ...Object.entries(command.options).map(([name, option]) => optionUsage(name, option)),
  ].join(' ');
}

/** Greedy word wrap, so a description reads well in an 80-column terminal. */
function wrap(text: string, width = 80): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

/** What a usage error in `command` prints under the error (the full help is one --help away). */
export function commandUsage(command: CommandSpec): string {
  return `usage: hookflow ${usageLine(command)}\n(hookflow ${command.name} --help explains it)\n`;
}

/** What `hookflow <command> --help` prints. */
export function commandHelp(command: CommandSpec): string {
  const described = command.positionals.filter((p) => !p.literal && p.help !== undefined);
  const lines = [`usage: hookflow ${usageLine(command)}`];
  if (command.aliases?.length) lines.push(`alias: ${command.aliases.map((a) => `hookflow ${a}`).join(', ')}`);
  lines.push('', ...wrap(command.description));
  if (described.length > 0) {
    lines.push('', 'arguments:', ...table(described.map((p) => [positionalUsage(p), p.help!])));
  }
  lines.push(
    '',
    'options:',
    ...table([
      ...Object.entries(command.options).map(([name, option]): [string, string] => [
        option.type === 'boolean' ? `--${name}` : `--${name} ${option.value ?? 'VALUE'}`,
        option.help,
      ]),
      ['-h, --help', 'show this help'],
    ]),
  );
  lines.push('', 'environment:', ...table(command.environment.map((name) => [name, ENVIRONMENT[name]])));
  lines.push('', command.examples.length > 1 ? 'examples:' : 'example:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** What `hookflow --help` prints: every command in one line or two. */
export function generalUsage(): string {
  const entries = (talksToApi: boolean) =>
    COMMANDS.filter((c) => Boolean(c.talksToApi) === talksToApi).flatMap((c) => [
      `  ${usageLine(c)}`,
      `      ${c.summary}${c.aliases?.length ? ` (alias: ${c.aliases.join(', ')})` : ''}`,
    ]);
  return [
    'usage: hookflow <command> [arguments]        (or: node --import tsx src/main.ts <command>)',
    '',
    ...entries(false),
    '',
    'talking to a running hookflow (HOOKFLOW_URL, HOOKFLOW_API_KEY):',
    ...entries(true),
    '',
    'hookflow <command> --help, or hookflow help <command>, explains one command and the environment it reads.',
    'exit codes: 0 done, 1 failed (the reason on stderr), 2 usage error',
    '',
  ].join('\n');
}

// Everything the `hookflow` command says about itself, on commander: each
// command is defined once below (its arguments, options, description and
// examples), and commander parses the command line and writes the help from
// that definition. The environment a command reads is not written here: it is
// src/config.ts's ENVIRONMENT table, read by command name.
// Pure: no I/O but through `io`, no process.env.
import { Command, Help, InvalidArgumentError, Option } from 'commander';
import { environmentOf, type CommandName } from '../config.js';
import { apiKeyScopeSchema } from '../schemas/api-key.js';

/** A command line read against the definitions: which command, and its arguments and options. */
export interface ParsedCommand {
  command: CommandName;
  /** The declared arguments given, in order. */
  positionals: string[];
  string(option: string): string | undefined;
  strings(option: string): string[] | undefined;
  flag(option: string): boolean;
}

export interface ProgramIo {
  /** Help text, for stdout. */
  write(text: string): void;
  /** The command line named a command and its arguments are valid. */
  run(parsed: ParsedCommand): void;
  /** Commander's exit: help shown (exit code 0) or a usage error. Must throw. */
  exit(command: Command, error: { code: string; exitCode: number; message: string }): never;
}

const TALKS_TO_API = 'Talking to a running hookflow (HOOKFLOW_URL, HOOKFLOW_API_KEY):';
const ROOT_HELP_AFTER = [
  '',
  'hookflow <command> --help, or hookflow help <command>, explains one command and the environment it reads.',
  'In production: node dist/src/main.js <command> (npm run build); in a checkout: node --import tsx src/main.ts <command>.',
  'Exit codes: 0 done, 1 failed (the reason on stderr), 2 usage error.',
].join('\n');

/** `keys create`, `publish`: a command's name as typed, without the program's. */
export function commandName(command: Command): string {
  const parent = command.parent;
  return parent === null || parent.parent === null ? command.name() : `${commandName(parent)} ${command.name()}`;
}

/** `  NAME   what it means` lines, aligned. */
function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}

/** `--scope a --scope b`: every value, each one of `choices`. */
function repeatableChoice(choices: readonly string[]) {
  return (value: string, previous: string[] | undefined): string[] => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    return [...(previous ?? []), value];
  };
}

interface Described {
  name: CommandName;
  summary: string;
  description: string;
  examples: readonly string[];
}

/**
 * A command of `parent` that runs: its help ends with the environment it
 * reads (from src/config.ts) and its examples; its action reports the parsed
 * command line to `io.run`.
 */
function runnable(parent: Command, io: ProgramIo, described: Described): Command {
  // `keys create` is `create` under `keys`.
  const command = parent.command(described.name.split(' ').at(-1)!).summary(described.summary).description(described.description);
  const examples = described.examples.map((example) => `  ${example}`).join('\n');
  command.addHelpText(
    'after',
    `\nEnvironment:\n${table(environmentOf(described.name))}\n\n${described.examples.length > 1 ? 'Examples' : 'Example'}:\n${examples}`,
  );
  command.action((...received: unknown[]) => {
    const self = received.at(-1) as Command;
    const optionValue = (name: string): unknown => {
      const option = self.options.find((o) => o.long === `--${name}`);
      if (option === undefined) throw new Error(`hookflow ${described.name} has no option --${name}`);
      return self.getOptionValue(option.attributeName());
    };
    io.run({
      command: described.name,
      positionals: (self.processedArgs as Array<string | undefined>).filter((arg): arg is string => arg !== undefined),
      string: (name) => {
        const value = optionValue(name);
        return typeof value === 'string' ? value : undefined;
      },
      strings: (name) => {
        const value = optionValue(name);
        return Array.isArray(value) ? (value as string[]) : undefined;
      },
      flag: (name) => optionValue(name) === true,
    });
  });
  return command;
}

/** A command that only groups others (`keys`, `deliveries`): its help lists them. */
function group(parent: Command, word: string, summary: string): Command {
  return parent.command(word).summary(summary).description(summary);
}

/** The whole `hookflow` command line. A new one per parse: commander keeps parsed values on it. */
export function buildProgram(io: ProgramIo): Command {
  const program = new Command('hookflow')
    .description('Durable webhook delivery on Temporal and PostgreSQL.')
    .usage('<command> [arguments]')
    .configureOutput({ writeOut: (text) => io.write(text), writeErr: () => {}, outputError: () => {} })
    .configureHelp({ helpWidth: 100, visibleCommands: listedCommands, subcommandTerm })
    .exitOverride((error) => io.exit(program, error))
    .addHelpText('after', ROOT_HELP_AFTER);
  // Subcommands made after this inherit the output and help settings.

  runnable(program, io, {
    name: 'start',
    summary: 'the whole stack: Temporal dev server + Web UI, PostgreSQL, worker and API (npm start)',
    description:
      'Starts an embedded Temporal dev server (with its Web UI) and PostgreSQL, applies the migrations, and runs ' +
      'the worker and the API in this process until Ctrl-C. Data, the generated admin API key and the encryption ' +
      'key are kept in the data directory, so the next start carries on where this one stopped.',
    examples: ['hookflow start', 'HOOKFLOW_RETRY_SCHEDULE=2,2 hookflow start'],
  }).alias('dev');

  runnable(program, io, {
    name: 'api',
    summary: 'the HTTP API only, against an external PostgreSQL and Temporal',
    description:
      'Serves the HTTP API (/v1, /healthz, /readyz, /metrics, /docs) until SIGINT or SIGTERM. Needs DATABASE_URL ' +
      'and HOOKFLOW_ENCRYPTION_KEY; run `hookflow migrate` first. Several can run behind a load balancer.',
    examples: ['DATABASE_URL=postgres://hookflow@db/hookflow HOOKFLOW_ENCRYPTION_KEY="$(cat key)" hookflow api'],
  });

  runnable(program, io, {
    name: 'worker',
    summary: 'the Temporal worker only, against an external PostgreSQL and Temporal',
    description:
      "Runs hookflow's workflows and delivery activities on the task queue until SIGINT or SIGTERM, and serves " +
      "Prometheus /metrics (hookflow's and the Temporal SDK's) on HOOKFLOW_WORKER_METRICS_PORT. Needs DATABASE_URL " +
      'and HOOKFLOW_ENCRYPTION_KEY (the same key as the API). Several can run on one task queue.',
    examples: ['DATABASE_URL=postgres://hookflow@db/hookflow HOOKFLOW_ENCRYPTION_KEY="$(cat key)" hookflow worker'],
  });

  runnable(program, io, {
    name: 'migrate',
    summary: 'apply the database migrations and exit',
    description: 'Applies the database migrations not yet applied, each once, and exits. Safe to run again.',
    examples: ['DATABASE_URL=postgres://hookflow@db/hookflow hookflow migrate'],
  });

  const keys = group(program, 'keys', 'API keys (keys create) and the encryption keyring (keys reseal)');
  runnable(keys, io, {
    name: 'keys create',
    summary: 'create an API key and print it, once',
    description:
      'Creates an API key in the database and prints it on stdout; this is the only time it is shown ' +
      '(the database keeps a hash). Scopes: admin (everything), publish (POST /v1/events only) or read (every GET). ' +
      'With --tenant the key reaches that tenant only.',
    examples: ['DATABASE_URL=postgres://hookflow@db/hookflow hookflow keys create --name billing --scope publish'],
  })
    .requiredOption('--name <name>', 'a name to recognise the key by')
    .addOption(
      new Option('--scope <scope>', 'repeatable; default admin')
        .choices(apiKeyScopeSchema.options)
        .argParser(repeatableChoice(apiKeyScopeSchema.options)),
    )
    .option('--tenant <tenant id>', "limit the key to one tenant's resources");
  runnable(keys, io, {
    name: 'keys reseal',
    summary: 're-seal every stored secret under the primary encryption key, with progress',
    description:
      'Starts (or, if one is running, attaches to) the reseal workflow, which re-seals every sealed value ' +
      "(subscriptions' signing secrets and keys) under the primary key of HOOKFLOW_ENCRYPTION_KEYS, in pages, and prints " +
      'its progress until it is done. Values already under the primary are skipped, so it is safe to run again. ' +
      'Workers must already run with the new keyring. Once it reports nothing left that would not open, the old key ' +
      'can leave the ring.',
    examples: ['HOOKFLOW_ENCRYPTION_KEYS="k2:$(cat k2),k1:$(cat k1)" TEMPORAL_ADDRESS=temporal:7233 hookflow keys reseal'],
  }).option('--batch-size <N>', 'rows per activity, 1 to 1000 (default 200)');

  runnable(program, io, {
    name: 'publish',
    summary: 'publish an event',
    description:
      'Publishes an event through the API and prints it as JSON (id, tenantId, type, createdAt, replayed). Every ' +
      'subscription of its tenant to its type receives it. The same --idempotency-key always yields the same event.',
    examples: [`hookflow publish order.created '{"orderId": 7}' --idempotency-key order-7`],
  })
    .helpGroup(TALKS_TO_API)
    .argument('<type>', 'the event type, e.g. order.created')
    .argument('[payload-json]', 'the payload, any JSON (default {})')
    .option('--id <ID>', "the event's id (default: a generated evt_… id)")
    .option('--idempotency-key <KEY>', 'publishing again with this key changes nothing')
    .option('--tenant <ID>', "the tenant whose subscriptions get it (default: the default tenant, or the key's own)");

  runnable(program, io, {
    name: 'redeliver',
    summary: 'deliver a delivery again (a dead letter, or one that succeeded)',
    description:
      'Asks hookflow to deliver again: a dead-lettered delivery resumes its workflow, a finished one starts afresh. ' +
      'The receiver sees the same webhook-id.',
    examples: ['hookflow redeliver dlv_01JZ…'],
  })
    .helpGroup(TALKS_TO_API)
    .argument('<deliveryId>', 'the delivery, dlv_…');

  runnable(program, io, {
    name: 'skip',
    summary: 'let a fifo stream blocked on a dead letter move on without it',
    description:
      'For a subscription with ordering "fifo" and onDeadLetter "block": the stream stops behind a dead letter until it is ' +
      'redelivered or skipped. Skipping leaves the delivery dead (it can still be redelivered later, out of order).',
    examples: ['hookflow skip dlv_01JZ…'],
  })
    .helpGroup(TALKS_TO_API)
    .argument('<deliveryId>', 'the dead delivery, dlv_…');

  const deliveries = group(program, 'deliveries', 'list deliveries (deliveries list)').helpGroup(TALKS_TO_API);
  runnable(deliveries, io, {
    name: 'deliveries list',
    summary: 'list deliveries, oldest first, as JSON',
    description: 'Lists deliveries as JSON, { data, nextCursor }; pass nextCursor as --cursor for the next page.',
    examples: ['hookflow deliveries list --dead --limit 20', 'hookflow deliveries list --event evt_01JZ…'],
  })
    .helpGroup(TALKS_TO_API)
    .option('--dead', 'dead letters only')
    .option('--subscription <ID>', "one subscription's deliveries")
    .option('--event <ID>', "one event's deliveries")
    .option('--limit <N>', 'page size, 1 to 100')
    .option('--cursor <C>', 'the nextCursor of the previous page');

  // Each command exits as itself, so a usage error names the command it is about.
  for (const command of allCommands(program)) command.exitOverride((error) => io.exit(command, error));
  return program;
}

/** `start|dev [options]`, `keys create [options]`: a command as a list of commands shows it. */
function subcommandTerm(command: Command): string {
  return [commandName(command), ...command.aliases()].join('|') + ` ${command.usage()}`;
}

/** A group's commands listed in its place (`keys create`, `keys reseal`), so one help shows every command. */
function listedCommands(command: Command): Command[] {
  const help = new Help();
  return help
    .visibleCommands(command)
    .flatMap((sub) => (sub.commands.length === 0 ? [sub] : help.visibleCommands(sub).filter((c) => c.name() !== 'help')));
}

/** Every command under `root`, groups and runnable ones, depth first. */
export function allCommands(root: Command): Command[] {
  return root.commands.flatMap((command) => [command, ...allCommands(command)]);
}

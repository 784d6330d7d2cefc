// Reads `hookflow <command> [arguments]` against the commands' descriptions in
// help.ts: a request for help, or a command with its arguments checked.
// Anything wrong is a UsageError naming the command, so its usage can be shown.
import { parseArgs } from 'node:util';
import { commandHelp, findCommand, generalUsage, HELP_FLAGS, type CommandSpec } from './help.js';
import { UsageError } from './usage-error.js';

export interface ParsedCommand {
  command: CommandSpec;
  /** The positional arguments after the command, sub-commands (`create`, `list`) included. */
  positionals: string[];
  string(option: string): string | undefined;
  strings(option: string): string[] | undefined;
  flag(option: string): boolean;
}

/** Help goes to stdout with exit 0; a command runs. */
export type CommandLine = { help: string } | { run: ParsedCommand };

export function readCommandLine(argv: readonly string[]): CommandLine {
  const [name, ...args] = argv;
  if (name === undefined || HELP_FLAGS.includes(name)) return { help: generalUsage() };
  if (name === 'help') {
    if (args[0] === undefined) return { help: generalUsage() };
    return { help: commandHelp(known(args[0])) };
  }
  // A two-word command (`keys reseal`) comes before the one-word command it shares a first word with.
  const twoWords = args[0] === undefined ? undefined : findCommand(`${name} ${args[0]}`);
  if (twoWords !== undefined) args.shift();
  const command = twoWords ?? known(name);
  // `--` ends the options: what follows is data, even a literal "--help".
  const optionArgs = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (optionArgs.some((arg) => HELP_FLAGS.includes(arg))) return { help: commandHelp(command) };
  return { run: parseCommandArgs(command, args) };
}

function known(name: string): CommandSpec {
  const command = findCommand(name);
  if (command === undefined) throw new UsageError(`unknown command "${name}"`);
  return command;
}

export function parseCommandArgs(command: CommandSpec, args: readonly string[]): ParsedCommand {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(command.options).map(([name, option]) => [name, { type: option.type, multiple: option.multiple ?? false }]),
      ),
    });
  } catch (error) {
    // Node's parse errors (unknown option, missing value) say precisely what is wrong.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message, command.name);
    throw error;
  }
  const { positionals, values } = parsed;
  command.positionals.forEach((expected, index) => {
    const given = positionals[index];
    if (given === undefined) {
      if (!expected.optional) throw new UsageError(`missing ${expected.literal ? expected.name : `<${expected.name}>`}`, command.name);
    } else if (expected.literal && given !== expected.name) {
      throw new UsageError(`expected "${expected.name}", not "${given}"`, command.name);
    }
  });
  const extra = positionals[command.positionals.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, command.name);
  for (const [name, option] of Object.entries(command.options)) {
    if (option.required && values[name] === undefined) throw new UsageError(`missing --${name}`, command.name);
  }
  return {
    command,
    positionals,
    string: (option) => (typeof values[option] === 'string' ? (values[option] as string) : undefined),
    strings: (option) => (Array.isArray(values[option]) ? (values[option] as string[]) : undefined),
    flag: (option) => values[option] === true,
  };
}

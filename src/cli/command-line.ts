// Reads `hookflow <command> [arguments]` against the definitions of
// src/cli/program.ts: a request for help (its text), or a command with its
// arguments checked. Anything wrong is a UsageError naming the command, so
// its usage can be shown.
import type { Command } from 'commander';
import { buildProgram, commandName, type ParsedCommand } from './program.js';
import { UsageError } from './usage-error.js';

export type { ParsedCommand } from './program.js';

/** Help goes to stdout with exit 0; a command runs. */
export type CommandLine = { help: string } | { run: ParsedCommand };

/** Thrown through commander once it has written the help asked for. */
class HelpShown extends Error {}

export function readCommandLine(argv: readonly string[]): CommandLine {
  let help = '';
  let parsed: ParsedCommand | undefined;
  const program = buildProgram({
    write: (text) => (help += text),
    run: (command) => (parsed = command),
    exit: (command, error) => {
      if (error.exitCode === 0) throw new HelpShown();
      throw usageError(command, error);
    },
  });
  // `help keys create` is `keys create --help` (commander's own help command takes one word);
  // no command at all is `--help`.
  const helpFor = argv[0] === 'help' ? argv.slice(1) : undefined;
  if (helpFor !== undefined && helpFor.length > 0 && findCommand(program, helpFor) === undefined) {
    throw new UsageError(`unknown command '${helpFor.join(' ')}'`);
  }
  const words = argv.length === 0 ? ['--help'] : helpFor === undefined ? [...argv] : [...helpFor, '--help'];
  try {
    program.parse(words, { from: 'user' });
  } catch (error) {
    if (error instanceof HelpShown) return { help };
    throw error;
  }
  if (parsed === undefined) throw new Error(`commander ran no command for: hookflow ${argv.join(' ')}`);
  return { run: parsed };
}

/** Commander's error, without its "error: " prefix, about `command` (undefined: the program itself). */
function usageError(command: Command, error: { code: string; message: string }): UsageError {
  const name = command.parent === null ? undefined : commandName(command);
  // A group (`keys`, `deliveries`) without one of its commands: commander shows the help as an error.
  if (error.code === 'commander.help') {
    const choices = command.commands.map((sub) => `"${name} ${sub.name()}"`);
    return new UsageError(`"${name}" needs one of its commands: ${choices.join(', ')}`, name);
  }
  return new UsageError(error.message.replace(/^error: /, ''), name);
}

/** What a usage error prints under its reason: the command's usage line, and where its help is. */
export function commandUsage(name: string | undefined): string {
  const program = buildProgram({ write: () => {}, run: () => {}, exit: () => process.exit(2) });
  const command = name === undefined ? undefined : findCommand(program, name.split(' '));
  if (command === undefined) return `usage: hookflow ${program.usage()}\n(hookflow --help lists the commands)\n`;
  return `usage: hookflow ${commandName(command)} ${command.usage()}\n(hookflow ${commandName(command)} --help explains it)\n`;
}

function findCommand(root: Command, words: string[]): Command | undefined {
  const [first, ...rest] = words;
  const command = root.commands.find((c) => c.name() === first || c.aliases().includes(first!));
  return command === undefined || rest.length === 0 ? command : findCommand(command, rest);
}

import { describe, expect, it } from 'vitest';
import { readCommandLine, type ParsedCommand } from '../../src/cli/command-line.js';
import { COMMANDS, commandHelp, commandUsage, ENVIRONMENT, findCommand, generalUsage, usageLine } from '../../src/cli/help.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { CONFIG_VARIABLES } from '../../src/config.js';

function run(argv: string[]): ParsedCommand {
  const line = readCommandLine(argv);
  if (!('run' in line)) throw new Error(`expected ${argv.join(' ')} to run a command, got help`);
  return line.run;
}

function usageErrorOf(argv: string[]): UsageError {
  try {
    readCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`expected ${argv.join(' ')} to be a usage error`);
}

/** An example's words as a shell passes them, without the leading VAR=value assignments. */
function exampleArgv(example: string): string[] {
  const words = (example.match(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g) ?? []).map((w) => w.replace(/'([^']*)'|"([^"]*)"/g, '$1$2'));
  const start = words.findIndex((w) => !/^[A-Z_]+=/.test(w));
  expect(words[start]).toBe('hookflow');
  return words.slice(start + 1);
}

describe('help texts', () => {
  it('the general usage shows every command with its arguments and aliases', () => {
    const text = generalUsage();
    for (const command of COMMANDS) {
      expect(text).toContain(`  ${usageLine(command)}\n`);
      expect(text).toContain(command.summary);
      for (const alias of command.aliases ?? []) expect(text).toContain(`alias: ${alias}`);
    }
    expect(text).toContain('deliveries list [--dead] [--subscription ID] [--event ID] [--limit N] [--cursor C]');
    expect(text).toContain('keys create --name <name> [--scope admin|publish|read]... [--tenant <tenant id>]');
    expect(text).toContain('2 usage error');
  });

  it("each command's help shows its usage, options, environment and an example", () => {
    for (const command of COMMANDS) {
      const text = commandHelp(command);
      expect(text.startsWith(`usage: hookflow ${usageLine(command)}\n`)).toBe(true);
      expect(text).toContain('-h, --help');
      for (const name of Object.keys(command.options)) expect(text).toMatch(new RegExp(`^  --${name}\\b`, 'm'));
      for (const variable of command.environment) expect(text).toMatch(new RegExp(`^  ${variable} +${escape(ENVIRONMENT[variable])}$`, 'm'));
      expect(command.examples.length).toBeGreaterThan(0);
      for (const example of command.examples) expect(text).toContain(`  ${example}\n`);
      // The description is wrapped for an 80-column terminal.
      const prose = text.split('\n').filter((l) => !l.startsWith('  ') && !l.startsWith('usage:'));
      expect(Math.max(...prose.map((l) => l.length))).toBeLessThanOrEqual(80);
    }
  });

  it('names exactly the variables src/config.ts reads, each read by some command', () => {
    expect(Object.keys(ENVIRONMENT).sort()).toEqual([...CONFIG_VARIABLES].sort());
    const read = new Set(COMMANDS.flatMap((c) => c.environment));
    expect([...CONFIG_VARIABLES].filter((v) => !read.has(v as never))).toEqual([]);
  });

  it('every example is a valid command line', () => {
    for (const command of COMMANDS) {
      for (const example of command.examples) expect(run(exampleArgv(example)).command).toBe(command);
    }
  });

  it('a usage error shows the usage line and where the full help is', () => {
    expect(commandUsage(findCommand('redeliver')!)).toBe('usage: hookflow redeliver <deliveryId>\n(hookflow redeliver --help explains it)\n');
  });
});

describe('reading the command line', () => {
  it('asks for the general usage with no command, --help, -h or help', () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) expect(readCommandLine(argv)).toEqual({ help: generalUsage() });
  });

  it("asks for one command's help with --help or -h anywhere before --, or help <command>", () => {
    const publish = { help: commandHelp(findCommand('publish')!) };
    expect(readCommandLine(['publish', '--help'])).toEqual(publish);
    expect(readCommandLine(['publish', 'order.created', '-h'])).toEqual(publish);
    expect(readCommandLine(['publish', '--bogus', '--help'])).toEqual(publish);
    expect(readCommandLine(['help', 'publish'])).toEqual(publish);
    expect(readCommandLine(['dev', '--help'])).toEqual({ help: commandHelp(findCommand('start')!) });
    expect(run(['publish', 'order.created', '--', '--help']).positionals).toEqual(['order.created', '--help']);
  });

  it('reads positionals and options', () => {
    const publish = run(['publish', 'order.created', '{"a":1}', '--id', 'evt_1', '--idempotency-key', 'k']);
    expect(publish.command.name).toBe('publish');
    expect(publish.positionals).toEqual(['order.created', '{"a":1}']);
    expect([publish.string('id'), publish.string('idempotency-key')]).toEqual(['evt_1', 'k']);
    const list = run(['deliveries', 'list', '--dead', '--limit', '5']);
    expect([list.flag('dead'), list.string('limit'), list.string('event')]).toEqual([true, '5', undefined]);
    expect(run(['deliveries', 'list']).flag('dead')).toBe(false);
    expect(run(['keys', 'create', '--name', 'ops', '--scope', 'admin', '--scope', 'publish']).strings('scope')).toEqual(['admin', 'publish']);
    expect(run(['dev']).command.name).toBe('start');
    // A two-word command wins over the one-word command it starts with; the rest are its arguments.
    const reseal = run(['keys', 'reseal', '--batch-size', '50']);
    expect([reseal.command.name, reseal.string('batch-size'), reseal.positionals]).toEqual(['keys reseal', '50', []]);
    expect(run(['keys', 'create', '--name', 'ops']).command.name).toBe('keys');
  });

  it.each([
    [['frobnicate'], undefined, 'unknown command "frobnicate"'],
    [['help', 'frobnicate'], undefined, 'unknown command "frobnicate"'],
    [['publish'], 'publish', 'missing <type>'],
    [['publish', 'a', '{}', 'extra'], 'publish', 'unexpected argument "extra"'],
    [['publish', 'a', '--id'], 'publish', "Option '--id <value>' argument missing"],
    [['deliveries'], 'deliveries', 'missing list'],
    [['deliveries', 'show'], 'deliveries', 'expected "list", not "show"'],
    [['deliveries', 'list', '--bogus'], 'deliveries', "Unknown option '--bogus'"],
    [['keys', 'create'], 'keys', 'missing --name'],
    [['keys', 'reseal', 'now'], 'keys reseal', 'unexpected argument "now"'],
    [['keys', 'reseal', '--name', 'x'], 'keys reseal', "Unknown option '--name'"],
    [['keys', 'rotate'], 'keys', 'expected "create", not "rotate"'],
    [['redeliver'], 'redeliver', 'missing <deliveryId>'],
    [['worker', '--port', '1'], 'worker', "Unknown option '--port'"],
    [['migrate', 'now'], 'migrate', 'unexpected argument "now"'],
  ])('%j is a usage error of %s: %s', (argv, command, message) => {
    const error = usageErrorOf(argv);
    expect(error.command).toBe(command);
    expect(error.message).toContain(message);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

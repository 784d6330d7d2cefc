import { describe, expect, it } from 'vitest';
import { commandUsage, readCommandLine, type ParsedCommand } from '../../src/cli/command-line.js';
import { allCommands, buildProgram, commandName } from '../../src/cli/program.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { COMMAND_NAMES, CONFIG_VARIABLES, ENVIRONMENT, environmentOf, type CommandName } from '../../src/config.js';
import { DEFAULT_TEMPORAL_ADDRESS } from '../../src/temporal/client.js';

function run(argv: string[]): ParsedCommand {
  const line = readCommandLine(argv);
  if (!('run' in line)) throw new Error(`expected ${argv.join(' ')} to run a command, got help`);
  return line.run;
}

function helpOf(argv: string[]): string {
  const line = readCommandLine(argv);
  if (!('help' in line)) throw new Error(`expected ${argv.join(' ')} to ask for help`);
  return line.help;
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

/** The definitions, as commander holds them: every command that runs (not the groups `keys`, `deliveries`). */
const program = buildProgram({ write: () => {}, run: () => {}, exit: () => process.exit(2) });
const runnable = allCommands(program).filter((command) => command.commands.length === 0);
const definition = (name: CommandName) => runnable.find((command) => commandName(command) === name)!;
const examplesOf = (name: CommandName) => {
  const text = helpOf([...name.split(' '), '--help']);
  return text
    .slice(text.search(/^Examples?:$/m))
    .split('\n')
    .slice(1)
    .filter((l) => l.startsWith('  '))
    .map((l) => l.slice(2));
};

describe('help texts', () => {
  it('the commands src/config.ts names are exactly the ones the program defines', () => {
    expect(runnable.map(commandName).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('the general help lists every command with its arguments, summary and aliases, and the exit codes', () => {
    const text = helpOf(['--help']);
    for (const name of COMMAND_NAMES) {
      const command = definition(name);
      expect(text).toMatch(
        new RegExp(
          `^  ${escape([name, ...command.aliases()].join('|'))} ${escape(command.usage())} +${escape(command.summary().split(' ')[0]!)}`,
          'm',
        ),
      );
    }
    expect(text).toContain('  start|dev [options]');
    expect(text).toContain('  publish [options] <type> [payload-json]  publish an event');
    // The commands that talk to a running hookflow are listed apart, after the others.
    const apart = text.indexOf('Talking to a running hookflow (HOOKFLOW_URL, HOOKFLOW_API_KEY):');
    expect(apart).toBeGreaterThan(text.indexOf('  migrate'));
    for (const name of ['publish', 'redeliver', 'skip', 'deliveries list']) expect(text.indexOf(`  ${name} `)).toBeGreaterThan(apart);
    expect(text).toContain('Exit codes: 0 done, 1 failed (the reason on stderr), 2 usage error.');
  });

  it("each command's help shows its usage, arguments, options, exactly the environment config.ts says it reads, and examples", () => {
    for (const name of COMMAND_NAMES) {
      const command = definition(name);
      const text = helpOf([...name.split(' '), '--help']);
      expect(
        text.startsWith(
          `Usage: hookflow ${name}${command
            .aliases()
            .map((a) => `|${a}`)
            .join('')} ${command.usage()}\n`,
        ),
      ).toBe(true);
      expect(text).toMatch(/^ {2}-h, --help +display help for command$/m);
      for (const option of command.options)
        expect(text).toMatch(new RegExp(`^  ${escape(option.flags)} +${escape(option.description.split(' ')[0]!)}`, 'm'));
      for (const argument of command.registeredArguments)
        expect(text).toMatch(new RegExp(`^  ${escape(argument.name())} +${escape(argument.description)}$`, 'm'));
      const environment = text
        .slice(text.indexOf('\nEnvironment:\n') + 14, text.search(/^Examples?:$/m))
        .trim()
        .split('\n');
      expect(environment.map((line) => line.trim().split(/\s+/)[0])).toEqual(environmentOf(name).map(([variable]) => variable));
      for (const [variable, help] of environmentOf(name)) expect(text).toMatch(new RegExp(`^  ${variable} +${escape(help)}$`, 'm'));
      expect(examplesOf(name).length).toBeGreaterThan(0);
      // The description is wrapped for a 100-column terminal.
      const prose = text.split('\n').filter((l) => !l.startsWith('  '));
      expect(Math.max(...prose.map((l) => l.length))).toBeLessThanOrEqual(100);
    }
    expect(helpOf(['keys', 'create', '--help'])).toContain('(choices: "admin", "publish", "read")');
  });

  it('names exactly the variables src/config.ts reads, each read by some command', () => {
    expect(Object.keys(ENVIRONMENT).sort()).toEqual([...CONFIG_VARIABLES].sort());
    const read = new Set(COMMAND_NAMES.flatMap((name) => environmentOf(name).map(([variable]) => variable)));
    expect([...CONFIG_VARIABLES].filter((v) => !read.has(v as never))).toEqual([]);
    expect(environmentOf('migrate')).toEqual([['DATABASE_URL', ENVIRONMENT.DATABASE_URL.help]]);
    expect(environmentOf('worker').map(([v]) => v)).toContain('HOOKFLOW_WORKER_METRICS_PORT');
    expect(environmentOf('api').map(([v]) => v)).not.toContain('HOOKFLOW_WORKER_METRICS_PORT');
    expect(ENVIRONMENT.TEMPORAL_ADDRESS.help).toContain(`default ${DEFAULT_TEMPORAL_ADDRESS}`);
  });

  it('every example is a valid command line of its command', () => {
    for (const name of COMMAND_NAMES) {
      for (const example of examplesOf(name)) expect({ example, command: run(exampleArgv(example)).command }).toEqual({ example, command: name });
    }
  });

  it('a usage error shows the usage line and where the full help is', () => {
    expect(commandUsage('redeliver')).toBe('usage: hookflow redeliver [options] <deliveryId>\n(hookflow redeliver --help explains it)\n');
    expect(commandUsage('keys create')).toBe('usage: hookflow keys create [options]\n(hookflow keys create --help explains it)\n');
    expect(commandUsage(undefined)).toBe('usage: hookflow <command> [arguments]\n(hookflow --help lists the commands)\n');
  });
});

describe('reading the command line', () => {
  it('asks for the general help with no command, --help, -h or help', () => {
    const general = helpOf(['--help']);
    expect(general).toMatch(/^Usage: hookflow <command> \[arguments\]\n/);
    for (const argv of [[], ['-h'], ['help']]) expect(readCommandLine(argv)).toEqual({ help: general });
  });

  it("asks for one command's help with --help or -h anywhere before --, or help <command>", () => {
    const publish = { help: helpOf(['publish', '--help']) };
    expect(publish.help).toMatch(/^Usage: hookflow publish /);
    expect(readCommandLine(['publish', 'order.created', '-h'])).toEqual(publish);
    expect(readCommandLine(['publish', '--bogus', '--help'])).toEqual(publish);
    expect(readCommandLine(['help', 'publish'])).toEqual(publish);
    expect(readCommandLine(['help', 'keys', 'reseal'])).toEqual({ help: helpOf(['keys', 'reseal', '--help']) });
    expect(helpOf(['keys', 'reseal', '--help'])).toMatch(/^Usage: hookflow keys reseal /);
    expect(readCommandLine(['dev', '--help'])).toEqual({ help: helpOf(['start', '--help']) });
    expect(run(['publish', 'order.created', '--', '--help']).positionals).toEqual(['order.created', '--help']);
  });

  it('reads positionals and options', () => {
    const publish = run(['publish', 'order.created', '{"a":1}', '--id', 'evt_1', '--idempotency-key', 'k']);
    expect(publish.command).toBe('publish');
    expect(publish.positionals).toEqual(['order.created', '{"a":1}']);
    expect([publish.string('id'), publish.string('idempotency-key'), publish.string('tenant')]).toEqual(['evt_1', 'k', undefined]);
    expect(run(['publish', 'order.created']).positionals).toEqual(['order.created']);
    const list = run(['deliveries', 'list', '--dead', '--limit', '5']);
    expect([list.command, list.flag('dead'), list.string('limit'), list.string('event')]).toEqual(['deliveries list', true, '5', undefined]);
    expect(run(['deliveries', 'list']).flag('dead')).toBe(false);
    const keys = run(['keys', 'create', '--name', 'ops', '--scope', 'admin', '--scope', 'publish', '--tenant', 'ten_1']);
    expect([keys.command, keys.string('name'), keys.strings('scope'), keys.string('tenant')]).toEqual([
      'keys create',
      'ops',
      ['admin', 'publish'],
      'ten_1',
    ]);
    expect(run(['keys', 'create', '--name', 'ops']).strings('scope')).toBeUndefined();
    expect(run(['dev']).command).toBe('start');
    const reseal = run(['keys', 'reseal', '--batch-size', '50']);
    expect([reseal.command, reseal.string('batch-size'), reseal.positionals]).toEqual(['keys reseal', '50', []]);
    expect(run(['redeliver', 'dlv_1']).positionals).toEqual(['dlv_1']);
    // Asking for an option the command does not define is a programming error, not undefined.
    expect(() => publish.string('nope')).toThrow('hookflow publish has no option --nope');
  });

  it.each([
    [['frobnicate'], undefined, "unknown command 'frobnicate'"],
    [['help', 'frobnicate'], undefined, "unknown command 'frobnicate'"],
    [['--bogus'], undefined, "unknown option '--bogus'"],
    [['publish'], 'publish', "missing required argument 'type'"],
    [['publish', 'a', '{}', 'extra'], 'publish', "too many arguments for 'publish'. Expected 2 arguments but got 3."],
    [['publish', 'a', '--id'], 'publish', "option '--id <ID>' argument missing"],
    [['deliveries'], 'deliveries', '"deliveries" needs one of its commands: "deliveries list"'],
    [['deliveries', 'show'], 'deliveries', "unknown command 'show'"],
    [['deliveries', 'list', '--bogus'], 'deliveries list', "unknown option '--bogus'"],
    [['keys', 'create'], 'keys create', "required option '--name <name>' not specified"],
    [
      ['keys', 'create', '--name', 'x', '--scope', 'root'],
      'keys create',
      "option '--scope <scope>' argument 'root' is invalid. Allowed choices are admin, publish, read.",
    ],
    [['keys', 'reseal', 'now'], 'keys reseal', "too many arguments for 'reseal'"],
    [['keys', 'reseal', '--name', 'x'], 'keys reseal', "unknown option '--name'"],
    [['keys', 'rotate'], 'keys', "unknown command 'rotate'"],
    [['keys'], 'keys', '"keys" needs one of its commands: "keys create", "keys reseal"'],
    [['redeliver'], 'redeliver', "missing required argument 'deliveryId'"],
    [['worker', '--port', '1'], 'worker', "unknown option '--port'"],
    [['migrate', 'now'], 'migrate', "too many arguments for 'migrate'"],
  ])('%j is a usage error of %s: %s', (argv, command, message) => {
    const error = usageErrorOf(argv);
    expect(error.command).toBe(command);
    expect(error.message).toContain(message);
    expect(error.message).not.toMatch(/^error: /);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

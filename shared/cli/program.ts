import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError } from '../errors';
import { CliError, EXIT, exitCodeFor, UsageError } from './exit';
import { processIo, type Io } from './io';

/**
 * How every command is built and run: commander with our output seam and exit codes, help with
 * examples on every command and subcommand (refused without), one way to report an error, and
 * the process entry (SIGINT → 130, exit once stdout is flushed).
 */
interface Example {
  /** What to type, e.g. `npm run dlq -- list --stage prod`. */
  command: string;
  /** What it does, in a few words. */
  does: string;
}

interface CommandSpec {
  name: string;
  description: string;
  examples: readonly Example[];
}

/** A root command: `script` is the npm script name (`dlq`, `jira:doctor`). */
interface ProgramSpec extends Omit<CommandSpec, 'name'> {
  script: string;
}

type Handler<O> = (opts: O, args: readonly unknown[]) => Promise<number> | number;

const examplesByCommand = new WeakMap<Command, readonly Example[]>();
/** Per root: the exit code the action returned, and which (sub)command ran (for the help hint). */
const runs = new WeakMap<Command, { code?: number; active?: Command }>();

/** The root command of `npm run <script> -- …`; its usage line reads as the operator types it. */
export function createProgram(spec: ProgramSpec, io: Io): Command {
  const program = new Command(`npm run ${spec.script} --`)
    .description(spec.description)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  return withExamples(program, spec.examples);
}

/** A subcommand (`list`, `replay`): inherits output and exit handling from its parent. */
export function addCommand(parent: Command, spec: CommandSpec): Command {
  return withExamples(parent.command(spec.name).description(spec.description), spec.examples);
}

function withExamples(cmd: Command, examples: readonly Example[]): Command {
  if (examples.length === 0) throw new Error(`command "${invocation(cmd)}" needs at least one example for its --help`);
  examplesByCommand.set(cmd, examples);
  const width = Math.max(...examples.map((e) => e.command.length));
  const lines = examples.map((e) => `  $ ${e.command.padEnd(width)}   # ${e.does}`);
  return cmd.showHelpAfterError(`(run "${invocation(cmd)} --help" for usage and examples)`).addHelpText('after', `\nExamples:\n${lines.join('\n')}`);
}

export function examplesOf(cmd: Command): readonly Example[] {
  return examplesByCommand.get(cmd) ?? [];
}

/** The action of a command: returns its exit code (0 ok, 1 failure, … see EXIT). */
export function onRun<O extends object>(cmd: Command, handler: Handler<O>): Command {
  return cmd.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    const run = runs.get(rootOf(self)) ?? {};
    runs.set(rootOf(self), Object.assign(run, { active: self }));
    try {
      run.code = await handler(self.opts<O>(), self.processedArgs as unknown[]);
    } catch (err) {
      // commander's own argument errors, raised from inside an action: same treatment as at parse time.
      throw err instanceof CommanderError ? new UsageError(err.message.replace(/^error: /, '')) : err;
    }
  });
}

/** Parses `argv` (after the script name) and runs the chosen action; every error becomes an exit code. */
export async function runProgram(program: Command, argv: readonly string[], io: Io): Promise<number> {
  runs.set(program, {});
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return runs.get(program)?.code ?? EXIT.ok;
  } catch (err) {
    return report(err, io, runs.get(program)?.active ?? program);
  }
}

/** Prints one error the way every command does, and says which exit code it gets. */
function report(err: unknown, io: Io, cmd?: Command): number {
  const code = exitCodeFor(err);
  if (err instanceof CommanderError) return code; // commander has printed it, with the hint
  const e = err as { name?: string; message?: string } | undefined;
  const known = err instanceof CliError || err instanceof ConfigError;
  io.err(`error: ${known ? e?.message : `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`}`);
  if (code === EXIT.usage && cmd) io.err(`(run "${invocation(cmd)} --help" for usage and examples)`);
  return code;
}

/** The entry of an npm script: run, then exit with the code once stdout and stderr are flushed. */
export function main(run: (argv: string[], io: Io) => Promise<number>): void {
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted\n');
    process.exit(EXIT.interrupted);
  });
  run(process.argv.slice(2), processIo)
    .catch((err: unknown) => report(err, processIo))
    .then((code) => {
      process.exitCode = code;
      // Exit even if a library left a socket open, but only after the output is written.
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    });
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

function invocation(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Option parsers shared by the commands; a bad value is a usage error naming the option. */
export const parse = {
  positiveInt(value: string): number {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
    return Number(value);
  },
  /** `a,b , c` → ['a', 'b', 'c'] */
  list(value: string): string[] {
    return value.split(',').map((s) => s.trim()).filter(Boolean);
  },
  /** For a repeatable option: `.option('--filter <term>', '…', parse.collect, [])`. */
  collect(value: string, previous: string[]): string[] {
    return [...previous, value];
  },
};

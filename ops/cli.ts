import { CommanderError, type Command } from 'commander';
import { AppError, ConfigError } from '../shared/errors';

/**
 * What the operator commands share: documented exit codes, errors that carry the fix, and the
 * I/O seam (env, stdout, stderr) that lets tests run a command in-process.
 */
export const EXIT = {
  ok: 0,
  /** The operation ran and something failed (a check, a message not moved, an AWS error). */
  failure: 1,
  /** Bad options, bad filter, or invalid configuration: nothing was attempted. */
  usage: 2,
  /** The stack or queue to work on does not exist. */
  notFound: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface Io {
  env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A mistake in how the command was called; the message says what to type instead. */
export class UsageError extends AppError {}

/** The thing to operate on is missing; the message says how to create it or point at another. */
export class NotFoundError extends AppError {}

/** Commander parses into our exit codes instead of calling process.exit itself. */
export function quietCommander(program: Command, io: Io): Command {
  return program.exitOverride().configureOutput({
    writeOut: (s) => io.out(s.replace(/\n$/, '')),
    writeErr: (s) => io.err(s.replace(/\n$/, '')),
  });
}

/** Maps any thrown error to an exit code, printing one line (or the config problem list). */
export function exitCodeFor(err: unknown, io: Io): ExitCode {
  if (err instanceof CommanderError) {
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof UsageError || err instanceof ConfigError) {
    io.err(`error: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof NotFoundError) {
    io.err(`error: ${err.message}`);
    return EXIT.notFound;
  }
  const e = err as { name?: string; message?: string };
  io.err(`error: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`);
  return EXIT.failure;
}

/** The script entry: run, then set the exit code without cutting stdout short. */
export function main(run: (argv: string[], io: Io) => Promise<number>): void {
  run(process.argv.slice(2), processIo).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = exitCodeFor(err, processIo);
    },
  );
}

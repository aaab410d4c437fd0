import { CommanderError } from 'commander';
import { AppError, ConfigError, HttpError } from '../errors';

/**
 * The one exit-code table of every command (`npm run dlq`, `jira:doctor`, `port:install`,
 * `port:preview`, and the ones to come). docs/operations.md#exit-codes documents it.
 */
export const EXIT = {
  ok: 0,
  /** The command ran and something failed or was found wrong (a check, a mapping, a message not moved, an AWS/Jira/Port error). */
  failure: 1,
  /** Bad option, argument, filter, `.env` file or configuration: nothing was attempted. */
  usage: 2,
  /** The credentials were refused (or there are none). */
  auth: 3,
  /** The thing to operate on does not exist (stack, queue…). */
  notFound: 4,
  /** Part of the work is done and the rest is not, or another operation holds the resource: fix, then rerun. */
  partial: 5,
  /** Ctrl-C (SIGINT): 128 + 2, as shells report it. */
  interrupted: 130,
} as const;
type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that knows its exit code; the message is printed as is and says what to do. */
export abstract class CliError extends AppError {
  abstract readonly exitCode: ExitCode;
}

/** A mistake in how the command was called: the message says what to type instead. */
export class UsageError extends CliError {
  readonly exitCode = EXIT.usage;
}

/** The service refused the credentials, or none could be found. */
export class AuthError extends CliError {
  readonly exitCode = EXIT.auth;
}

/** The thing to operate on is missing: the message says how to create it or point at another. */
export class NotFoundError extends CliError {
  readonly exitCode = EXIT.notFound;
}

/** Stopped half-way (or blocked by another run): the message says what is done and how to finish. */
export class PartialError extends CliError {
  readonly exitCode = EXIT.partial;
}

/** AWS SDK error names that mean "who you are was refused", whatever the service. */
const AWS_AUTH = new Set([
  'CredentialsProviderError', 'AccessDenied', 'AccessDeniedException', 'UnrecognizedClientException',
  'InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException', 'SignatureDoesNotMatch', 'InvalidSignatureException',
]);

/** Which row of the table an error belongs to. */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof ConfigError) return EXIT.usage;
  if (isAuthRefusal(err)) return EXIT.auth;
  return EXIT.failure;
}

function isAuthRefusal(err: unknown): boolean {
  if (err instanceof HttpError) return err.status === 401 || err.status === 403;
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  if (typeof e?.name === 'string' && AWS_AUTH.has(e.name)) return true;
  const status = e?.$metadata?.httpStatusCode;
  return status === 401 || status === 403;
}

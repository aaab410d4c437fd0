/**
 * The error hierarchy every layer speaks. The batch layer maps it to SQS semantics:
 * RetryableError → "report in batchItemFailures, let SQS redeliver";
 * PermanentError → "dead-letter with this reason, acknowledge".
 * Context travels on the instance so logs and DLQ attributes can explain the failure.
 */
export type ErrorContext = Record<string, unknown>;

export class AppError extends Error {
  readonly context: ErrorContext;

  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** A transient failure: the same operation may succeed later (network, timeout, 408, 429, 5xx). */
export class RetryableError extends AppError {
  /** Server-requested wait (Retry-After, x-ratelimit-reset), when it told us one. */
  readonly retryAfterMs?: number;

  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, context, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** A failure that will not go away by retrying (bad input, 4xx other than 408/429). */
export class PermanentError extends AppError {}

/** An HTTP response that is an error, with the status and a short excerpt of the body. */
export class HttpError extends PermanentError {
  readonly status: number;
  readonly body: unknown;

  constructor(message: string, status: number, body: unknown, context: ErrorContext = {}) {
    super(message, { ...context, status }, undefined);
    this.status = status;
    this.body = body;
  }
}

/** Invalid configuration: always names the variable, the bad value and the expected form. */
export class ConfigError extends AppError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`,
      { variables: problems.map((p) => p.variable) },
    );
    this.problems = problems;
  }
}

export interface ConfigProblem {
  variable: string;
  /** The offending value as it may be shown (secrets are already masked). Undefined = not set. */
  value: string | undefined;
  expected: string;
}

function describeProblem(p: ConfigProblem): string {
  const shown = p.value === undefined ? ' is not set' : `=${JSON.stringify(p.value)}`;
  return `${p.variable}${shown}; expected ${p.expected}`;
}

/** A one-line reason fit for a log line or an SQS message attribute (≤ 256 chars). */
export function reasonOf(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 256 ? `${text.slice(0, 253)}...` : text;
}

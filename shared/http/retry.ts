import { RetryableError } from '../errors';

/**
 * The one retry/backoff policy of the project: exponential backoff with full jitter, server hints
 * (Retry-After, x-ratelimit-reset) honoured, and never sleeping past the caller's deadline.
 */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 20_000 };

/** How much time is left for the whole operation (e.g. Lambda remaining time minus a margin). */
export interface Deadline {
  remainingMs(): number;
}

export const NO_DEADLINE: Deadline = { remainingMs: () => Number.POSITIVE_INFINITY };

export function deadlineIn(ms: number, now: () => number = Date.now): Deadline {
  const end = now() + ms;
  return { remainingMs: () => end - now() };
}

/** From a Lambda context: stop `marginMs` before the runtime would kill us. */
export function lambdaDeadline(context: { getRemainingTimeInMillis(): number }, marginMs: number): Deadline {
  return { remainingMs: () => context.getRemainingTimeInMillis() - marginMs };
}

/** Full jitter: uniform in [0, min(cap, base · 2^retry)). `retry` counts from 0. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

type HeaderBag = Record<string, unknown>;

/** One header of a response, whatever the case of its name; the first value when repeated. */
export function header(headers: HeaderBag, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? String(v[0]) : v === undefined || v === null ? undefined : String(v);
}

/**
 * The wait a server asked for, in ms: `Retry-After` (seconds or HTTP date), then `x-ratelimit-reset`
 * (Port: UTC epoch seconds per its docs, seconds-until-reset per its Terraform client — a value
 * above 10^9 is an epoch), then Jira's `X-RateLimit-Reset` (ISO timestamp).
 */
export function serverRetryAfterMs(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = header(headers, 'x-ratelimit-reset');
  if (reset !== undefined) {
    if (/^\d+(\.\d+)?$/.test(reset.trim())) {
      const n = Number(reset);
      return Math.max(0, Math.round(n > 1e9 ? n * 1000 - now : n * 1000));
    }
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}

export interface RetryOptions {
  policy?: RetryPolicy;
  deadline?: Deadline;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait; for logs and metrics. */
  onRetry?: (info: { attempt: number; delayMs: number; error: RetryableError }) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `op` until it succeeds, throws a non-retryable error, runs out of attempts, or the next
 * wait would end past the deadline. The last RetryableError is rethrown as is, so the caller
 * still knows the failure was transient (→ SQS redelivery rather than the DLQ).
 */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY_POLICY;
  const deadline = opts.deadline ?? NO_DEADLINE;
  const wait = opts.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (!(err instanceof RetryableError) || attempt >= policy.maxAttempts) throw err;
      const jittered = backoffDelay(attempt - 1, policy, opts.random);
      // A server hint is a floor: waiting less just earns another 429.
      const delayMs = err.retryAfterMs !== undefined ? Math.max(err.retryAfterMs, jittered) : jittered;
      if (delayMs >= deadline.remainingMs()) throw err;
      opts.onRetry?.({ attempt, delayMs, error: err });
      await wait(delayMs);
    }
  }
}

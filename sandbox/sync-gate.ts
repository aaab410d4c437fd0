import { sleep } from './processes';

/**
 * One jiraSync run at a time, as `reservedConcurrency: 1` guarantees in AWS (serverless-offline
 * ignores it). Manual runs queue behind each other and keep clear of the scheduled runs, which
 * serverless-offline starts at each `rate(N minutes)` boundary and reports when done.
 */
export class SyncGate {
  private chain: Promise<unknown> = Promise.resolve();
  private lastScheduledEnd = 0;
  /** When the offline scheduler started: earlier boundaries had no scheduled run. */
  private armedAt = Number.POSITIVE_INFINITY;

  constructor(
    /** Period of the offline schedule in ms (0 = unknown: only serialise manual runs). */
    private readonly periodMs: number,
    /** A manual run does not start this close before a scheduled one. */
    private readonly guardMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  arm(): void {
    this.armedAt = this.now();
  }

  /** Feeds one line of sls offline output. */
  observe(line: string): void {
    if (/(Successfully invoked|Failed to execute) scheduled function: \[jiraSync\]/.test(line)) this.lastScheduledEnd = this.now();
  }

  /** Milliseconds to wait before a manual run may start now (0 = go). */
  waitMs(): number {
    if (this.periodMs <= 0) return 0;
    const now = this.now();
    const sinceBoundary = now % this.periodMs;
    const toBoundary = this.periodMs - sinceBoundary;
    if (toBoundary < this.guardMs) return toBoundary + 250;
    const boundary = now - sinceBoundary;
    // The scheduled run of this period has not reported yet: give it up to half a period.
    if (boundary > this.armedAt && this.lastScheduledEnd < boundary && sinceBoundary < Math.min(this.periodMs / 2, 30_000)) return 250;
    return 0;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(async () => {
      for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) await sleep(wait);
      return fn();
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** `rate(1 minute)` / `rate(5 minutes)` → period in ms; anything else → 0. */
export function ratePeriodMs(expression: string): number {
  const m = /^rate\((\d+)\s+minutes?\)$/.exec(expression.trim());
  return m ? Number(m[1]) * 60_000 : 0;
}

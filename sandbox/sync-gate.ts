/**
 * One jiraSync run at a time, as `reservedConcurrency: 1` guarantees in AWS (serverless-offline
 * ignores it). The sandbox invokes jiraSync on its schedule itself (the offline scheduler is off)
 * and on demand; both go through this queue. A scheduled tick is dropped while another scheduled
 * run is still waiting, so a slow run never builds up a backlog.
 */
export class SyncGate {
  private chain: Promise<unknown> = Promise.resolve();
  private scheduledWaiting = false;
  running = false;

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(async () => {
      this.running = true;
      try {
        return await fn();
      } finally {
        this.running = false;
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Queues a scheduled run unless one is already waiting; resolves undefined when dropped. */
  tick<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (this.scheduledWaiting) return Promise.resolve(undefined);
    this.scheduledWaiting = true;
    return this.run(() => {
      this.scheduledWaiting = false;
      return fn();
    });
  }
}

/** `rate(1 minute)` / `rate(5 minutes)` / `rate(1 hour)` → period in ms; anything else → 0. */
export function ratePeriodMs(expression: string): number {
  const m = /^rate\((\d+)\s+(minute|minutes|hour|hours)\)$/.exec(expression.trim());
  if (!m) return 0;
  return Number(m[1]) * (m[2]!.startsWith('hour') ? 3_600_000 : 60_000);
}

import type { RunRow } from './snapshot';

/**
 * The last runs of both functions, for the dashboard. Manual jiraSync runs are recorded from the
 * invoke result; scheduled jiraSync runs and queue-triggered portForwarder runs are recognised in
 * the structured (Powertools JSON) log lines that sls offline prints.
 */
export class RunLog {
  private readonly rows: RunRow[] = [];
  /** Summary log lines still expected from manual runs (they are recorded from the invoke result). */
  private manualLines = 0;

  constructor(private readonly keep = 30) {}

  add(row: RunRow): void {
    this.rows.unshift(row);
    if (this.rows.length > this.keep) this.rows.length = this.keep;
  }

  list(): RunRow[] {
    return [...this.rows];
  }

  count(fn: RunRow['fn'], trigger?: RunRow['trigger']): number {
    return this.rows.filter((r) => r.fn === fn && (trigger === undefined || r.trigger === trigger)).length;
  }

  /**
   * Wraps a manual jiraSync run. Its summary log line may arrive before or after the invoke
   * returns; runs never overlap (SyncGate), so the next summary line is the manual run's.
   */
  async manual<T>(fn: () => Promise<T>, loggedSummary: (out: T) => boolean): Promise<T> {
    this.manualLines++;
    let logged = false;
    try {
      const out = await fn();
      logged = loggedSummary(out);
      return out;
    } finally {
      if (!logged && this.manualLines > 0) this.manualLines--;
    }
  }

  /** Feeds one line of sls offline output; returns the row it produced, if any. */
  observe(line: string, at = new Date()): RunRow | undefined {
    const entry = parseLogLine(line);
    if (!entry) return undefined;
    const row = runFromLog(entry, at);
    if (!row) return undefined;
    if (row.fn === 'jiraSync' && row.trigger === 'schedule' && this.manualLines > 0) {
      this.manualLines--;
      return undefined;
    }
    this.add(row);
    return row;
  }
}

export type LogEntry = Record<string, unknown> & { message?: unknown; service?: unknown; level?: unknown };

export function parseLogLine(line: string): LogEntry | undefined {
  // serverless-offline's own report of a scheduled run that threw (the handler's log may say nothing).
  const failed = /Failed to execute scheduled function: \[jiraSync\] (.*)$/.exec(line);
  if (failed) return { scheduledFailure: 'jiraSync', message: failed[1] };
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    const value = JSON.parse(line.slice(start)) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** A run row from a log entry that reports a whole run (forwarded batch, sync summary), else undefined. */
export function runFromLog(entry: LogEntry, at: Date): RunRow | undefined {
  if (entry.scheduledFailure === 'jiraSync') {
    return { at: at.toISOString(), fn: 'jiraSync', trigger: 'schedule', ok: false, summary: String(entry.message ?? 'failed') };
  }
  const service = String(entry.service ?? '');
  if (service === 'portForwarder' && entry.message === 'batch forwarded') {
    const failed = Number(entry.failed ?? 0);
    return { at: at.toISOString(), fn: 'portForwarder', trigger: 'queue', ok: failed === 0, summary: forwarderSummary(entry) };
  }
  if (service === 'jiraSync' && isSyncSummary(entry.summary ?? entry)) {
    const summary = (entry.summary ?? entry) as SyncSummaryLike;
    return { at: at.toISOString(), fn: 'jiraSync', trigger: 'schedule', ok: (summary.failures?.length ?? 0) === 0, summary: syncSummaryText(summary) };
  }
  return undefined;
}

function forwarderSummary(e: LogEntry): string {
  const parts = [`${e.records ?? '?'} records`, `${e.delivered ?? 0} delivered`];
  if (Number(e.deadLettered ?? 0) > 0) parts.push(`${e.deadLettered} dead-lettered`);
  if (Number(e.failed ?? 0) > 0) parts.push(`${e.failed} to retry`);
  return parts.join(', ');
}

export interface SyncSummaryLike {
  listed?: number;
  selected?: number;
  actions: Record<string, number>;
  failures?: unknown[];
  deferred?: number;
  checkpointAfter?: string;
}

export function isSyncSummary(value: unknown): value is SyncSummaryLike {
  return !!value && typeof value === 'object' && typeof (value as { actions?: unknown }).actions === 'object' && (value as { actions?: unknown }).actions !== null;
}

/** `listed 40 · create 12, close 1 · 0 failures` */
export function syncSummaryText(s: SyncSummaryLike): string {
  const acts = Object.entries(s.actions)
    .filter(([, n]) => Number(n) > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const parts = [`listed ${s.listed ?? '?'}`, acts || 'no changes', `${s.failures?.length ?? 0} failures`];
  if (s.deferred) parts.push(`${s.deferred} deferred`);
  return parts.join(' · ');
}

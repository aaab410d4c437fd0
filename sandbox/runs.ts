import type { RunRow } from './snapshot';

/**
 * The last runs of both functions, for the dashboard. jiraSync runs (scheduled or manual: the
 * sandbox invokes both) are recorded from the invoke result; queue-triggered portForwarder runs
 * are recognised in the structured (Powertools JSON) log lines that sls offline prints.
 */
export class RunLog {
  private readonly rows: RunRow[] = [];
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

  /** Feeds one line of sls offline output; returns the row it produced, if any. */
  observe(line: string, at = new Date()): RunRow | undefined {
    const entry = parseLogLine(line);
    if (!entry) return undefined;
    const row = runFromLog(entry, at);
    if (!row) return undefined;
    this.add(row);
    return row;
  }
}

type LogEntry = Record<string, unknown> & { message?: unknown; service?: unknown; level?: unknown };

function parseLogLine(line: string): LogEntry | undefined {
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
function runFromLog(entry: LogEntry, at: Date): RunRow | undefined {
  if (String(entry.service ?? '') !== 'portForwarder' || entry.message !== 'batch forwarded') return undefined;
  const failed = Number(entry.failed ?? 0);
  return { at: at.toISOString(), fn: 'portForwarder', trigger: 'queue', ok: failed === 0, summary: forwarderSummary(entry) };
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

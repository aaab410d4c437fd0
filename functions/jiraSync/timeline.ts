import type { HaloIssue } from './model';

/**
 * Ordering and checkpoint arithmetic, pure. Timestamps are compared as instants (Halo sends a
 * variable number of fractional digits, so string order is wrong), and stored as ISO-8601 UTC.
 */
const STAMPS = ['created_at', 'updated_at', 'first_seen_at', 'last_seen_at', 'resolved_at'] as const;

/** When the issue last changed: the latest of its timestamps, in ms; undefined if it has none. */
export function changedAt(issue: HaloIssue): number | undefined {
  let latest: number | undefined;
  for (const key of STAMPS) {
    const v = issue[key];
    if (typeof v !== 'string') continue;
    const ms = Date.parse(v);
    if (!Number.isNaN(ms) && (latest === undefined || ms > latest)) latest = ms;
  }
  return latest;
}

export interface WorkItem {
  haloId: string;
  issue: HaloIssue;
  at: number;
}

export interface Selection {
  work: WorkItem[];
  /** Listed but older than the checkpoint (or without any timestamp). */
  discarded: number;
  /** Left for the next run by ISSUE_SYNC_MAX. */
  deferred: number;
}

/**
 * Issues changed at or after `sinceMs` (≥: issues sharing the checkpoint instant are seen again
 * and handled idempotently), one per id, oldest first, at most `max` — except that a group of
 * issues sharing one instant is never split, or the checkpoint could not move past it.
 */
export function selectWork(issues: readonly HaloIssue[], sinceMs: number, max: number): Selection {
  const byId = new Map<string, WorkItem>();
  let discarded = 0;
  for (const issue of issues) {
    const at = changedAt(issue);
    if (at === undefined || at < sinceMs || typeof issue.id !== 'string') {
      discarded++;
      continue;
    }
    const seen = byId.get(issue.id);
    if (!seen || at > seen.at) byId.set(issue.id, { haloId: issue.id, issue, at });
  }
  const all = [...byId.values()].sort((a, b) => a.at - b.at || (a.haloId < b.haloId ? -1 : a.haloId > b.haloId ? 1 : 0));
  let end = Math.min(max, all.length);
  while (end > 0 && end < all.length && all[end]?.at === all[end - 1]?.at) end++;
  return { work: all.slice(0, end), discarded, deferred: all.length - end };
}

export type Outcome = 'done' | 'failed' | 'retry';

/**
 * Tracks which work items are settled. `done` and `failed` (a permanent, per-issue error that a
 * rerun would repeat) settle an item; `retry` (transient) and unstarted items hold the checkpoint.
 */
export class Progress {
  private readonly outcomes: Array<Outcome | undefined>;
  private settledPrefix = 0;

  constructor(private readonly work: readonly WorkItem[]) {
    this.outcomes = new Array<Outcome | undefined>(work.length);
  }

  settle(index: number, outcome: Outcome): void {
    this.outcomes[index] = outcome;
    while (this.settledPrefix < this.outcomes.length) {
      const o = this.outcomes[this.settledPrefix];
      if (o !== 'done' && o !== 'failed') break;
      this.settledPrefix++;
    }
  }

  /** Instant up to which every item is settled; undefined when not even the first one is. */
  checkpointMs(): number | undefined {
    return this.settledPrefix === 0 ? undefined : this.work[this.settledPrefix - 1]?.at;
  }

  get settledCount(): number {
    return this.settledPrefix;
  }
}

/** The checkpoint to store: never earlier than the one we started from. */
export function nextCheckpoint(previousMs: number, progressMs: number | undefined): number {
  return progressMs === undefined ? previousMs : Math.max(previousMs, progressMs);
}

export const toIso = (ms: number): string => new Date(ms).toISOString();

import type { Action, SkipReason } from './model';

/** What one run did, returned by the handler and logged as one line. */
export interface PlannedAction {
  haloId: string;
  action: Action['kind'] | 'create+close';
  ticket?: string;
  reason: string;
}

export interface RetrySetReport {
  /** Items of the retry set due at the start of this run (retried first). */
  due: number;
  /** Items that succeeded this time and left the set. */
  resolved: number;
  /** Items put into (or kept in) the set by this run: refused by Jira, or a create waiting for search. */
  added: number;
  /** Of `added`: creates without a recorded answer, waiting until search can be trusted. */
  waitingForSearch: number;
  /** Items in the set when the run ended. */
  size: number;
}

export interface SyncSummary {
  dryRun: boolean;
  /** Set when the run did nothing: e.g. "another run holds the lease". */
  notRun?: string;
  checkpointBefore: string;
  checkpointAfter: string;
  checkpointSeeded: boolean;
  listed: number;
  selected: number;
  /** Left for the next run by ISSUE_SYNC_MAX. */
  deferred: number;
  settled: number;
  actions: Record<'create' | 'close' | 'reopen' | 'comment' | 'nothing', number>;
  /** Comments not added because the ticket (description or a comment) already carries that Halo change. */
  commentsAlreadyPresent: number;
  /** Transitions and comments whose answer was lost (5xx, timeout), settled in the run by reading the ticket. */
  ambiguousWritesResolved: number;
  skipped: Partial<Record<SkipReason, number>>;
  failures: Array<{ haloId: string; action: string; reason: string; transient: boolean }>;
  retrySet: RetrySetReport;
  /** Requests sent to the state table (lease, ledger, retry set). */
  stateRequests: number;
  stoppedEarly: boolean;
  planned?: PlannedAction[];
}

export function emptySummary(dryRun: boolean): SyncSummary {
  return {
    dryRun,
    checkpointBefore: '',
    checkpointAfter: '',
    checkpointSeeded: false,
    listed: 0,
    selected: 0,
    deferred: 0,
    settled: 0,
    actions: { create: 0, close: 0, reopen: 0, comment: 0, nothing: 0 },
    commentsAlreadyPresent: 0,
    ambiguousWritesResolved: 0,
    skipped: {},
    failures: [],
    retrySet: { due: 0, resolved: 0, added: 0, waitingForSearch: 0, size: 0 },
    stateRequests: 0,
    stoppedEarly: false,
    ...(dryRun ? { planned: [] } : {}),
  };
}

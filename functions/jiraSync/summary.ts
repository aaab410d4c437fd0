import type { Action, SkipReason } from './model';

/** What one run did, returned by the handler and logged as one line. */
export interface PlannedAction {
  haloId: string;
  action: Action['kind'] | 'create+close';
  ticket?: string;
  reason: string;
}

interface RetrySetReport {
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
  /** Of `actions.create`: tickets for resolved issues created closed, the close in the bulk create itself. */
  createdClosed: number;
  /** Closes and reopens sent as bulk transition tasks (POST /rest/api/3/bulk/issues/transition). */
  bulkTransitions: BulkTransitionReport;
  /** Items Jira refused in this run (they went to the retry set): the metric `jiraSync.refused`. */
  refused: number;
  /** Requests sent to the state table (lease, ledger, retry set). */
  stateRequests: number;
  /** Requests sent to Jira and Halo in this run, by kind (as the clients count them). */
  requests: { jira: Record<string, number>; halo: Record<string, number> };
  /** Wall time of the run, the part of it with a Halo request on the wire, and the time rate limits held requests back. */
  timing: RunTiming;
  stoppedEarly: boolean;
  planned?: PlannedAction[];
}

interface BulkTransitionReport {
  tasks: number;
  moved: number;
  /** Reported failed by the task: transitioned one by one instead. */
  failed: number;
  /** Not reported when the run's time was up: in the retry set, the next run's search shows the outcome. */
  pending: number;
  /** Jira refused the bulk API (no "Make bulk changes" permission): one request per ticket instead. */
  refused: boolean;
}

interface RunTiming {
  wallMs: number;
  /** Wall time during which at least one Halo request was under way. */
  haloBusyMs: number;
  /** haloBusyMs / wallMs. */
  haloShare: number;
  /** Wall time no request could start because the service said to back off (429, X-RateLimit-Remaining: 0). */
  throttledMs: { jira: number; halo: number };
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
    createdClosed: 0,
    bulkTransitions: { tasks: 0, moved: 0, failed: 0, pending: 0, refused: false },
    refused: 0,
    stateRequests: 0,
    requests: { jira: {}, halo: {} },
    timing: { wallMs: 0, haloBusyMs: 0, haloShare: 0, throttledMs: { jira: 0, halo: 0 } },
    stoppedEarly: false,
    ...(dryRun ? { planned: [] } : {}),
  };
}

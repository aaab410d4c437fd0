import { ConfigError, HttpError } from '../../shared/errors';
import type { Deadline } from '../../shared/http/retry';
import type { logger as sharedLogger } from '../../shared/observability';
import type { CheckpointStore } from './checkpoint';
import type { HaloApi } from './clients/halo';
import type { JiraApi, TicketDetail } from './clients/jira';
import type { SyncConfig } from './config';
import type { ResolvedFields } from './fields';
import type { StopSignal } from './limit';
import type { HaloIssue, Action } from './model';
import { StateStoreError } from './state/dynamodb';
import type { RetryItem, SyncStateStore } from './state/store';
import type { SyncSummary } from './summary';
import { TransitionCache } from './transition-cache';
import type { WorkItem } from './timeline';

/** What one run needs from the outside world; everything else is decided in the core. */
export interface SyncDeps {
  halo: HaloApi;
  jira: JiraApi;
  checkpoint: CheckpointStore;
  state: SyncStateStore;
  /** Time left for this run (Lambda remaining time minus a margin). */
  deadline: Deadline;
  /** Do not start a chunk with less than this left (ms). */
  reserveMs?: number;
  now?: () => number;
  /** This run's id (lease owner, ledger intents); random by default. */
  runId?: string;
  log?: Pick<typeof sharedLogger, 'info' | 'warn' | 'debug'>;
  chunkSize?: number;
  /** Chunks processed at the same time (default 3). */
  chunksInFlight?: number;
  haloConcurrency?: number;
  jiraConcurrency?: number;
}

export type Log = Pick<typeof sharedLogger, 'info' | 'warn' | 'debug'>;

/**
 * One Halo issue to reconcile in this run: from the checkpoint timeline (`index` into its
 * progress) and/or the retry set (`retry`: its entry there).
 */
export interface Unit {
  item: WorkItem;
  index?: number;
  retry?: RetryItem;
}

/** A unit after describe: `issue` undefined = deleted in Halo. */
export interface Described {
  unit: Unit;
  issue: HaloIssue | undefined;
}

export interface Planned {
  unit: Unit;
  issue: HaloIssue;
  /** Tickets carrying the issue's id, as search (and the ledger) showed them, with their transitions and markers. */
  tickets: TicketDetail[];
  actions: Action[];
}

/**
 * How one unit ended in this run. `refused` and `waiting` go to the retry set; `transient` waits
 * for the next run. `waiting`: a create waiting for search, or a bulk transition Jira has not
 * reported yet (never redone one by one in the same run).
 */
export type UnitResult =
  | { kind: 'done' }
  | { kind: 'refused'; action: string; error: unknown }
  | { kind: 'transient'; action: string; error: unknown }
  | { kind: 'waiting'; action: 'create' | 'close' | 'reopen'; reason: string; untilMs: number };

const SEVERITY: Record<UnitResult['kind'], number> = { done: 0, refused: 1, waiting: 2, transient: 3 };
export const worse = (a: UnitResult | undefined, b: UnitResult): UnitResult => (!a || SEVERITY[b.kind] > SEVERITY[a.kind] ? b : a);

/** Errors that say the whole run cannot work (credentials, permissions, config, state table): stop. */
export const isFatal = (err: unknown): boolean =>
  (err instanceof HttpError && (err.status === 401 || err.status === 403)) || err instanceof StateStoreError || err instanceof ConfigError;

/** Shared by the stages of one run: settings, clients, the summary, and the run-wide stop signal. */
export class RunContext implements StopSignal {
  private cause: unknown;
  private halted = false;
  /** Halo ids this run put into / removed from the retry set (durably). */
  readonly retryChanges = { put: new Set<string>(), cleared: new Set<string>() };
  /** Transitions learnt in this run, per issue type and status (search, bulk create answers). */
  readonly transitions = new TransitionCache();
  /** Set while the first chunk learns the close transition from the start status; the others wait for it. */
  startTransitions?: Promise<void>;
  /** Jira refused the bulk transition API (no "Make bulk changes"): one request per ticket for the rest of the run. */
  bulkRefused = false;

  constructor(
    readonly config: SyncConfig,
    readonly deps: SyncDeps,
    readonly fields: ResolvedFields,
    /** The id of JIRA_ISSUE_TYPE in JIRA_PROJECT_KEY (from the create screen). */
    readonly issueTypeId: string,
    readonly summary: SyncSummary,
    readonly log: Log,
    readonly runId: string,
    readonly now: () => number,
    readonly settingsHash: string,
  ) {}

  get stopped(): boolean {
    return this.halted;
  }

  /** A fatal error: no new work starts anywhere in the run; the first cause is what the run reports. */
  fail(err: unknown): void {
    if (this.halted) return;
    this.halted = true;
    this.cause = err;
    this.log.warn('fatal error: no new work starts; waiting for requests in flight', { reason: err instanceof Error ? err.message : String(err) });
  }

  /** Throws the fatal cause, if any: called after each parallel step. */
  check(): void {
    if (this.halted) throw this.cause;
  }

  get searchLagBoundMs(): number {
    return this.config.searchLagBoundSeconds * 1000;
  }
}

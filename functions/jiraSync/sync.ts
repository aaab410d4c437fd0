import { HttpError, RetryableError, PermanentError, reasonOf } from '../../shared/errors';
import type { Deadline } from '../../shared/http/retry';
import { logger as sharedLogger } from '../../shared/observability';
import type { CheckpointStore } from './checkpoint';
import type { HaloApi } from './clients/halo';
import type { JiraApi } from './clients/jira';
import type { SyncConfig } from './config';
import { createFields, resolveFields, type ResolvedFields } from './fields';
import { mapLimit } from './limit';
import type { Action, HaloIssue, SkipReason, Ticket } from './model';
import { planIssue, ticketState } from './plan';
import { changeMarker, hasMarker, renderComment, renderDescription, renderSummary, type Enrichment } from './render';
import { nextCheckpoint, Progress, selectWork, toIso, type Outcome, type WorkItem } from './timeline';

/**
 * One sync run: checkpoint → list Halo issues → per chunk of 50 (describe → one Jira search →
 * plan → apply) → checkpoint past the settled prefix. Stops starting chunks when the deadline
 * is near; a rerun resumes from the stored checkpoint and repeats nothing already done.
 */
export interface SyncDeps {
  halo: HaloApi;
  jira: JiraApi;
  checkpoint: CheckpointStore;
  /** Time left for this run (Lambda remaining time minus a margin). */
  deadline: Deadline;
  /** Do not start a chunk with less than this left (ms). */
  reserveMs?: number;
  now?: () => number;
  log?: Pick<typeof sharedLogger, 'info' | 'warn' | 'debug'>;
  chunkSize?: number;
  /** Chunks processed at the same time (default 3). */
  chunksInFlight?: number;
  haloConcurrency?: number;
  jiraConcurrency?: number;
}

export interface PlannedAction {
  haloId: string;
  action: Action['kind'] | 'create+close';
  ticket?: string;
  reason: string;
}

export interface SyncSummary {
  dryRun: boolean;
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
  skipped: Partial<Record<SkipReason, number>>;
  failures: Array<{ haloId: string; action: string; reason: string; transient: boolean }>;
  stoppedEarly: boolean;
  planned?: PlannedAction[];
}

/** Errors that say the whole run cannot work (credentials, permissions): stop, keep the checkpoint. */
const isFatal = (err: unknown): boolean => err instanceof HttpError && (err.status === 401 || err.status === 403);
const outcomeOf = (err: unknown): Outcome => (err instanceof RetryableError ? 'retry' : 'failed');

export async function runSync(config: SyncConfig, deps: SyncDeps): Promise<SyncSummary> {
  const log = deps.log ?? sharedLogger;
  const now = deps.now ?? Date.now;
  const start = await deps.checkpoint.load(now() - config.timeRangeMinutes * 60_000);
  const fields = resolveFields(config, await deps.jira.fields());
  const listed = await deps.halo.listIssues(toIso(start.ms), config.criticalOnly);
  const selection = selectWork(listed, start.ms, config.syncMax);
  const summary: SyncSummary = {
    dryRun: config.dryRun,
    checkpointBefore: toIso(start.ms),
    checkpointAfter: toIso(start.ms),
    checkpointSeeded: start.seeded,
    listed: listed.length,
    selected: selection.work.length,
    deferred: selection.deferred,
    settled: 0,
    actions: { create: 0, close: 0, reopen: 0, comment: 0, nothing: 0 },
    commentsAlreadyPresent: 0,
    skipped: {},
    failures: [],
    stoppedEarly: false,
    ...(config.dryRun ? { planned: [] } : {}),
  };
  if (selection.deferred > 0) log.warn('ISSUE_SYNC_MAX reached; the rest waits for the next run', { selected: selection.work.length, deferred: selection.deferred });

  const run = new Run(config, deps, fields, summary, new Progress(selection.work), log);
  let saved = start.ms;
  // Saves run one after another, each with the latest progress: the stored value only grows.
  let saving = Promise.resolve();
  const saveProgress = (): Promise<void> =>
    (saving = saving.then(async () => {
      const cp = nextCheckpoint(start.ms, run.progress.checkpointMs());
      if (cp > saved && !config.dryRun) {
        await deps.checkpoint.save(cp);
        saved = cp;
      }
    }));
  const chunkSize = deps.chunkSize ?? 50;
  const starts = Array.from({ length: Math.ceil(selection.work.length / chunkSize) }, (_, i) => i * chunkSize);
  try {
    // A few chunks in flight hide latency; the checkpoint still only passes settled prefixes.
    await mapLimit(starts, deps.chunksInFlight ?? 3, async (from) => {
      if (summary.stoppedEarly || deps.deadline.remainingMs() < (deps.reserveMs ?? 30_000)) {
        if (!summary.stoppedEarly) log.warn('stopping early: little time left in this invocation', { remainingMs: deps.deadline.remainingMs(), next: from });
        summary.stoppedEarly = true;
        return;
      }
      await run.chunk(selection.work.slice(from, from + chunkSize), from);
      await saveProgress();
    });
  } finally {
    await saving.catch(() => undefined);
    summary.settled = run.progress.settledCount;
    summary.checkpointAfter = toIso(saved);
  }
  return summary;
}

interface Planned {
  index: number;
  item: WorkItem;
  issue: HaloIssue;
  /** Tickets carrying the issue's id, as search showed them. */
  tickets: Ticket[];
  actions: Action[];
}

class Run {
  /** Tickets created in this run, by Halo id: search may not show them yet. */
  private readonly created = new Map<string, Ticket>();

  constructor(
    private readonly config: SyncConfig,
    private readonly deps: SyncDeps,
    private readonly fields: ResolvedFields,
    private readonly summary: SyncSummary,
    readonly progress: Progress,
    private readonly log: Pick<typeof sharedLogger, 'info' | 'warn' | 'debug'>,
  ) {}

  async chunk(items: readonly WorkItem[], offset: number): Promise<void> {
    const { halo, jira } = this.deps;
    const described = await mapLimit(items, this.deps.haloConcurrency ?? 16, async (item, i) => {
      try {
        return { index: offset + i, item, issue: await halo.describeIssue(item.haloId) };
      } catch (err) {
        if (isFatal(err)) throw err;
        this.fail(offset + i, item.haloId, 'describe', err);
        return undefined;
      }
    });
    const live = described.filter((d): d is NonNullable<typeof d> => d !== undefined);
    const ids = live.filter((d) => d.issue).map((d) => d.item.haloId);
    const reconcile = ids.map((id) => this.created.get(id)?.id).filter((x): x is string => x !== undefined);
    const found = await jira.findTickets(this.fields.haloId, ids, reconcile);
    const plans: Planned[] = [];
    for (const d of live) {
      const known = [...found.filter((t) => t.haloId === d.item.haloId)];
      const mine = this.created.get(d.item.haloId);
      if (mine && !known.some((t) => t.key === mine.key)) known.push(mine);
      const actions = planIssue(d.issue, d.item.haloId, known, this.config);
      const first = actions[0];
      if (first?.kind === 'skip') {
        this.summary.skipped[first.reason] = (this.summary.skipped[first.reason] ?? 0) + 1;
        this.log.debug('skipped', { haloId: d.item.haloId, reason: first.reason });
        this.progress.settle(d.index, 'done');
        continue;
      }
      plans.push({ index: d.index, item: d.item, issue: d.issue!, tickets: known, actions });
    }
    if (this.config.dryRun) {
      for (const p of plans) this.recordPlan(p);
      return;
    }
    await this.apply(plans);
  }

  private recordPlan(p: Planned): void {
    for (const a of p.actions) {
      const planned: PlannedAction = {
        haloId: p.item.haloId,
        action: a.kind === 'create' && a.thenClose ? 'create+close' : a.kind,
        ...('ticket' in a ? { ticket: a.ticket.key } : {}),
        reason: a.reason,
      };
      this.summary.planned!.push(planned);
      this.log.info('planned (dry run)', { ...planned });
    }
    this.progress.settle(p.index, 'done');
  }

  private async apply(plans: readonly Planned[]): Promise<void> {
    const outcomes = new Map<number, Outcome>();
    const settle = (p: Planned, o: Outcome): void => {
      const prev = outcomes.get(p.index);
      outcomes.set(p.index, prev === 'retry' || o === 'retry' ? 'retry' : prev === 'failed' || o === 'failed' ? 'failed' : 'done');
    };
    const creates = plans.filter((p) => p.actions[0]?.kind === 'create');
    const followUps: Array<{ plan: Planned; action: Action }> = [];
    for (const p of plans) {
      settle(p, 'done');
      if (p.actions[0]?.kind !== 'create') for (const action of p.actions) followUps.push({ plan: p, action });
    }
    followUps.push(...(await this.createAll(creates, settle)));
    await mapLimit(followUps, this.deps.jiraConcurrency ?? 8, async ({ plan, action }) => {
      try {
        await this.ticketAction(plan, action);
      } catch (err) {
        if (isFatal(err)) throw err;
        settle(plan, outcomeOf(err));
        this.recordFailure(plan.item.haloId, action.kind, err);
      }
    });
    for (const [index, outcome] of outcomes) this.progress.settle(index, outcome);
  }

  /** Creates the chunk's tickets in one bulk request; returns the closes owed by resolved issues. */
  private async createAll(creates: readonly Planned[], settle: (p: Planned, o: Outcome) => void): Promise<Array<{ plan: Planned; action: Action }>> {
    if (creates.length === 0) return [];
    const inputs = await mapLimit(creates, this.deps.haloConcurrency ?? 16, async (p) => {
      const more = await this.enrich(p.issue, true);
      return createFields(this.config, this.fields, { issue: p.issue, summary: renderSummary(p.issue), description: renderDescription(p.issue, more) });
    });
    let results;
    try {
      results = await this.deps.jira.createTickets(inputs);
    } catch (err) {
      if (isFatal(err)) throw err;
      for (const p of creates) {
        settle(p, outcomeOf(err));
        this.recordFailure(p.item.haloId, 'create', err);
      }
      return [];
    }
    const closes: Array<{ plan: Planned; action: Action }> = [];
    results.forEach((r, i) => {
      const p = creates[i]!;
      if (!r.ok) {
        settle(p, 'failed');
        this.recordFailure(p.item.haloId, 'create', r.error);
        return;
      }
      const ticket: Ticket = { id: r.id, key: r.key, status: '', updated: new Date().toISOString(), haloId: p.item.haloId };
      this.created.set(p.item.haloId, ticket);
      this.summary.actions.create++;
      this.log.debug('created', { haloId: p.item.haloId, key: r.key });
      const a = p.actions[0];
      if (a?.kind === 'create' && a.thenClose) closes.push({ plan: p, action: { kind: 'close', haloId: p.item.haloId, ticket, reason: 'created for a resolved issue' } });
    });
    return closes;
  }

  private async ticketAction(p: Planned, action: Action, replanned = false): Promise<void> {
    switch (action.kind) {
      case 'close':
      case 'reopen': {
        const name = action.kind === 'close' ? this.config.closeTransition : this.config.reopenTransition;
        const available = await this.deps.jira.transitions(action.ticket.key);
        const t = available.find((x) => x.name === name) ?? available.find((x) => x.name.toLowerCase() === name.toLowerCase());
        if (!t) {
          const now = replanned ? undefined : await this.deps.jira.ticketNow(action.ticket.key);
          if (now && now.status !== action.ticket.status) return this.replan(p, action.ticket, now.status);
          const names = available.map((x) => x.name).join(', ') || 'none';
          throw new PermanentError(`transition "${name}" is not available on ${action.ticket.key} (status ${action.ticket.status || 'new'}); available: ${names}`, { key: action.ticket.key });
        }
        await this.deps.jira.transition(action.ticket.key, t.id);
        this.summary.actions[action.kind]++;
        break;
      }
      case 'comment': {
        const now = await this.deps.jira.ticketNow(action.ticket.key);
        if (!replanned && now.status !== action.ticket.status && ticketState({ ...action.ticket, status: now.status }, this.config) !== 'open') {
          return this.replan(p, action.ticket, now.status);
        }
        if (now.texts.some((body) => hasMarker(body, changeMarker(p.issue)))) {
          this.summary.commentsAlreadyPresent++;
          break;
        }
        await this.deps.jira.addComment(action.ticket.key, renderComment(p.issue, await this.enrich(p.issue, false)));
        this.summary.actions.comment++;
        break;
      }
      case 'nothing':
        this.summary.actions.nothing++;
        break;
      default:
        break;
    }
    this.log.debug('applied', { haloId: p.item.haloId, action: action.kind, ...('ticket' in action ? { key: action.ticket.key } : {}) });
  }

  /**
   * Search lags behind writes: when a ticket turns out to be in another status than search
   * showed, decide again with its real status (once). A decision that now needs a new ticket
   * waits for the next run, whose search will be current.
   */
  private async replan(p: Planned, stale: Ticket, status: string): Promise<void> {
    this.log.debug('ticket status changed since search; deciding again', { key: stale.key, searched: stale.status, now: status });
    const tickets = [...p.tickets.filter((t) => t.key !== stale.key), { ...stale, status }];
    for (const action of planIssue(p.issue, p.item.haloId, tickets, this.config)) {
      if (action.kind === 'create') throw new RetryableError('ticket status changed since the search; a new ticket is needed, next run', { key: stale.key });
      if (action.kind === 'skip') continue;
      await this.ticketAction({ ...p, tickets }, action, true);
    }
  }

  /** Asset and latest finding; anything Halo cannot give is named in the text instead. */
  private async enrich(issue: HaloIssue, withAsset: boolean): Promise<Enrichment> {
    const missing: string[] = [];
    const fetch = async (label: string, url: string | null | undefined): Promise<unknown> => {
      if (!url) return undefined;
      try {
        const v = await this.deps.halo.fetchLinked(url);
        if (v === undefined) missing.push(`${label} (deleted in Halo)`);
        return v;
      } catch (err) {
        if (isFatal(err)) throw err;
        missing.push(`${label} (${reasonOf(err)})`);
        this.log.warn('Halo enrichment failed; the ticket text says so', { haloId: issue.id, what: label, reason: reasonOf(err) });
        return undefined;
      }
    };
    const findingUrl = issue.last_finding_urls?.[issue.last_finding_urls.length - 1];
    const [asset, finding] = await Promise.all([withAsset ? fetch('asset', issue.asset_url) : undefined, fetch('latest finding', findingUrl)]);
    return { asset, finding, assetType: issue.asset_type ?? undefined, missing };
  }

  private fail(index: number, haloId: string, action: string, err: unknown): void {
    this.progress.settle(index, outcomeOf(err));
    this.recordFailure(haloId, action, err);
  }

  private recordFailure(haloId: string, action: string, err: unknown): void {
    const failure = { haloId, action, reason: reasonOf(err), transient: err instanceof RetryableError };
    this.summary.failures.push(failure);
    this.log.warn('issue not reconciled', failure);
  }
}

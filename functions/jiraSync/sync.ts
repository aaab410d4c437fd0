import { randomUUID } from 'node:crypto';
import { logger as sharedLogger } from '../../shared/observability';
import { applyPlans } from './apply';
import { BusyClock, timedHalo } from './busy';
import type { SyncConfig } from './config';
import { RunContext, type SyncDeps, type Unit, type UnitResult } from './context';
import { describeUnits } from './enrich';
import { resolveFields } from './fields';
import { LEASE_HELD, RunLease } from './lease';
import { mapLimit } from './limit';
import { planChunk } from './plan-chunk';
import { recordPlans, recordResults } from './record';
import { isDue, settingsHash } from './state/rules';
import { emptySummary, type SyncSummary } from './summary';
import { nextCheckpoint, Progress, selectWork, toIso } from './timeline';

export type { SyncDeps } from './context';
export type { SyncSummary } from './summary';

/**
 * One sync run: lease → checkpoint → list Halo issues → the due retry set first, then the new
 * work, per chunk of 50: enrich (describe) → plan (ledger + one Jira search + decision table) →
 * apply → record (retry set, then progress) → checkpoint past the settled prefix. After a fatal
 * error no new work starts anywhere; work in flight is awaited; then the run rejects with it.
 */
export async function runSync(config: SyncConfig, deps: SyncDeps): Promise<SyncSummary> {
  const log = deps.log ?? sharedLogger;
  const now = deps.now ?? Date.now;
  const runId = deps.runId ?? randomUUID();
  await deps.state.ready();
  const lease = new RunLease(deps.state, runId, config.leaseSeconds, now, log);
  if (!(await lease.acquire())) {
    log.info(`${LEASE_HELD}; this run exits without doing anything`);
    return { ...emptySummary(config.dryRun), notRun: LEASE_HELD, stateRequests: deps.state.requestCount };
  }
  let ctx: RunContext | undefined;
  lease.keep((err) => ctx?.fail(err));
  const started = Date.now();
  const haloClock = new BusyClock();
  try {
    return await underLease(config, { ...deps, halo: timedHalo(deps.halo, haloClock) }, runId, log, now, (c) => (ctx = c));
  } finally {
    await lease.release();
    if (ctx) report(ctx.summary, deps, Date.now() - started, haloClock.busyMs);
  }
}

/** Requests by kind, the Halo share of the wall time and the throttled time, into the summary. */
function report(summary: SyncSummary, deps: SyncDeps, wallMs: number, haloBusyMs: number): void {
  summary.requests = { jira: { ...deps.jira.requests }, halo: { ...deps.halo.requests } };
  summary.timing = {
    wallMs, haloBusyMs,
    haloShare: wallMs > 0 ? Math.round((haloBusyMs / wallMs) * 1000) / 1000 : 0,
    throttledMs: { jira: deps.jira.throttle?.throttledMs ?? 0, halo: deps.halo.throttle?.throttledMs ?? 0 },
  };
}

async function underLease(
  config: SyncConfig,
  deps: SyncDeps,
  runId: string,
  log: NonNullable<SyncDeps['log']>,
  now: () => number,
  started: (ctx: RunContext) => void,
): Promise<SyncSummary> {
  // Field ids and their types from the create screen: a ConfigError here stops the run before any write (even the checkpoint seed).
  const jiraFields = await deps.jira.fields();
  const screen = await deps.jira.createScreen(config.jiraProjectKey, config.jiraIssueType);
  const fields = resolveFields(config, jiraFields, screen.fields);
  const start = await deps.checkpoint.load(now() - config.timeRangeMinutes * 60_000);
  const retrySet = await deps.state.retrySet();
  const listed = await deps.halo.listIssues(toIso(start.ms), config.criticalOnly);
  const selection = selectWork(listed, start.ms, config.syncMax);
  const hash = settingsHash(config);
  const summary: SyncSummary = {
    ...emptySummary(config.dryRun),
    checkpointBefore: toIso(start.ms),
    checkpointAfter: toIso(start.ms),
    checkpointSeeded: start.seeded,
    listed: listed.length,
    selected: selection.work.length,
    deferred: selection.deferred,
  };
  if (selection.deferred > 0) log.warn('ISSUE_SYNC_MAX reached; the rest waits for the next run', { selected: selection.work.length, deferred: selection.deferred });
  const ctx = new RunContext(config, deps, fields, screen.issueType.id, summary, log, runId, now, hash);
  started(ctx);

  // The retry set first (those due, oldest first, at most ISSUE_SYNC_MAX); an issue also in the new work is done once, there.
  const retryById = new Map(retrySet.map((i) => [i.haloId, i]));
  const selected = new Set(selection.work.map((w) => w.haloId));
  const due = retrySet.filter((i) => isDue(i, now(), hash)).sort((a, b) => a.nextTryAt - b.nextTryAt);
  summary.retrySet.due = due.length;
  const retryUnits: Unit[] = due
    .filter((i) => !selected.has(i.haloId))
    .slice(0, config.syncMax)
    .map((retry) => ({ item: { haloId: retry.haloId, issue: { id: retry.haloId }, at: 0 }, retry }));
  // A timeline issue carries its retry-set entry even when not due: reconciled now, the entry goes
  // (else a stale entry would wait out its backoff for nothing); failing again, it counts on.
  const timeline: Unit[] = selection.work.map((item, index) => ({ item, index, retry: retryById.get(item.haloId) }));
  if (due.length) log.info('retrying the due items of the retry set first', { due: due.length });

  const progress = new Progress(selection.work);
  let saved = start.ms;
  // Saves run one after another, each with the latest progress: the stored value only grows.
  let saving = Promise.resolve();
  const saveProgress = (): Promise<void> =>
    (saving = saving.then(async () => {
      const cp = nextCheckpoint(start.ms, progress.checkpointMs());
      if (cp > saved && !config.dryRun) {
        await deps.checkpoint.save(cp);
        saved = cp;
      }
    }));
  const chunkSize = deps.chunkSize ?? 50;
  const chunks = (units: Unit[]): Unit[][] => Array.from({ length: Math.ceil(units.length / chunkSize) }, (_, i) => units.slice(i * chunkSize, (i + 1) * chunkSize));
  const step = async (units: Unit[], save: boolean): Promise<void> => {
    if (summary.stoppedEarly || deps.deadline.remainingMs() < (deps.reserveMs ?? 30_000)) {
      if (!summary.stoppedEarly) log.warn('stopping early: little time left in this invocation', { remainingMs: deps.deadline.remainingMs() });
      summary.stoppedEarly = true;
      return;
    }
    try {
      await processChunk(ctx, units, progress);
      if (save) await saveProgress();
    } catch (err) {
      ctx.fail(err);
      throw err;
    }
  };
  try {
    await mapLimit(chunks(retryUnits), deps.chunksInFlight ?? 3, (units) => step(units, false), ctx);
    ctx.check();
    // A few chunks in flight hide latency; the checkpoint still only passes settled prefixes.
    await mapLimit(chunks(timeline), deps.chunksInFlight ?? 3, (units) => step(units, true), ctx);
    ctx.check();
  } finally {
    await saving.catch(() => undefined);
    summary.settled = progress.settledCount;
    summary.checkpointAfter = toIso(saved);
    const inSet = new Set(retrySet.map((i) => i.haloId));
    for (const id of ctx.retryChanges.cleared) inSet.delete(id);
    for (const id of ctx.retryChanges.put) inSet.add(id);
    summary.retrySet.size = inSet.size;
    summary.stateRequests = deps.state.requestCount;
  }
  return summary;
}

/** One chunk: enrich → plan → apply (or, in a dry run, list the plan) → record. */
async function processChunk(ctx: RunContext, units: readonly Unit[], progress: Progress): Promise<void> {
  const { described, results } = await describeUnits(ctx, units);
  const { plans, results: planned } = await planChunk(ctx, described);
  const all = new Map<Unit, UnitResult>([...results, ...planned]);
  if (ctx.config.dryRun) recordPlans(ctx, plans, all);
  else for (const [unit, r] of await applyPlans(ctx, plans)) all.set(unit, r);
  await recordResults(ctx, all, progress);
}

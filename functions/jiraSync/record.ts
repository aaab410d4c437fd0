import { reasonOf } from '../../shared/errors';
import type { Planned, RunContext, Unit, UnitResult } from './context';
import type { PlannedAction } from './summary';
import { recordRefusal, recordWait } from './state/rules';
import type { RetryItem } from './state/store';
import type { Progress } from './timeline';

/**
 * Record: how each unit ended goes to the retry set first (refused items, creates waiting for
 * search), and only once that write is durable to the checkpoint progress and the summary.
 * So the checkpoint never passes an item that is neither done nor in the retry set.
 */
export async function recordResults(ctx: RunContext, results: ReadonlyMap<Unit, UnitResult>, progress: Progress): Promise<void> {
  const now = ctx.now();
  const put: RetryItem[] = [];
  const cleared: string[] = [];
  for (const [unit, r] of results) {
    const haloId = unit.item.haloId;
    if (r.kind === 'done') {
      if (unit.retry) cleared.push(haloId);
      continue;
    }
    if (r.kind === 'transient') {
      report(ctx, haloId, r.action, r.error, true);
      continue;
    }
    if (r.kind === 'waiting') {
      put.push(recordWait(unit.retry, { haloId, action: r.action, reason: r.reason, untilMs: r.untilMs }, now, ctx.settingsHash));
      if (r.action === 'create') ctx.summary.retrySet.waitingForSearch++;
      continue;
    }
    put.push(recordRefusal(unit.retry, { haloId, action: r.action, reason: reasonOf(r.error) }, now, ctx.settingsHash));
    if (r.action !== 'describe') ctx.summary.refused++;
    report(ctx, haloId, r.action, r.error, false);
  }
  if (!ctx.config.dryRun) {
    await ctx.deps.state.putRetry(put);
    await ctx.deps.state.deleteRetry(cleared);
    for (const i of put) ctx.retryChanges.put.add(i.haloId);
    for (const id of cleared) ctx.retryChanges.cleared.add(id);
  }
  ctx.summary.retrySet.added += put.length;
  ctx.summary.retrySet.resolved += cleared.length;
  for (const [unit, r] of results) {
    // Transient: the checkpoint waits (and a retry-set item stays due); the rest is settled.
    if (unit.index !== undefined) progress.settle(unit.index, r.kind === 'transient' ? 'retry' : r.kind === 'done' ? 'done' : 'failed');
  }
}

function report(ctx: RunContext, haloId: string, action: string, err: unknown, transient: boolean): void {
  const failure = { haloId, action, reason: reasonOf(err), transient };
  ctx.summary.failures.push(failure);
  ctx.log.warn(transient ? 'issue not reconciled; the next run tries again' : 'Jira refused; the issue is in the retry set', failure);
}

/** DRY_RUN: every planned action into the summary and the log; nothing is written. */
export function recordPlans(ctx: RunContext, plans: readonly Planned[], results: Map<Unit, UnitResult>): void {
  for (const p of plans) {
    for (const a of p.actions) {
      const planned: PlannedAction = {
        haloId: p.unit.item.haloId,
        action: a.kind === 'create' && a.thenClose ? 'create+close' : a.kind,
        ...('ticket' in a ? { ticket: a.ticket.key } : {}),
        reason: a.reason,
      };
      ctx.summary.planned ??= [];
      ctx.summary.planned.push(planned);
      ctx.log.info('planned (dry run)', { ...planned });
    }
    results.set(p.unit, { kind: 'done' });
  }
}

import { HttpError, RetryableError, reasonOf } from '../../shared/errors';
import type { BulkTransitionOutcome, TicketDetail, Transition } from './clients/jira';
import { isFatal, type RunContext, type Unit, type UnitResult } from './context';
import type { FollowUp } from './create';
import type { Ticket } from './model';
import { byName, START_STATUS } from './transition-cache';

/** Closes (or reopens) along one transition from this many tickets of a chunk on go as one bulk task. */
export const BULK_TRANSITION_MIN = 10;

/** The ticket as the plan saw it: search details, or for a ticket created in this run, the start status. */
export function detailOf(plan: { tickets: readonly TicketDetail[] }, ticket: Ticket): TicketDetail | undefined {
  return plan.tickets.find((t) => t.key === ticket.key);
}

/**
 * The transition called `name` from the ticket's status, as far as this run knows it without a
 * request: from its search result (expand=transitions), else from what the run learnt for its
 * issue type and status (a new ticket: the start status). Undefined: ask Jira.
 */
export function knownTransition(ctx: RunContext, ticket: TicketDetail | undefined, name: string): Transition | undefined {
  if (!ticket) return undefined;
  const fromSearch = byName(ticket.transitions, name);
  if (fromSearch) return fromSearch;
  return ticket.issueTypeId ? ctx.transitions.find(ticket.issueTypeId, ticket.status || START_STATUS, name) : undefined;
}

const transitionName = (ctx: RunContext, kind: 'close' | 'reopen'): string => (kind === 'close' ? ctx.config.closeTransition : ctx.config.reopenTransition);

/**
 * Closes and reopens of existing tickets whose transition is known, grouped per transition id;
 * a group of at least BULK_TRANSITION_MIN goes to Jira's bulk transition API as one task.
 * Returns what is left for one request per ticket: the small groups, what the task reported
 * failed, everything when Jira refused the API (no "Make bulk changes"). What the task had not
 * reported when the run's time was up waits in the retry set: the next run's search shows it.
 */
export async function moveInBulk(ctx: RunContext, followUps: readonly FollowUp[], settle: (u: Unit, r: UnitResult) => void): Promise<FollowUp[]> {
  const rest: FollowUp[] = [];
  const groups = new Map<string, FollowUp[]>();
  for (const f of followUps) {
    const { action } = f;
    const t = !ctx.bulkRefused && (action.kind === 'close' || action.kind === 'reopen') ? knownTransition(ctx, detailOf(f.plan, action.ticket), transitionName(ctx, action.kind)) : undefined;
    if (t) groups.set(t.id, [...(groups.get(t.id) ?? []), f]);
    else rest.push(f);
  }
  const bulk = [...groups].filter(([, g]) => g.length >= BULK_TRANSITION_MIN);
  for (const [, g] of groups) if (g.length < BULK_TRANSITION_MIN) rest.push(...g);
  if (bulk.length === 0) return rest;
  const all = bulk.flatMap(([, g]) => g);
  const kindOf = (f: FollowUp): 'close' | 'reopen' => (f.action.kind === 'reopen' ? 'reopen' : 'close');
  const ticketOf = (f: FollowUp): Ticket => (f.action as Extract<FollowUp['action'], { ticket: Ticket }>).ticket;
  let outcome: BulkTransitionOutcome;
  try {
    outcome = await ctx.deps.jira.bulkTransition(bulk.map(([transitionId, g]) => ({ transitionId, issueIds: g.map((f) => ticketOf(f).id) })));
  } catch (err) {
    if (isFatal(err)) throw err;
    // Retryable (maybe applied): the next run's search shows what happened. Refused: one by one now.
    if (!(err instanceof RetryableError) && err instanceof HttpError) {
      ctx.log.warn('Jira refused the bulk transition request; transitioning one by one', { reason: reasonOf(err) });
      return [...rest, ...all];
    }
    for (const f of all) settle(f.plan.unit, { kind: 'transient', action: kindOf(f), error: err });
    return rest;
  }
  if (outcome.kind === 'refused') {
    ctx.bulkRefused = true;
    ctx.summary.bulkTransitions.refused = true;
    ctx.log.warn('Jira refused the bulk transition API (the account lacks the global "Make bulk changes" permission); transitioning one by one', { reason: outcome.reason });
    return [...rest, ...all];
  }
  const report = ctx.summary.bulkTransitions;
  report.tasks += outcome.taskIds.length;
  const byId = new Map(all.map((f) => [ticketOf(f).id, f]));
  for (const id of outcome.moved) {
    const f = byId.get(id);
    if (!f) continue;
    report.moved++;
    ctx.summary.actions[kindOf(f)]++;
  }
  for (const { issueId, reason } of outcome.failed) {
    const f = byId.get(issueId);
    if (!f) continue;
    report.failed++;
    ctx.log.info('the bulk transition task failed for a ticket; transitioning it on its own', { key: ticketOf(f).key, reason });
    rest.push(f);
  }
  for (const id of outcome.pending) {
    const f = byId.get(id);
    if (!f) continue;
    report.pending++;
    settle(f.plan.unit, { kind: 'waiting', action: kindOf(f), reason: `bulk transition task ${outcome.taskIds.join(', ')} had not reported ${ticketOf(f).key} when the run's time was up`, untilMs: ctx.now() });
  }
  return rest;
}

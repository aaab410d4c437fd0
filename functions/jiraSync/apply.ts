import { HttpError, PermanentError, RetryableError, reasonOf } from '../../shared/errors';
import { maybeApplied, NO_TIME_FOR_WRITE, type TicketDetail, type Transition } from './clients/jira';
import { isFatal, worse, type Planned, type RunContext, type Unit, type UnitResult } from './context';
import { createAll, type FollowUp } from './create';
import { enrichment } from './enrich';
import { mapLimit } from './limit';
import type { Action, Ticket } from './model';
import { detailOf, knownTransition, moveInBulk } from './moves';
import { planIssue, ticketState } from './plan';
import { changeMarker, hasMarker, renderComment } from './render';
import { byName, START_STATUS } from './transition-cache';

/**
 * Apply: carry out the planned actions of one chunk. Creates go in bulk requests between a ledger
 * intent and the ledger result (create.ts), resolved issues' tickets created closed; closes and
 * reopens use the transitions search returned, many at once as a bulk task (moves.ts); comments
 * skip what the search's markers show. A transition or comment whose answer was lost (5xx,
 * timeout) is settled now: the ticket is read and the write redone only if it did not happen.
 * Returns how each unit ended; fatal errors are thrown.
 */
const REDO_LIMIT = 2;

export async function applyPlans(ctx: RunContext, plans: readonly Planned[]): Promise<Map<Unit, UnitResult>> {
  const results = new Map<Unit, UnitResult>();
  const settle = (unit: Unit, r: UnitResult): void => void results.set(unit, worse(results.get(unit), r));
  const creates = plans.filter((p) => p.actions[0]?.kind === 'create');
  const followUps: FollowUp[] = [];
  for (const p of plans) {
    settle(p.unit, { kind: 'done' });
    if (p.actions[0]?.kind !== 'create') for (const action of p.actions) followUps.push({ plan: p, action });
  }
  followUps.push(...(await createAll(ctx, creates, settle, (action, err) => failure(ctx, action, err))));
  const oneByOne = await moveInBulk(ctx, followUps, settle);
  await mapLimit(
    oneByOne,
    ctx.deps.jiraConcurrency ?? 8,
    async ({ plan, action }) => {
      try {
        await ticketAction(ctx, plan, action);
      } catch (err) {
        if (isFatal(err)) throw err;
        settle(plan.unit, failure(ctx, action.kind, err));
      }
    },
    ctx,
  );
  ctx.check();
  return results;
}

function failure(ctx: RunContext, action: string, err: unknown): UnitResult {
  if (err instanceof RetryableError && (err.context as { code?: string }).code === NO_TIME_FOR_WRITE) ctx.summary.stoppedEarly = true;
  return err instanceof RetryableError ? { kind: 'transient', action, error: err } : { kind: 'refused', action, error: err };
}

async function ticketAction(ctx: RunContext, p: Planned, action: Action, replanned = false): Promise<void> {
  const { jira, config } = { jira: ctx.deps.jira, config: ctx.config };
  switch (action.kind) {
    case 'close':
    case 'reopen': {
      const name = action.kind === 'close' ? config.closeTransition : config.reopenTransition;
      const ticket = detailOf(p, action.ticket);
      const known = replanned ? undefined : knownTransition(ctx, ticket, name);
      if (known) {
        try {
          await transitionOnce(ctx, action.ticket, known);
        } catch (err) {
          // The transition search offered was refused: search was behind, or the workflow changed. Ask Jira.
          if (!(err instanceof HttpError) || (err.status !== 400 && err.status !== 409)) throw err;
          const now = await jira.ticketNow(action.ticket.key);
          if (now.status !== action.ticket.status && action.ticket.status !== '') return replan(ctx, p, action.ticket, now.status);
          await transitionAsked(ctx, p, action, name, ticket, true);
        }
      } else await transitionAsked(ctx, p, action, name, ticket, replanned);
      ctx.summary.actions[action.kind]++;
      break;
    }
    case 'comment': {
      const marker = changeMarker(p.issue);
      const ticket = detailOf(p, action.ticket);
      if (ticket?.markers.some((m) => hasMarker(m, marker))) {
        ctx.summary.commentsAlreadyPresent++;
        break;
      }
      // Search's view is enough unless it left comments out or the plan is doubtful: read the ticket then.
      if (!ticket?.commentsComplete || doubtful(ctx, p, ticket)) {
        const now = await jira.ticketNow(action.ticket.key);
        if (!replanned && now.status !== action.ticket.status && ticketState({ ...action.ticket, status: now.status }, config) !== 'open') {
          return replan(ctx, p, action.ticket, now.status);
        }
        if (now.texts.some((body) => hasMarker(body, marker))) {
          ctx.summary.commentsAlreadyPresent++;
          break;
        }
      }
      const body = renderComment(p.issue, await enrichment(ctx, p.issue, false));
      await writeOnce(ctx, () => jira.addComment(action.ticket.key, body), async () => (await jira.ticketNow(action.ticket.key)).texts.some((t) => hasMarker(t, marker)));
      ctx.summary.actions.comment++;
      break;
    }
    case 'nothing':
      ctx.summary.actions.nothing++;
      break;
    default:
      break;
  }
  ctx.log.debug('applied', { haloId: p.unit.item.haloId, action: action.kind, ...('ticket' in action ? { key: action.ticket.key } : {}) });
}

/**
 * Search may not show a change made shortly before it: a ticket search shows as updated within
 * JIRA_SEARCH_LAG_SECONDS, or an issue retried after a failure, is read before a comment goes to it.
 */
function doubtful(ctx: RunContext, p: Planned, ticket: TicketDetail): boolean {
  const updated = Date.parse(ticket.updated);
  return p.unit.retry !== undefined || !Number.isFinite(updated) || updated > ctx.now() - ctx.searchLagBoundMs;
}

/** The transition as Jira offers it now (GET …/transitions), learnt for the run; a missing one is decided again or refused. */
async function transitionAsked(ctx: RunContext, p: Planned, action: Extract<Action, { kind: 'close' | 'reopen' }>, name: string, ticket: TicketDetail | undefined, replanned: boolean): Promise<void> {
  const { jira } = ctx.deps;
  const available = await jira.transitions(action.ticket.key);
  if (ticket?.issueTypeId) ctx.transitions.learn(ticket.issueTypeId, action.ticket.status || START_STATUS, available);
  const t = byName(available, name);
  if (!t) {
    const now = replanned ? undefined : await jira.ticketNow(action.ticket.key);
    if (now && now.status !== action.ticket.status) return replan(ctx, p, action.ticket, now.status);
    const names = available.map((x) => x.name).join(', ') || 'none';
    throw new PermanentError(`transition "${name}" is not available on ${action.ticket.key} (status ${action.ticket.status || 'new'}); available: ${names}`, { key: action.ticket.key });
  }
  await transitionOnce(ctx, action.ticket, t);
}

/** The transition happened when the ticket now stands in its target status. */
async function transitionOnce(ctx: RunContext, ticket: Ticket, t: Transition): Promise<void> {
  const jira = ctx.deps.jira;
  await writeOnce(
    ctx,
    () => jira.transition(ticket.key, t.id),
    async () => {
      const status = (await jira.ticketNow(ticket.key)).status;
      return t.to ? status === t.to : status !== ticket.status;
    },
  );
}

/**
 * Sends a write; when its answer is lost (it may or may not have happened), reads the ticket
 * (strongly consistent) and redoes the write only if it did not happen.
 */
async function writeOnce(ctx: RunContext, write: () => Promise<void>, happened: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await write();
      return;
    } catch (err) {
      if (!maybeApplied(err) || attempt >= REDO_LIMIT) throw err;
      if (await happened()) {
        ctx.summary.ambiguousWritesResolved++;
        return;
      }
      ctx.log.info('a Jira write whose answer was lost did not happen; sending it again', { reason: reasonOf(err) });
    }
  }
}

/**
 * Search lags behind writes: when a ticket turns out to be in another status than search
 * showed, decide again with its real status (once). A decision that now needs a new ticket
 * waits for the next run, whose search will be current.
 */
async function replan(ctx: RunContext, p: Planned, stale: Ticket, status: string): Promise<void> {
  ctx.log.debug('ticket status changed since search; deciding again', { key: stale.key, searched: stale.status, now: status });
  // Its transitions are those of another status now (ask Jira); its comments are read again before one is added.
  const seen = detailOf(p, stale) ?? { ...stale, issueTypeId: '', transitions: [], markers: [], commentsComplete: false };
  const tickets = [...p.tickets.filter((t) => t.key !== stale.key), { ...seen, status, transitions: [], commentsComplete: false }];
  for (const action of planIssue(p.issue, p.unit.item.haloId, tickets, ctx.config)) {
    if (action.kind === 'create') throw new RetryableError('ticket status changed since the search; a new ticket is needed, next run', { key: stale.key });
    if (action.kind === 'skip') continue;
    await ticketAction(ctx, { ...p, tickets }, action, true);
  }
}


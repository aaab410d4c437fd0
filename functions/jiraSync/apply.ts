import { PermanentError, RetryableError, reasonOf } from '../../shared/errors';
import { maybeApplied, NO_TIME_FOR_WRITE, type Transition } from './clients/jira';
import { isFatal, worse, type Planned, type RunContext, type Unit, type UnitResult } from './context';
import { enrichment } from './enrich';
import { createFields } from './fields';
import { mapLimit } from './limit';
import type { Action, Ticket } from './model';
import { planIssue, ticketState } from './plan';
import { changeMarker, hasMarker, renderComment, renderDescription, renderSummary } from './render';
import { ledgerExpiry } from './state/rules';
import type { LedgerEntry } from './state/store';

/**
 * Apply: carry out the planned actions of one chunk. Creates go in one bulk request, between a
 * ledger intent (before) and the ledger result (after). A transition or comment whose answer was
 * lost (5xx, timeout) is settled now: the ticket is read and the write redone only if it did not
 * happen. Returns how each unit ended; fatal errors are thrown.
 */
const REDO_LIMIT = 2;

export async function applyPlans(ctx: RunContext, plans: readonly Planned[]): Promise<Map<Unit, UnitResult>> {
  const results = new Map<Unit, UnitResult>();
  const settle = (unit: Unit, r: UnitResult): void => void results.set(unit, worse(results.get(unit), r));
  const creates = plans.filter((p) => p.actions[0]?.kind === 'create');
  const followUps: Array<{ plan: Planned; action: Action }> = [];
  for (const p of plans) {
    settle(p.unit, { kind: 'done' });
    if (p.actions[0]?.kind !== 'create') for (const action of p.actions) followUps.push({ plan: p, action });
  }
  followUps.push(...(await createAll(ctx, creates, settle)));
  await mapLimit(
    followUps,
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

/** Creates the chunk's tickets in one bulk request; returns the closes owed by resolved issues. */
async function createAll(ctx: RunContext, creates: readonly Planned[], settle: (u: Unit, r: UnitResult) => void): Promise<Array<{ plan: Planned; action: Action }>> {
  if (creates.length === 0) return [];
  const { jira, state } = ctx.deps;
  const inputs = await mapLimit(
    creates,
    ctx.deps.haloConcurrency ?? 16,
    async (p) => {
      const more = await enrichment(ctx, p.issue, true);
      return createFields(ctx.config, ctx.fields, { issue: p.issue, summary: renderSummary(p.issue), description: renderDescription(p.issue, more) });
    },
    ctx,
  );
  ctx.check();
  const at = ctx.now();
  const ids = creates.map((p) => p.unit.item.haloId);
  await state.writeLedger(ids.map((haloId) => ({ entry: { haloId, state: 'intent', runId: ctx.runId, at } })));
  let answers;
  try {
    answers = await jira.createTickets(inputs);
  } catch (err) {
    if (isFatal(err)) throw err;
    // Surely not applied (429s to the end, refused connection, no time left): the intents go too.
    if (!maybeApplied(err)) await state.deleteLedger(ids);
    else ctx.log.warn('bulk create answer lost: the ledger holds these creates until search can be trusted', { haloIds: ids, reason: reasonOf(err) });
    for (const p of creates) settle(p.unit, failure(ctx, 'create', err));
    return [];
  }
  const done: LedgerEntry[] = [];
  const refused: string[] = [];
  const closes: Array<{ plan: Planned; action: Action }> = [];
  answers.forEach((r, i) => {
    const p = creates[i]!;
    const haloId = p.unit.item.haloId;
    if (!r.ok) {
      refused.push(haloId);
      settle(p.unit, { kind: 'refused', action: 'create', error: r.error });
      return;
    }
    done.push({ haloId, state: 'created', runId: ctx.runId, at, ticketId: r.id, ticketKey: r.key });
    const ticket: Ticket = { id: r.id, key: r.key, status: '', updated: new Date(ctx.now()).toISOString(), haloId };
    ctx.summary.actions.create++;
    ctx.log.debug('created', { haloId, key: r.key });
    const a = p.actions[0];
    if (a?.kind === 'create' && a.thenClose) closes.push({ plan: p, action: { kind: 'close', haloId, ticket, reason: 'created for a resolved issue' } });
  });
  await state.writeLedger(done.map((entry) => ({ entry, expiresAt: ledgerExpiry(entry, ctx.searchLagBoundMs) })));
  await state.deleteLedger(refused);
  return closes;
}

async function ticketAction(ctx: RunContext, p: Planned, action: Action, replanned = false): Promise<void> {
  const { jira, config } = { jira: ctx.deps.jira, config: ctx.config };
  switch (action.kind) {
    case 'close':
    case 'reopen': {
      const name = action.kind === 'close' ? config.closeTransition : config.reopenTransition;
      const available = await jira.transitions(action.ticket.key);
      const t = available.find((x) => x.name === name) ?? available.find((x) => x.name.toLowerCase() === name.toLowerCase());
      if (!t) {
        const now = replanned ? undefined : await jira.ticketNow(action.ticket.key);
        if (now && now.status !== action.ticket.status) return replan(ctx, p, action.ticket, now.status);
        const names = available.map((x) => x.name).join(', ') || 'none';
        throw new PermanentError(`transition "${name}" is not available on ${action.ticket.key} (status ${action.ticket.status || 'new'}); available: ${names}`, { key: action.ticket.key });
      }
      await transitionOnce(ctx, action.ticket, t);
      ctx.summary.actions[action.kind]++;
      break;
    }
    case 'comment': {
      const now = await jira.ticketNow(action.ticket.key);
      if (!replanned && now.status !== action.ticket.status && ticketState({ ...action.ticket, status: now.status }, config) !== 'open') {
        return replan(ctx, p, action.ticket, now.status);
      }
      const marker = changeMarker(p.issue);
      if (now.texts.some((body) => hasMarker(body, marker))) {
        ctx.summary.commentsAlreadyPresent++;
        break;
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
  const tickets = [...p.tickets.filter((t) => t.key !== stale.key), { ...stale, status }];
  for (const action of planIssue(p.issue, p.unit.item.haloId, tickets, ctx.config)) {
    if (action.kind === 'create') throw new RetryableError('ticket status changed since the search; a new ticket is needed, next run', { key: stale.key });
    if (action.kind === 'skip') continue;
    await ticketAction(ctx, { ...p, tickets }, action, true);
  }
}


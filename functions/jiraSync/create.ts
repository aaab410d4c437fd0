import { reasonOf } from '../../shared/errors';
import { maybeApplied, type BulkCreateResult, type TicketDetail } from './clients/jira';
import { isFatal, type Planned, type RunContext, type Unit, type UnitResult } from './context';
import { enrichment } from './enrich';
import { createFields } from './fields';
import { mapLimit } from './limit';
import type { Action } from './model';
import { renderDescription, renderSummary } from './render';
import { ledgerExpiry } from './state/rules';
import type { LedgerEntry } from './state/store';
import { START_STATUS } from './transition-cache';

/** A close or reopen still owed after the creates (or planned for an existing ticket). */
export interface FollowUp {
  plan: Planned;
  action: Action;
}

interface Item {
  plan: Planned;
  fields: Record<string, unknown>;
  /** A resolved issue: its ticket is created closed (or closed right after). */
  closed: boolean;
}

/**
 * Creates one chunk's tickets in bulk requests, between a ledger intent per Halo id (written right
 * before the request that creates it) and the ledger result (after the last). A ticket for a resolved issue is created
 * closed: the close transition from the start status goes into the bulk create. Its id is learnt
 * once per run: the first chunk with creates sends its active issues (or one resolved issue)
 * first, reads the transitions of one new ticket, then sends the rest with the id; chunks in
 * flight wait for that. An element whose transition Jira refused is created again without one
 * and closed on its own; when Jira refused it for every element of a request, the run stops
 * asking for it. Returns the closes still owed; fatal errors are thrown.
 */
export async function createAll(ctx: RunContext, creates: readonly Planned[], settle: (u: Unit, r: UnitResult) => void, failure: (action: string, err: unknown) => UnitResult): Promise<FollowUp[]> {
  if (creates.length === 0) return [];
  const { state } = ctx.deps;
  const items = await mapLimit(
    creates,
    ctx.deps.haloConcurrency ?? 16,
    async (plan): Promise<Item> => {
      const more = await enrichment(ctx, plan.issue, true);
      const fields = createFields(ctx.config, ctx.fields, { issue: plan.issue, summary: renderSummary(plan.issue), description: renderDescription(plan.issue, more) });
      return { plan, fields, closed: plan.actions[0]?.kind === 'create' && plan.actions[0].thenClose };
    },
    ctx,
  );
  ctx.check();
  const wave = new CreateWave(ctx, settle, failure);
  let rest = items;
  if (items.some((i) => i.closed) && !ctx.transitions.knows(ctx.issueTypeId, START_STATUS)) {
    if (ctx.startTransitions) await ctx.startTransitions;
    else {
      let learnt!: () => void;
      ctx.startTransitions = new Promise<void>((r) => (learnt = r));
      try {
        const active = items.filter((i) => !i.closed);
        const first = active.length > 0 ? active : items.slice(0, 1);
        rest = items.filter((i) => !first.includes(i));
        await wave.send(first, false);
        if (wave.probe) await learnStart(ctx, wave.probe);
      } finally {
        learnt();
      }
    }
  }
  const again = await wave.send(rest, true);
  await wave.send(again, false);
  await state.writeLedger(wave.done.map((entry) => ({ entry, expiresAt: ledgerExpiry(entry, ctx.searchLagBoundMs) })));
  await state.deleteLedger(wave.forget);
  return wave.closes;
}

/** The transitions of a new ticket are those of the start status: learnt once, for every later create. */
async function learnStart(ctx: RunContext, key: string): Promise<void> {
  try {
    ctx.transitions.learn(ctx.issueTypeId, START_STATUS, await ctx.deps.jira.transitions(key));
  } catch (err) {
    if (isFatal(err)) throw err;
    ctx.log.warn('could not read the transitions of a new ticket; resolved issues get their tickets closed one by one', { key, reason: reasonOf(err) });
  }
}

/** The bulk creates of one chunk and what they settled. */
class CreateWave {
  readonly done: LedgerEntry[] = [];
  /** Halo ids surely without a ticket from this chunk (refused, or surely not applied): their intents go. */
  readonly forget: string[] = [];
  readonly closes: FollowUp[] = [];
  /** A ticket created in its start status, to learn the start status's transitions from. */
  probe?: string;

  constructor(
    private readonly ctx: RunContext,
    private readonly settle: (u: Unit, r: UnitResult) => void,
    private readonly failure: (action: string, err: unknown) => UnitResult,
  ) {}

  /** One bulk create (≤ 50 per request); returns the items whose transition alone Jira refused. */
  async send(items: readonly Item[], withClose: boolean): Promise<Item[]> {
    if (items.length === 0) return [];
    const { ctx } = this;
    const close = withClose ? ctx.transitions.find(ctx.issueTypeId, START_STATUS, ctx.config.closeTransition) : undefined;
    const asked = items.map((i) => (i.closed && close ? close.id : undefined));
    // The intent is stamped right before its request: a later run trusts search for these ids
    // JIRA_SEARCH_LAG_SECONDS after this instant, so it must not predate the request (a chunk may
    // wait for another to learn the close transition, or send a second request after its first).
    const at = ctx.now();
    const intents = items.map((i): LedgerEntry => ({ haloId: i.plan.unit.item.haloId, state: 'intent', runId: ctx.runId, at }));
    await ctx.deps.state.writeLedger(intents.map((entry) => ({ entry, expiresAt: ledgerExpiry(entry, ctx.searchLagBoundMs) })));
    let answers: BulkCreateResult[];
    try {
      answers = await ctx.deps.jira.createTicketsWith(items.map((i, k) => ({ fields: i.fields, ...(asked[k] ? { transitionId: asked[k] } : {}) })));
    } catch (err) {
      if (isFatal(err)) throw err;
      const ids = items.map((i) => i.plan.unit.item.haloId);
      // Surely not applied (429s to the end, refused connection, no time left): the intents go too.
      if (!maybeApplied(err)) this.forget.push(...ids);
      else ctx.log.warn('bulk create answer lost: the ledger holds these creates until search can be trusted', { haloIds: ids, reason: reasonOf(err) });
      for (const i of items) this.settle(i.plan.unit, this.failure('create', err));
      return [];
    }
    const again: Item[] = [];
    answers.forEach((r, k) => {
      const item = items[k];
      if (!item) return;
      const { plan, closed } = item;
      const haloId = plan.unit.item.haloId;
      if (!r.ok) {
        if (r.transitionRefused && asked[k]) {
          ctx.log.info('Jira refused the close transition in the bulk create; creating the ticket again without it', { haloId, reason: r.error.message });
          again.push(item);
          return;
        }
        this.forget.push(haloId);
        this.settle(plan.unit, { kind: 'refused', action: 'create', error: r.error });
        return;
      }
      this.done.push({ haloId, state: 'created', runId: ctx.runId, at, ticketId: r.id, ticketKey: r.key });
      ctx.summary.actions.create++;
      ctx.log.debug('created', { haloId, key: r.key, closed: r.transitioned === true });
      if (!asked[k]) this.probe ??= r.key;
      if (!closed) return;
      if (r.transitioned) {
        ctx.summary.actions.close++;
        ctx.summary.createdClosed++;
        return;
      }
      const ticket: TicketDetail = { id: r.id, key: r.key, status: '', updated: new Date(ctx.now()).toISOString(), haloId, issueTypeId: ctx.issueTypeId, transitions: [], markers: [], commentsComplete: true };
      this.closes.push({ plan: { ...plan, tickets: [ticket] }, action: { kind: 'close', haloId, ticket, reason: 'created for a resolved issue' } });
    });
    // Refused for every element that carried it: the transition, not the items, is the problem.
    const carried = asked.filter((id) => id !== undefined).length;
    if (close && carried > 0 && again.length === carried) ctx.transitions.refuse(ctx.issueTypeId, START_STATUS, close.id);
    return again;
  }
}

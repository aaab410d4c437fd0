import { HttpError } from '../../shared/errors';
import { markersIn } from './clients/jira-replies';
import type { TicketDetail } from './clients/jira';
import type { Described, Planned, RunContext, Unit, UnitResult } from './context';
import { planIssue } from './plan';
import { createGate, ledgerExpiry } from './state/rules';
import type { LedgerEntry } from './state/store';

/**
 * Plan: for one chunk of described issues, read the create ledger (strongly consistent), run one
 * Jira search (both id spellings; ledger tickets as reconcileIssues, so search reads them after
 * the write; with each ticket's transitions and change markers, so closes, reopens and comments
 * need no GET), and apply the decision table. A create is held back while an earlier create of the
 * same Halo id has no recorded answer and search cannot be trusted to show its ticket yet.
 */
export interface ChunkPlan {
  plans: Planned[];
  results: Map<Unit, UnitResult>;
}

export async function planChunk(ctx: RunContext, described: readonly Described[]): Promise<ChunkPlan> {
  const { jira, state } = ctx.deps;
  const results = new Map<Unit, UnitResult>();
  const live = described.filter((d) => d.issue !== undefined);
  const ids = live.map((d) => d.unit.item.haloId);
  const ledger = ids.length ? await state.readLedger(ids) : new Map<string, LedgerEntry>();
  const reconcile = [...ledger.values()].flatMap((e) => (e.state === 'created' ? [e.ticketId] : []));
  const found = await jira.findTicketDetails(ctx.fields.haloId, ids, reconcile);
  ctx.transitions.learnFromSearch(found);
  const resolved: LedgerEntry[] = [];
  const plans: Planned[] = [];
  for (const d of described) {
    const haloId = d.unit.item.haloId;
    const entry = ledger.get(haloId);
    const known = found.filter((t) => t.haloId === haloId);
    const recorded = entry?.state === 'created' && !known.some((t) => t.id === entry.ticketId) ? await ledgerTicket(ctx, entry) : undefined;
    if (recorded) known.push(recorded);
    // An unanswered create whose ticket search now shows: record it, so the next run needs no wait.
    const newest = entry?.state === 'intent' ? [...known].sort((a, b) => Date.parse(b.updated) - Date.parse(a.updated))[0] : undefined;
    if (newest && entry?.state === 'intent') {
      resolved.push({ haloId, state: 'created', runId: entry.runId, at: entry.at, ticketId: newest.id, ticketKey: newest.key });
    }
    const actions = planIssue(d.issue, haloId, known, ctx.config);
    const first = actions[0];
    if (first?.kind === 'skip') {
      ctx.summary.skipped[first.reason] = (ctx.summary.skipped[first.reason] ?? 0) + 1;
      ctx.log.debug('skipped', { haloId, reason: first.reason });
      results.set(d.unit, { kind: 'done' });
      continue;
    }
    if (first?.kind === 'create') {
      const gate = createGate(entry, ctx.now(), ctx.searchLagBoundMs);
      if (gate.kind === 'wait') {
        ctx.log.info('create held back: an earlier create has no recorded answer', { haloId, until: new Date(gate.untilMs).toISOString() });
        results.set(d.unit, { kind: 'waiting', action: 'create', reason: gate.reason, untilMs: gate.untilMs });
        continue;
      }
    }
    // planIssue skips an issue Halo no longer has, so `d.issue` is there whenever actions remain.
    if (d.issue) plans.push({ unit: d.unit, issue: d.issue, tickets: known, actions });
  }
  if (resolved.length && !ctx.config.dryRun) await state.writeLedger(resolved.map((entry) => ({ entry, expiresAt: ledgerExpiry(entry, ctx.searchLagBoundMs) })));
  return { plans, results };
}

/**
 * The ticket the ledger recorded but search did not return although it was reconciled: read it
 * directly (strongly consistent); a 404 means it was deleted, and the issue is planned without it.
 */
async function ledgerTicket(ctx: RunContext, entry: Extract<LedgerEntry, { state: 'created' }>): Promise<TicketDetail | undefined> {
  try {
    const now = await ctx.deps.jira.ticketNow(entry.ticketKey);
    // Transitions unknown (a close or reopen asks Jira); the markers are read, all of them.
    return {
      id: entry.ticketId, key: entry.ticketKey, status: now.status, updated: new Date(ctx.now()).toISOString(), haloId: entry.haloId,
      issueTypeId: '', transitions: [], markers: markersIn(now.texts), commentsComplete: true,
    };
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return undefined;
    throw err;
  }
}

import type { Action, HaloIssue, SkipReason, Ticket } from './model';

/**
 * The decision table: one Halo issue plus the Jira tickets carrying its id → the actions to take.
 * Pure: no I/O, no clock. The first matching row wins; see docs/jiraSync.md for the table.
 */
export interface PlanOptions {
  statusClosed: string;
  statusHardClosed: readonly string[];
  noComment: boolean;
  noSva: boolean;
  excludedSources: ReadonlySet<string>;
}

/** Halo v3 issue types the tool reconciles (the original 2.0.0 list). */
const SUPPORTED_TYPES: ReadonlySet<string> = new Set(['lids', 'csm', 'fim', 'sva', 'sam', 'fw', 'agent', 'image_sva']);

/** Why an issue is not reconciled at all, before looking at Jira; undefined = reconcile it. */
function skipReason(issue: HaloIssue | undefined, opts: Pick<PlanOptions, 'noSva' | 'excludedSources'>): SkipReason | undefined {
  if (!issue) return 'deleted';
  if (!issue.type || !SUPPORTED_TYPES.has(issue.type)) return 'unsupported-type';
  if (issue.status !== 'active' && issue.status !== 'resolved') return 'unsupported-status';
  if (opts.noSva && issue.type === 'sva') return 'filtered-sva';
  if (issue.source && opts.excludedSources.has(issue.source)) return 'filtered-source';
  return undefined;
}

export type TicketState = 'open' | 'closed' | 'hard-closed';

export function ticketState(ticket: Ticket, opts: Pick<PlanOptions, 'statusClosed' | 'statusHardClosed'>): TicketState {
  if (opts.statusHardClosed.includes(ticket.status)) return 'hard-closed';
  if (ticket.status === opts.statusClosed) return 'closed';
  return 'open';
}

const byUpdatedDesc = (a: Ticket, b: Ticket): number => Date.parse(b.updated) - Date.parse(a.updated) || b.key.localeCompare(a.key);

/**
 * `tickets` must already be the exact matches for `issue.id` (correlation verifies equality).
 * Resolved issues close every open ticket so none stays open; comments go to the most recently
 * updated open ticket; reopen picks the most recently updated re-openable one.
 */
export function planIssue(issue: HaloIssue | undefined, haloId: string, tickets: readonly Ticket[], opts: PlanOptions): Action[] {
  const skip = skipReason(issue, opts);
  if (skip || !issue) return [{ kind: 'skip', haloId, reason: skip ?? 'deleted' }];
  const mine = tickets.filter((t) => t.haloId === haloId);
  const open = mine.filter((t) => ticketState(t, opts) === 'open').sort(byUpdatedDesc);
  const closed = mine.filter((t) => ticketState(t, opts) === 'closed').sort(byUpdatedDesc);
  const hard = mine.filter((t) => ticketState(t, opts) === 'hard-closed');

  if (issue.status === 'active') {
    const [target] = open;
    if (target) {
      return opts.noComment
        ? [{ kind: 'skip', haloId, reason: 'comments-disabled' }]
        : [{ kind: 'comment', haloId, ticket: target, reason: 'active issue with an open ticket' }];
    }
    const [reopenable] = closed;
    if (reopenable) return [{ kind: 'reopen', haloId, ticket: reopenable, reason: 'active issue, ticket closed' }];
    if (hard.length > 0) return [{ kind: 'create', haloId, thenClose: false, reason: 'active issue, tickets hard-closed only' }];
    return [{ kind: 'create', haloId, thenClose: false, reason: 'active issue without a ticket' }];
  }
  // resolved
  if (open.length > 0) return open.map((ticket) => ({ kind: 'close', haloId, ticket, reason: 'resolved issue with an open ticket' }) as const);
  if (closed.length > 0 || hard.length > 0) return [{ kind: 'nothing', haloId, reason: 'resolved issue, ticket already closed' }];
  return [{ kind: 'create', haloId, thenClose: true, reason: 'resolved issue without a ticket' }];
}

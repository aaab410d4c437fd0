import type { Transition } from './clients/jira-replies';

/**
 * What Jira offers from a status, per issue type, learnt during one run from what the run already
 * reads (search with expand=transitions, or a GET …/transitions when nothing else told us), so the
 * close / reopen transition ids are looked up, not fetched, for every further ticket. Pure, no I/O.
 *
 * START_STATUS stands for "as created": the status a new ticket of the type starts in, whatever its
 * name. Its close transition id goes into the bulk create, so resolved issues get closed tickets.
 */
export const START_STATUS = '\u0000start';

const key = (issueTypeId: string, status: string): string => `${issueTypeId}\u0000${status}`;

/** The transition called `name` (exact first, then ignoring case, as the settings are matched). */
export function byName(list: readonly Transition[], name: string): Transition | undefined {
  return list.find((x) => x.name === name) ?? list.find((x) => x.name.toLowerCase() === name.toLowerCase());
}

export class TransitionCache {
  private readonly offered = new Map<string, Transition[]>();
  private readonly refused = new Set<string>();

  /** Remembers the transitions Jira offers from `status` (replaces what was known). */
  learn(issueTypeId: string, status: string, transitions: readonly Transition[]): void {
    this.offered.set(key(issueTypeId, status), transitions.map((t) => ({ ...t })));
  }

  /** Whether the transitions from that status are known: a miss from `find` then means "not offered". */
  knows(issueTypeId: string, status: string): boolean {
    return this.offered.has(key(issueTypeId, status));
  }

  /**
   * The transition called `name` from that status (exact name first, then ignoring case, as
   * ISSUE_CLOSE_TRANSITION / ISSUE_REOPEN_TRANSITION are matched), unless Jira refused it there.
   */
  find(issueTypeId: string, status: string, name: string): Transition | undefined {
    const list = this.offered.get(key(issueTypeId, status)) ?? [];
    const t = byName(list, name);
    return t && !this.refused.has(`${key(issueTypeId, status)}\u0000${t.id}`) ? { ...t } : undefined;
  }

  /** Jira refused `transitionId` from that status (e.g. in a bulk create): never offered again this run. */
  refuse(issueTypeId: string, status: string, transitionId: string): void {
    this.refused.add(`${key(issueTypeId, status)}\u0000${transitionId}`);
  }

  /** Learns from tickets as search returned them (issue type, status, expand=transitions). */
  learnFromSearch(tickets: ReadonlyArray<{ issueTypeId: string; status: string; transitions: readonly Transition[] }>): void {
    for (const t of tickets) if (t.issueTypeId && t.status) this.learn(t.issueTypeId, t.status, t.transitions);
  }
}

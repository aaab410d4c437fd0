/**
 * Pure reading of a Jira workflow (GET /rest/api/3/workflow/search?expand=transitions,statuses):
 * does the configured close/reopen transition exist, and does it lead from where the sync needs
 * it (an open status / ISSUE_STATUS_CLOSED) to where it needs (ISSUE_STATUS_CLOSED / an open status)?
 */
export interface WorkflowBean {
  id?: { name?: string };
  statuses?: Array<{ id: string; name: string }>;
  transitions?: Array<{ id: string; name: string; from?: string[]; to?: string; type?: string }>;
}

export interface Flow {
  workflow: string;
  name: string;
  /** Status names; undefined = global transition (from any status). */
  from?: string[];
  to: string;
}

export interface Verdict {
  ok: boolean;
  detail: string;
  fix?: string;
  warnings: string[];
}

export function flowsOf(bean: WorkflowBean, statusNames: ReadonlyMap<string, string>): Flow[] {
  const local = new Map((bean.statuses ?? []).map((s) => [s.id, s.name]));
  const nameOf = (id: string): string => local.get(id) ?? statusNames.get(id) ?? id;
  return (bean.transitions ?? []).map((t) => ({
    workflow: bean.id?.name ?? '?',
    name: t.name,
    from: t.type === 'global' || !t.from || t.from.length === 0 ? undefined : t.from.map(nameOf),
    to: nameOf(t.to ?? ''),
  }));
}

export interface TransitionRule {
  variable: 'ISSUE_CLOSE_TRANSITION' | 'ISSUE_REOPEN_TRANSITION';
  transition: string;
  /** Statuses the transition must start from (at least one of them). */
  mustStartFrom: readonly string[];
  /** Statuses the transition must lead to (one of them). */
  mustLeadTo: readonly string[];
  /** Words for the messages: "an open status", `ISSUE_STATUS_CLOSED="Closed"`. */
  fromLabel: string;
  toLabel: string;
}

const list = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

export function checkTransition(rule: TransitionRule, flows: readonly Flow[]): Verdict {
  const named = flows.filter((f) => f.name === rule.transition);
  const where = 'Jira: Project settings → Workflows → edit the workflow';
  if (named.length === 0) {
    const near = flows.filter((f) => f.name.toLowerCase() === rule.transition.toLowerCase()).map((f) => f.name);
    const names = [...new Set(flows.map((f) => f.name))];
    return {
      ok: false,
      detail: `no transition named "${rule.transition}"${near.length ? ` (did you mean "${near[0]}"? names are case-sensitive)` : ''}; the workflow has ${list(names) || 'no transitions'}`,
      fix: `set ${rule.variable} to the exact name of a transition that leads to ${rule.toLabel}, or add one (${where})`,
      warnings: [],
    };
  }
  const leading = named.filter((f) => rule.mustLeadTo.includes(f.to));
  if (leading.length === 0) {
    const targets = [...new Set(named.map((f) => f.to))];
    return {
      ok: false,
      detail: `"${rule.transition}" leads to ${list(targets)}, not to ${rule.toLabel}`,
      fix: `point ${rule.variable} at a transition that ends in ${rule.toLabel}, or fix the status variables to match the workflow (${where})`,
      warnings: [],
    };
  }
  const usable = leading.filter((f) => f.from === undefined || f.from.some((s) => rule.mustStartFrom.includes(s)));
  if (usable.length === 0) {
    const sources = [...new Set(leading.flatMap((f) => f.from ?? []))];
    return {
      ok: false,
      detail: `"${rule.transition}" starts only from ${list(sources)}, never from ${rule.fromLabel} (${list(rule.mustStartFrom)})`,
      fix: `allow "${rule.transition}" from ${rule.fromLabel} (${where}), or choose another transition for ${rule.variable}`,
      warnings: [],
    };
  }
  const global = usable.some((f) => f.from === undefined);
  const covered = new Set(usable.flatMap((f) => f.from ?? []));
  const uncovered = global ? [] : rule.mustStartFrom.filter((s) => !covered.has(s));
  const from = global ? 'any status' : [...covered].filter((s) => rule.mustStartFrom.includes(s)).join(', ');
  return {
    ok: true,
    detail: `"${rule.transition}": ${from} → ${[...new Set(usable.map((f) => f.to))].join(', ')} (workflow "${usable[0]?.workflow}")`,
    warnings: uncovered.length ? [`"${rule.transition}" is not available from ${list(uncovered)}: tickets in those statuses are left as they are`] : [],
  };
}

import type { CheckResult, Site } from './finding';
import { checkTransition, flowsOf, type Flow, type WorkflowBean } from './workflow';

/**
 * Checks 5-7: the close and reopen transitions in the project's workflow, and the closed /
 * hard-closed statuses. `workflowOf` asks Jira; the two checks judge its answer without I/O.
 */
interface StatusBean { id: string; name: string; statusCategory?: { key?: string } }

export interface ProjectWorkflow {
  flows: Flow[];
  statuses: StatusBean[];
  /** Where the transitions came from, for messages: `workflow "X"` or `workflow/search`. */
  source: string;
}

/** The project's workflow for the issue type: via its workflow scheme when the site offers it, else every workflow. */
export async function workflowOf({ jira, project, issueType }: Pick<Site, 'jira' | 'project' | 'issueType'>): Promise<ProjectWorkflow> {
  let statuses: StatusBean[] = [];
  try {
    const perType = await jira.get<Array<{ id: string; name: string; statuses?: StatusBean[] }>>(`/rest/api/3/project/${encodeURIComponent(project.key)}/statuses`);
    statuses = (perType.find((t) => t.id === issueType?.id) ?? perType[0])?.statuses ?? [];
  } catch {
    statuses = await jira.get<StatusBean[]>('/rest/api/3/status').catch(() => []);
  }
  let workflowName: string | undefined;
  try {
    const schemes = await jira.get<{ values?: Array<{ workflowScheme?: { defaultWorkflow?: string; issueTypeMappings?: Record<string, string> } }> }>(
      '/rest/api/3/workflowscheme/project', { projectId: project.id },
    );
    const scheme = schemes.values?.[0]?.workflowScheme;
    workflowName = (issueType && scheme?.issueTypeMappings?.[issueType.id]) ?? scheme?.defaultWorkflow;
  } catch {
    // Not offered (or not allowed): fall back to every workflow of the site.
  }
  const search = await jira.get<{ values?: WorkflowBean[] }>('/rest/api/3/workflow/search', {
    expand: 'transitions,statuses', ...(workflowName ? { workflowName } : {}),
  }).catch(() => ({ values: [] as WorkflowBean[] }));
  const byId = new Map(statuses.map((s) => [s.id, s.name]));
  const flows = (search.values ?? []).flatMap((w) => flowsOf(w, byId));
  return { flows, statuses, source: workflowName ? `workflow "${workflowName}"` : 'workflow/search' };
}

/** 5-6. ISSUE_CLOSE_TRANSITION leads from an open status to the closed one; ISSUE_REOPEN_TRANSITION back. */
export function transitionChecks({ config, user }: Pick<Site, 'config' | 'user'>, workflow: ProjectWorkflow): [CheckResult, CheckResult] {
  const { flows, statuses, source } = workflow;
  if (flows.length === 0) {
    const none = (id: string, title: string): CheckResult => ({
      id, title, status: 'fail', detail: `no workflow transitions visible (${source})`,
      fix: `${user} needs to read the workflow (Administer Jira is not required for workflow/search on Cloud; check the API token's scopes)`,
    });
    return [none('close-transition', 'close transition'), none('reopen-transition', 'reopen transition')];
  }
  const closedSet = new Set([config.statusClosed, ...config.statusHardClosed]);
  const open = statuses.map((s) => s.name).filter((n) => !closedSet.has(n));
  const close = checkTransition({
    variable: 'ISSUE_CLOSE_TRANSITION', transition: config.closeTransition, mustStartFrom: open, mustLeadTo: [config.statusClosed],
    fromLabel: 'an open status', toLabel: `ISSUE_STATUS_CLOSED="${config.statusClosed}"`,
  }, flows);
  const reopen = checkTransition({
    variable: 'ISSUE_REOPEN_TRANSITION', transition: config.reopenTransition, mustStartFrom: [config.statusClosed], mustLeadTo: open,
    fromLabel: `ISSUE_STATUS_CLOSED="${config.statusClosed}"`, toLabel: 'an open status',
  }, flows);
  const result = (id: string, title: string, v: typeof close): CheckResult => ({
    id, title, status: v.ok ? (v.warnings.length ? 'warn' : 'pass') : 'fail', detail: [v.detail, ...v.warnings].join('; '), fix: v.fix,
  });
  return [result('close-transition', 'close transition', close), result('reopen-transition', 'reopen transition', reopen)];
}

/** 7. ISSUE_STATUS_CLOSED and STATUS_HARD_CLOSED are statuses of the project; closed is in the Done category. */
export function statusesCheck(
  { config, project, issueType }: Pick<Site, 'config' | 'project' | 'issueType'>,
  statuses: readonly StatusBean[],
): CheckResult {
  const names = statuses.map((s) => s.name);
  const missing = [config.statusClosed, ...config.statusHardClosed].filter((s) => !names.includes(s));
  if (missing.length) {
    return {
      id: 'statuses', title: 'statuses', status: 'fail',
      detail: `${missing.map((s) => `"${s}"`).join(', ')} not among the statuses of ${project.key}${issueType ? `/${issueType.name}` : ''} (${names.map((n) => `"${n}"`).join(', ')})`,
      fix: 'set ISSUE_STATUS_CLOSED / STATUS_HARD_CLOSED to exact status names (case-sensitive) of this workflow',
    };
  }
  const closedCategory = statuses.find((s) => s.name === config.statusClosed)?.statusCategory?.key;
  const notDone = Boolean(closedCategory) && closedCategory !== 'done';
  return {
    id: 'statuses', title: 'statuses', status: notDone ? 'warn' : 'pass',
    detail: `closed "${config.statusClosed}"${config.statusHardClosed.length ? `, hard-closed ${config.statusHardClosed.map((s) => `"${s}"`).join(', ')}` : ''} exist` +
      (notDone ? `; "${config.statusClosed}" is not in the Done category, so Jira reports keep it open` : ''),
  };
}

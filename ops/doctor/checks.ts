import { HttpError, ConfigError } from '../../shared/errors';
import type { SyncConfig } from '../../functions/jiraSync/config';
import { resolveFields, type JiraField, type ResolvedField } from '../../functions/jiraSync/fields';
import type { JiraClient } from '../../functions/jiraSync/clients/jira';
import { sampleHaloValue, valueProblem, type FieldMeta } from './values';
import { typedFieldChecks } from './typed-fields';
import { checkTransition, flowsOf, type Flow, type WorkflowBean } from './workflow';

/**
 * The doctor's checklist, run against the live Jira through jiraSync's own client, in the order
 * an admin would look: who am I, the project, its issue type and create screen, the id field and
 * its search, the workflow, the statuses, the mapped and static fields, the permissions.
 */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export type JiraProbe = Pick<JiraClient, 'get' | 'fields' | 'findTickets'>;

/** The permissions the sync uses: find, create, comment on and transition tickets. */
export const REQUIRED_PERMISSIONS = ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'ADD_COMMENTS', 'TRANSITION_ISSUES'] as const;

const PERMISSION_USE: Record<(typeof REQUIRED_PERMISSIONS)[number], string> = {
  BROWSE_PROJECTS: 'find existing tickets',
  CREATE_ISSUES: 'create tickets',
  ADD_COMMENTS: 'comment on tickets',
  TRANSITION_ISSUES: 'close and reopen tickets',
};

/** Why Jira said no, in its own words. */
export function jiraSays(err: unknown): string {
  if (err instanceof HttpError) {
    const body = err.body as { errorMessages?: string[]; errors?: Record<string, string> } | undefined;
    const words = [...(body?.errorMessages ?? []), ...Object.entries(body?.errors ?? {}).map(([k, v]) => `${k}: ${v}`)].join('; ');
    return `HTTP ${err.status}${words ? `: ${words}` : ''}`;
  }
  return (err as Error).message ?? String(err);
}

const statusOf = (err: unknown): number | undefined => (err instanceof HttpError ? err.status : undefined);

interface Project { id: string; key: string; name: string }
interface IssueType { id: string; name: string }
interface StatusBean { id: string; name: string; statusCategory?: { key?: string } }

export async function runChecks(config: SyncConfig, jira: JiraProbe, user: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (r: CheckResult): CheckResult => (results.push(r), r);
  const skipRest = (ids: ReadonlyArray<[string, string]>, why: string): void => {
    for (const [id, title] of ids) add({ id, title, status: 'skip', detail: `skipped: ${why}` });
  };
  const LATER: Array<[string, string]> = [
    ['project', 'project'], ['issue-type', 'issue type'], ['id-field', 'id field'], ['close-transition', 'close transition'],
    ['reopen-transition', 'reopen transition'], ['statuses', 'statuses'], ['mapped-fields', 'mapped fields'],
    ['static-fields', 'static fields'], ['required-fields', 'required fields'], ['permissions', 'permissions'],
  ];

  // 1. Credentials
  try {
    const me = await jira.get<{ displayName?: string; emailAddress?: string; accountId?: string }>('/rest/api/3/myself');
    const mismatch = me.emailAddress && me.emailAddress.toLowerCase() !== user.toLowerCase();
    add({
      id: 'credentials', title: 'credentials', status: mismatch ? 'warn' : 'pass',
      detail: `authenticated as ${me.displayName ?? me.accountId ?? '?'}${me.emailAddress ? ` <${me.emailAddress}>` : ''}${mismatch ? `, not JIRA_API_USER=${user}` : ''}`,
    });
  } catch (err) {
    const s = statusOf(err);
    add({
      id: 'credentials', title: 'credentials', status: 'fail',
      detail: s === 401 || s === 403 ? `Jira rejected JIRA_API_USER=${user} with its token (${jiraSays(err)})` : `cannot reach Jira at ${config.jiraBaseUrl} (${jiraSays(err)})`,
      fix: s === 401 || s === 403
        ? 'create an API token for that account at https://id.atlassian.com/manage-profile/security/api-tokens and set JIRA_API_TOKEN (or JIRA_API_TOKEN_SSM_PARAM); JIRA_API_USER is the account e-mail'
        : 'check JIRA_API_URL (https://<site>.atlassian.net) and the network path to it',
    });
    skipRest(LATER, 'credentials failed');
    return results;
  }

  // 2. Project
  let project: Project;
  try {
    project = await jira.get<Project>(`/rest/api/3/project/${encodeURIComponent(config.jiraProjectKey)}`);
    add({ id: 'project', title: 'project', status: 'pass', detail: `${project.key} "${project.name}" (id ${project.id})` });
  } catch (err) {
    add({
      id: 'project', title: 'project', status: 'fail', detail: `JIRA_PROJECT_KEY=${config.jiraProjectKey}: ${jiraSays(err)}`,
      fix: `check the project key (Jira: Projects → View all projects), and that ${user} has Browse Projects on it`,
    });
    skipRest(LATER.slice(1), 'project not found');
    return results;
  }

  // 3. Issue type in the project
  let issueType: IssueType | undefined;
  try {
    const types = (await jira.get<{ issueTypes?: IssueType[] }>(`/rest/api/3/issue/createmeta/${encodeURIComponent(project.key)}/issuetypes`)).issueTypes ?? [];
    issueType = types.find((t) => t.name === config.jiraIssueType);
    const near = types.find((t) => t.name.toLowerCase() === config.jiraIssueType.toLowerCase());
    add(issueType
      ? { id: 'issue-type', title: 'issue type', status: 'pass', detail: `"${issueType.name}" (id ${issueType.id}) can be created in ${project.key}` }
      : {
          id: 'issue-type', title: 'issue type', status: 'fail',
          detail: `JIRA_ISSUE_TYPE="${config.jiraIssueType}" is not creatable in ${project.key}${near ? ` (did you mean "${near.name}"?)` : ''}; it has ${types.map((t) => `"${t.name}"`).join(', ') || 'none'}`,
          fix: `set JIRA_ISSUE_TYPE to one of those, or add the type to the project's issue type scheme`,
        });
  } catch (err) {
    add({ id: 'issue-type', title: 'issue type', status: 'fail', detail: `createmeta for ${project.key}: ${jiraSays(err)}`, fix: `${user} needs Create Issues in ${project.key}` });
  }

  // Create screen (fields settable on create) and the site's field list
  const screen = new Map<string, FieldMeta>();
  if (issueType) {
    try {
      const meta = await jira.get<{ fields?: Array<FieldMeta & { fieldId?: string; key?: string }> }>(
        `/rest/api/3/issue/createmeta/${encodeURIComponent(project.key)}/issuetypes/${encodeURIComponent(issueType.id)}`, { maxResults: 200 },
      );
      for (const f of meta.fields ?? []) screen.set(f.fieldId ?? f.key ?? f.id, { ...f, id: f.fieldId ?? f.key ?? f.id });
    } catch {
      // Judged below as "not on the create screen" with the fields check.
    }
  }
  const fields = await jira.fields();
  const resolve = (nameOrId: string, variable: 'JIRA_ISSUE_ID_FIELD' | 'JIRA_FIELD_MAPPING' | 'JIRA_FIELD_STATIC'): ResolvedField | undefined => {
    // jiraSync's own resolution rule (id, then name, then name in any case).
    try {
      const r = resolveFields({
        ...config,
        jiraIssueIdField: variable === 'JIRA_ISSUE_ID_FIELD' ? nameOrId : 'summary',
        fieldMapping: variable === 'JIRA_FIELD_MAPPING' ? [{ haloAttribute: 'id', jiraField: nameOrId }] : [],
        fieldStatic: variable === 'JIRA_FIELD_STATIC' ? [{ jiraField: nameOrId, value: '' }] : [],
      }, fields);
      return variable === 'JIRA_ISSUE_ID_FIELD' ? r.haloId : variable === 'JIRA_FIELD_MAPPING' ? r.mapping[0]?.field : r.statics[0]?.field;
    } catch (err) {
      if (err instanceof ConfigError) return undefined;
      throw err;
    }
  };
  const fieldById = new Map(fields.map((f) => [f.id, f]));
  const screenNote = (id: string): string | undefined =>
    issueType && !screen.has(id) ? `not on the create screen of ${project.key}/${issueType.name}` : undefined;

  // 4. Id field: exists, searchable, the sync's own search runs, settable on create
  const idField = resolve(config.jiraIssueIdField, 'JIRA_ISSUE_ID_FIELD');
  results.push(await idFieldCheck(config, jira, idField, idField && fieldById.get(idField.id), screenNote));

  // 5-7. Workflow and statuses
  const { flows, statuses, source } = await workflowOf(jira, project, issueType);
  const names = statuses.map((s) => s.name);
  const closedSet = new Set([config.statusClosed, ...config.statusHardClosed]);
  const open = names.filter((n) => !closedSet.has(n));
  if (flows.length === 0) {
    for (const [id, title] of [['close-transition', 'close transition'], ['reopen-transition', 'reopen transition']] as const) {
      add({ id, title, status: 'fail', detail: `no workflow transitions visible (${source})`, fix: `${user} needs to read the workflow (Administer Jira is not required for workflow/search on Cloud; check the API token's scopes)` });
    }
  } else {
    const close = checkTransition({
      variable: 'ISSUE_CLOSE_TRANSITION', transition: config.closeTransition, mustStartFrom: open, mustLeadTo: [config.statusClosed],
      fromLabel: 'an open status', toLabel: `ISSUE_STATUS_CLOSED="${config.statusClosed}"`,
    }, flows);
    const reopen = checkTransition({
      variable: 'ISSUE_REOPEN_TRANSITION', transition: config.reopenTransition, mustStartFrom: [config.statusClosed], mustLeadTo: open,
      fromLabel: `ISSUE_STATUS_CLOSED="${config.statusClosed}"`, toLabel: 'an open status',
    }, flows);
    for (const [id, title, v] of [['close-transition', 'close transition', close], ['reopen-transition', 'reopen transition', reopen]] as const) {
      add({ id, title, status: v.ok ? (v.warnings.length ? 'warn' : 'pass') : 'fail', detail: [v.detail, ...v.warnings].join('; '), fix: v.fix });
    }
  }
  const missing = [config.statusClosed, ...config.statusHardClosed].filter((s) => !names.includes(s));
  const closedCategory = statuses.find((s) => s.name === config.statusClosed)?.statusCategory?.key;
  add(missing.length
    ? {
        id: 'statuses', title: 'statuses', status: 'fail',
        detail: `${missing.map((s) => `"${s}"`).join(', ')} not among the statuses of ${project.key}${issueType ? `/${issueType.name}` : ''} (${names.map((n) => `"${n}"`).join(', ')})`,
        fix: 'set ISSUE_STATUS_CLOSED / STATUS_HARD_CLOSED to exact status names (case-sensitive) of this workflow',
      }
    : {
        id: 'statuses', title: 'statuses', status: closedCategory && closedCategory !== 'done' ? 'warn' : 'pass',
        detail: `closed "${config.statusClosed}"${config.statusHardClosed.length ? `, hard-closed ${config.statusHardClosed.map((s) => `"${s}"`).join(', ')}` : ''} exist` +
          (closedCategory && closedCategory !== 'done' ? `; "${config.statusClosed}" is not in the Done category, so Jira reports keep it open` : ''),
      });

  // 8-10. Mapped and static fields, required fields
  results.push(fieldsCheck('mapped-fields', 'mapped fields', 'JIRA_FIELD_MAPPING',
    config.fieldMapping.map((m) => ({ label: `issue_${m.haloAttribute}:${m.jiraField}`, nameOrId: m.jiraField, value: sampleHaloValue(m.haloAttribute) })),
    (n) => resolve(n, 'JIRA_FIELD_MAPPING'), screen, screenNote));
  results.push(fieldsCheck('static-fields', 'static fields', 'JIRA_FIELD_STATIC',
    config.fieldStatic.map((s) => ({ label: `${s.jiraField}:${s.value}`, nameOrId: s.jiraField, value: s.value })),
    (n) => resolve(n, 'JIRA_FIELD_STATIC'), screen, screenNote));
  const filled = new Set(['summary', 'description', 'project', 'issuetype', 'reporter', idField?.id,
    ...config.fieldMapping.map((m) => resolve(m.jiraField, 'JIRA_FIELD_MAPPING')?.id),
    ...config.fieldStatic.map((s) => resolve(s.jiraField, 'JIRA_FIELD_STATIC')?.id)]);
  const unfilled = [...screen.values()].filter((f) => f.required && !f.hasDefaultValue && !filled.has(f.id));
  add(unfilled.length
    ? {
        id: 'required-fields', title: 'required fields', status: 'fail',
        detail: `required on create and never filled by the sync: ${unfilled.map((f) => `"${f.name}" (${f.id})`).join(', ')}`,
        fix: 'give them a value with JIRA_FIELD_STATIC (or JIRA_FIELD_MAPPING), a default value, or make them optional in the field configuration',
      }
    : { id: 'required-fields', title: 'required fields', status: issueType ? 'pass' : 'skip', detail: issueType ? 'every required field gets a value' : 'skipped: issue type unknown' });

  // 11. Permissions
  try {
    const perms = (await jira.get<{ permissions?: Record<string, { havePermission?: boolean }> }>('/rest/api/3/mypermissions', {
      projectKey: project.key, permissions: REQUIRED_PERMISSIONS.join(','),
    })).permissions ?? {};
    const denied = REQUIRED_PERMISSIONS.filter((p) => perms[p]?.havePermission !== true);
    add(denied.length
      ? {
          id: 'permissions', title: 'permissions', status: 'fail',
          detail: `${user} lacks ${denied.map((p) => `${p} (to ${PERMISSION_USE[p]})`).join(', ')} in ${project.key}`,
          fix: `grant them to ${user} (or a group/role it is in) in the permission scheme of ${project.key}: Project settings → Permissions`,
        }
      : { id: 'permissions', title: 'permissions', status: 'pass', detail: `${REQUIRED_PERMISSIONS.join(', ')} granted in ${project.key}` });
  } catch (err) {
    add({ id: 'permissions', title: 'permissions', status: 'fail', detail: `mypermissions: ${jiraSays(err)}`, fix: 'check JIRA_PROJECT_KEY and the account' });
  }
  results.push(...(await typedFieldChecks(config, jira)));
  return results;
}

async function idFieldCheck(
  config: SyncConfig,
  jira: JiraProbe,
  resolved: ResolvedField | undefined,
  field: JiraField | undefined,
  screenNote: (id: string) => string | undefined,
): Promise<CheckResult> {
  const base = { id: 'id-field', title: 'id field' };
  if (!resolved || !field) {
    return {
      ...base, status: 'fail', detail: `JIRA_ISSUE_ID_FIELD="${config.jiraIssueIdField}" is neither the id nor the name of a field on this site`,
      fix: 'create a custom field of type "Text Field (single line)" (Jira: Settings → Issues → Custom fields), add it to the project\'s create screen, and set JIRA_ISSUE_ID_FIELD to its name or id (customfield_NNNNN)',
    };
  }
  const label = `"${field.name}" (${field.id})`;
  const searchable = (field as JiraField & { searchable?: boolean }).searchable !== false && (field.clauseNames?.length ?? 0) > 0;
  if (!searchable) {
    return { ...base, status: 'fail', detail: `${label} exists but cannot be searched with JQL`, fix: 'give the field a search template (Custom fields → ⋯ → Edit details → Search template) or use a searchable text field' };
  }
  try {
    // The very search jiraSync runs, for an id that cannot exist: bounded, and answers "no tickets".
    const hits = await jira.findTickets(resolved, [`jira-doctor-probe-${Date.now()}`]);
    const notes = [screenNote(field.id), field.schema?.type !== 'string' ? `its type is "${field.schema?.type}"; a single-line text field is expected` : undefined].filter(Boolean);
    return {
      ...base, status: notes.length ? (screenNote(field.id) ? 'fail' : 'warn') : 'pass',
      detail: `${label}, JQL ${resolved.jql} ~ "…" answers (${hits.length} hit${hits.length === 1 ? '' : 's'})${notes.length ? `; ${notes.join('; ')}` : ''}`,
      fix: screenNote(field.id) ? `add ${label} to the create screen of the project (Project settings → Screens): the sync writes it when it creates a ticket` : undefined,
    };
  } catch (err) {
    return { ...base, status: 'fail', detail: `${label}: the sync's search (${resolved.jql} ~ "<id>") fails: ${jiraSays(err)}`, fix: 'use a single-line text field that supports the ~ (contains) operator' };
  }
}

function fieldsCheck(
  id: string,
  title: string,
  variable: string,
  wanted: ReadonlyArray<{ label: string; nameOrId: string; value: string }>,
  resolve: (nameOrId: string) => ResolvedField | undefined,
  screen: ReadonlyMap<string, FieldMeta>,
  screenNote: (id: string) => string | undefined,
): CheckResult {
  if (wanted.length === 0) return { id, title, status: 'pass', detail: `none configured (${variable} empty)` };
  const problems: string[] = [];
  for (const w of wanted) {
    const field = resolve(w.nameOrId);
    if (!field) {
      problems.push(`"${w.nameOrId}" is not a field on this site`);
      continue;
    }
    const off = screenNote(field.id);
    if (off) {
      problems.push(`"${w.nameOrId}" (${field.id}) is ${off}`);
      continue;
    }
    const meta = screen.get(field.id) ?? { id: field.id, name: w.nameOrId, schema: field.schema };
    const bad = valueProblem(meta, w.value);
    if (bad) problems.push(`"${w.nameOrId}" (${field.id}) cannot take ${variable === 'JIRA_FIELD_STATIC' ? `"${w.value}"` : `the Halo value`}: ${bad}`);
  }
  return problems.length
    ? { id, title, status: 'fail', detail: problems.join('; '), fix: `fix ${variable} (field names or ids from Jira: Settings → Issues → Custom fields; values as the field type expects), or add the fields to the create screen` }
    : { id, title, status: 'pass', detail: `${wanted.map((w) => w.label).join(', ')} accepted` };
}

/** The project's workflow for the issue type: via its workflow scheme when the site offers it, else every workflow. */
async function workflowOf(jira: JiraProbe, project: Project, issueType: IssueType | undefined): Promise<{ flows: Flow[]; statuses: StatusBean[]; source: string }> {
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

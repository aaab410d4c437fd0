import type { SyncConfig } from '../../functions/jiraSync/config';
import { jiraSays, statusOf, type CheckResult, type IssueType, type JiraProbe, type Project, type Site } from './finding';

/**
 * Checks 1-3 and 11: who the account is, the project and its issue type, and the permissions
 * the sync uses there. Each asks Jira one question and turns the answer into a finding.
 */

/** The permissions the sync uses: find, create, comment on and transition tickets. */
const REQUIRED_PERMISSIONS = ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'ADD_COMMENTS', 'TRANSITION_ISSUES'] as const;

const PERMISSION_USE: Record<(typeof REQUIRED_PERMISSIONS)[number], string> = {
  BROWSE_PROJECTS: 'find existing tickets',
  CREATE_ISSUES: 'create tickets',
  ADD_COMMENTS: 'comment on tickets',
  TRANSITION_ISSUES: 'close and reopen tickets',
};

/** 1. Credentials: `GET /myself`; warns when the account e-mail is not JIRA_API_USER. */
export async function checkCredentials(config: SyncConfig, jira: JiraProbe, user: string): Promise<CheckResult> {
  try {
    const me = await jira.get<{ displayName?: string; emailAddress?: string; accountId?: string }>('/rest/api/3/myself');
    const mismatch = me.emailAddress && me.emailAddress.toLowerCase() !== user.toLowerCase();
    return {
      id: 'credentials', title: 'credentials', status: mismatch ? 'warn' : 'pass',
      detail: `authenticated as ${me.displayName ?? me.accountId ?? '?'}${me.emailAddress ? ` <${me.emailAddress}>` : ''}${mismatch ? `, not JIRA_API_USER=${user}` : ''}`,
    };
  } catch (err) {
    const s = statusOf(err);
    return {
      id: 'credentials', title: 'credentials', status: 'fail',
      detail: s === 401 || s === 403 ? `Jira rejected JIRA_API_USER=${user} with its token (${jiraSays(err)})` : `cannot reach Jira at ${config.jiraBaseUrl} (${jiraSays(err)})`,
      fix: s === 401 || s === 403
        ? 'create an API token for that account at https://id.atlassian.com/manage-profile/security/api-tokens and set JIRA_API_TOKEN (or JIRA_API_TOKEN_SSM_PARAM); JIRA_API_USER is the account e-mail'
        : 'check JIRA_API_URL (https://<site>.atlassian.net) and the network path to it',
    };
  }
}

/** 2. Project: `GET /project/{key}`. */
export async function findProject(config: SyncConfig, jira: JiraProbe, user: string): Promise<{ result: CheckResult; project?: Project }> {
  try {
    const project = await jira.get<Project>(`/rest/api/3/project/${encodeURIComponent(config.jiraProjectKey)}`);
    return { project, result: { id: 'project', title: 'project', status: 'pass', detail: `${project.key} "${project.name}" (id ${project.id})` } };
  } catch (err) {
    return {
      result: {
        id: 'project', title: 'project', status: 'fail', detail: `JIRA_PROJECT_KEY=${config.jiraProjectKey}: ${jiraSays(err)}`,
        fix: `check the project key (Jira: Projects → View all projects), and that ${user} has Browse Projects on it`,
      },
    };
  }
}

/** 3. Issue type: creatable in the project (createmeta); names the near miss in another case. */
export async function findIssueType(config: SyncConfig, jira: JiraProbe, user: string, project: Project): Promise<{ result: CheckResult; issueType?: IssueType }> {
  try {
    const types = (await jira.get<{ issueTypes?: IssueType[] }>(`/rest/api/3/issue/createmeta/${encodeURIComponent(project.key)}/issuetypes`)).issueTypes ?? [];
    const issueType = types.find((t) => t.name === config.jiraIssueType);
    if (issueType) {
      return { issueType, result: { id: 'issue-type', title: 'issue type', status: 'pass', detail: `"${issueType.name}" (id ${issueType.id}) can be created in ${project.key}` } };
    }
    const near = types.find((t) => t.name.toLowerCase() === config.jiraIssueType.toLowerCase());
    return {
      result: {
        id: 'issue-type', title: 'issue type', status: 'fail',
        detail: `JIRA_ISSUE_TYPE="${config.jiraIssueType}" is not creatable in ${project.key}${near ? ` (did you mean "${near.name}"?)` : ''}; it has ${types.map((t) => `"${t.name}"`).join(', ') || 'none'}`,
        fix: `set JIRA_ISSUE_TYPE to one of those, or add the type to the project's issue type scheme`,
      },
    };
  } catch (err) {
    return { result: { id: 'issue-type', title: 'issue type', status: 'fail', detail: `createmeta for ${project.key}: ${jiraSays(err)}`, fix: `${user} needs Create Issues in ${project.key}` } };
  }
}

/** 11. Permissions: `GET /mypermissions` for the ones the sync uses. */
export async function checkPermissions({ jira, user, project }: Pick<Site, 'jira' | 'user' | 'project'>): Promise<CheckResult> {
  try {
    const perms = (await jira.get<{ permissions?: Record<string, { havePermission?: boolean }> }>('/rest/api/3/mypermissions', {
      projectKey: project.key, permissions: REQUIRED_PERMISSIONS.join(','),
    })).permissions ?? {};
    const denied = REQUIRED_PERMISSIONS.filter((p) => perms[p]?.havePermission !== true);
    return denied.length
      ? {
          id: 'permissions', title: 'permissions', status: 'fail',
          detail: `${user} lacks ${denied.map((p) => `${p} (to ${PERMISSION_USE[p]})`).join(', ')} in ${project.key}`,
          fix: `grant them to ${user} (or a group/role it is in) in the permission scheme of ${project.key}: Project settings → Permissions`,
        }
      : { id: 'permissions', title: 'permissions', status: 'pass', detail: `${REQUIRED_PERMISSIONS.join(', ')} granted in ${project.key}` };
  } catch (err) {
    return { id: 'permissions', title: 'permissions', status: 'fail', detail: `mypermissions: ${jiraSays(err)}`, fix: 'check JIRA_PROJECT_KEY and the account' };
  }
}

import type { SyncConfig } from '../../functions/jiraSync/config';
import { checkCredentials, checkPermissions, findIssueType, findProject } from './access-checks';
import { createScreen, fieldResolver, idFieldCheck, mappedFieldsCheck, requiredFieldsCheck, staticFieldsCheck } from './field-checks';
import type { CheckResult, JiraProbe, Site } from './finding';
import { statusesCheck, transitionChecks, workflowOf } from './workflow-checks';
import { typedFieldChecks } from './typed-fields';

/**
 * The doctor's checklist, run against the live Jira through jiraSync's own client, in the order
 * an admin would look: who am I, the project, its issue type and create screen, the id field and
 * its search, the workflow, the statuses, the mapped and static fields, the permissions.
 * Each step lives in its own module and can be run alone; this file only orders them.
 */
export type { CheckResult } from './finding';

/** Every check, in order: the ids of the JSON report and the titles of the checklist. */
export const CHECKS = [
  ['credentials', 'credentials'], ['project', 'project'], ['issue-type', 'issue type'], ['id-field', 'id field'],
  ['close-transition', 'close transition'], ['reopen-transition', 'reopen transition'], ['statuses', 'statuses'],
  ['mapped-fields', 'mapped fields'], ['static-fields', 'static fields'], ['required-fields', 'required fields'],
  ['permissions', 'permissions'],
] as const;

/** The checks after `done` (by id), each marked skipped with the reason. */
function skipAfter(done: string, why: string): CheckResult[] {
  const from = CHECKS.findIndex(([id]) => id === done) + 1;
  return CHECKS.slice(from).map(([id, title]) => ({ id, title, status: 'skip', detail: `skipped: ${why}` }));
}

export async function runChecks(config: SyncConfig, jira: JiraProbe, user: string): Promise<CheckResult[]> {
  // 1-3. Who am I, the project, its issue type: without the first two nothing else can be asked.
  const credentials = await checkCredentials(config, jira, user);
  if (credentials.status === 'fail') return [credentials, ...skipAfter('credentials', 'credentials failed')];
  const project = await findProject(config, jira, user);
  if (!project.project) return [credentials, project.result, ...skipAfter('project', 'project not found')];
  const issueType = await findIssueType(config, jira, user, project.project);
  const site: Site = { config, jira, user, project: project.project, issueType: issueType.issueType };

  // 4. Id field: exists, searchable, the sync's own search runs, settable on create
  const screen = await createScreen(site);
  const resolve = fieldResolver(config, await jira.fields());
  const idField = await idFieldCheck(site, resolve, screen);

  // 5-7. Workflow and statuses
  const workflow = await workflowOf(site);

  // 8-10. Mapped and static fields, required fields
  return [
    credentials,
    project.result,
    issueType.result,
    idField,
    ...transitionChecks(site, workflow),
    statusesCheck(site, workflow.statuses),
    mappedFieldsCheck(site, resolve, screen),
    staticFieldsCheck(site, resolve, screen),
    requiredFieldsCheck(site, resolve, screen),
    // 11. Permissions
    await checkPermissions(site),
    // 12. Field values typed from createmeta, and the bulk-change permission
    ...(await typedFieldChecks(config, jira)),
  ];
}

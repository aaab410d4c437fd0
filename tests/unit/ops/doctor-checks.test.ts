import { loadConfig } from '../../../functions/jiraSync/config';
import type { JiraField } from '../../../functions/jiraSync/fields';
import { HttpError } from '../../../shared/errors';
import { checkCredentials, checkPermissions, findIssueType, findProject } from '../../../ops/doctor/access-checks';
import { CHECKS, runChecks } from '../../../ops/doctor/checks';
import { fieldResolver, mappedFieldsCheck, requiredFieldsCheck, staticFieldsCheck } from '../../../ops/doctor/field-checks';
import type { JiraProbe, Site } from '../../../ops/doctor/finding';
import { statusesCheck, transitionChecks, type ProjectWorkflow } from '../../../ops/doctor/workflow-checks';

/** Each doctor check alone, with a Jira that answers from a table (the whole run is in tests/integration/ops/jira-doctor.test.ts). */
const config = (extra: Record<string, string> = {}) =>
  loadConfig({
    JIRA_API_URL: 'https://example.atlassian.net', JIRA_API_USER: 'sync@example.com', JIRA_API_TOKEN: 't', HALO_API_KEY: 'k', HALO_API_SECRET_KEY: 's',
    JIRA_PROJECT_KEY: 'SEC', JIRA_ISSUE_TYPE: 'Bug', JIRA_ISSUE_ID_FIELD: 'Halo Issue ID', ISSUE_CLOSE_TRANSITION: 'Close',
    ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed', STATUS_HARD_CLOSED: "Won't Fix", ...extra,
  });

/** Answers GET <path> from `routes` (a function value may throw); anything else is a 404. */
function jira(routes: Record<string, unknown>, fields: JiraField[] = []): JiraProbe & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    get: (async (url: string) => {
      calls.push(url);
      if (!(url in routes)) throw new HttpError(`GET ${url} answered 404`, 404, { errorMessages: ['Not found'] });
      const r = routes[url];
      return typeof r === 'function' ? (r as () => unknown)() : r;
    }) as JiraProbe['get'],
    fields: async () => fields,
    findTickets: async () => [],
  };
}

const PROJECT = { id: '10000', key: 'SEC', name: 'Security' };
const BUG = { id: '1', name: 'Bug' };
const site = (over: Partial<Site> = {}): Site => ({ config: config(), jira: jira({}), user: 'sync@example.com', project: PROJECT, issueType: BUG, ...over });
const ID_FIELD: JiraField = { id: 'customfield_10050', name: 'Halo Issue ID', clauseNames: ['cf[10050]'], schema: { type: 'string' } };

describe('runChecks order and gates', () => {
  test('refused credentials fail the first check and skip every other one, after one Jira call', async () => {
    const probe = jira({ '/rest/api/3/myself': () => { throw new HttpError('401', 401, { errorMessages: ['Unauthorized'] }); } });
    const results = await runChecks(config(), probe, 'sync@example.com');
    expect(results.map((r) => r.id)).toEqual(CHECKS.map(([id]) => id));
    expect(results[0]).toMatchObject({ status: 'fail', detail: expect.stringContaining('HTTP 401: Unauthorized') });
    expect(results.slice(1).every((r) => r.status === 'skip' && r.detail === 'skipped: credentials failed')).toBe(true);
    expect(probe.calls).toEqual(['/rest/api/3/myself']);
  });

  test('an unknown project skips everything after it', async () => {
    const results = await runChecks(config(), jira({ '/rest/api/3/myself': { emailAddress: 'sync@example.com' } }), 'sync@example.com');
    expect(results.map((r) => r.status)).toEqual(['pass', 'fail', ...Array(9).fill('skip')]);
  });
});

describe('access checks', () => {
  test('credentials: another account e-mail is a warning naming JIRA_API_USER', async () => {
    const r = await checkCredentials(config(), jira({ '/rest/api/3/myself': { displayName: 'Bot', emailAddress: 'bot@example.com' } }), 'sync@example.com');
    expect(r).toMatchObject({ status: 'warn', detail: 'authenticated as Bot <bot@example.com>, not JIRA_API_USER=sync@example.com' });
  });

  test('credentials: an unreachable Jira says so and points at JIRA_API_URL', async () => {
    const r = await checkCredentials(config(), jira({ '/rest/api/3/myself': () => { throw new Error('connect ECONNREFUSED'); } }), 'u');
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringContaining('cannot reach Jira'), fix: expect.stringContaining('JIRA_API_URL') });
  });

  test('project: a 404 fails with Jira\'s words and no project to go on', async () => {
    const r = await findProject(config(), jira({}), 'u');
    expect(r.project).toBeUndefined();
    expect(r.result).toMatchObject({ status: 'fail', detail: 'JIRA_PROJECT_KEY=SEC: HTTP 404: Not found' });
  });

  test('issue type: a case mismatch names the near miss', async () => {
    const r = await findIssueType(config({ JIRA_ISSUE_TYPE: 'bug' }), jira({ '/rest/api/3/issue/createmeta/SEC/issuetypes': { issueTypes: [BUG, { id: '2', name: 'Task' }] } }), 'u', PROJECT);
    expect(r.issueType).toBeUndefined();
    expect(r.result.detail).toBe('JIRA_ISSUE_TYPE="bug" is not creatable in SEC (did you mean "Bug"?); it has "Bug", "Task"');
  });

  test('permissions: each missing one is named with what the sync needs it for', async () => {
    const granted = { BROWSE_PROJECTS: { havePermission: true }, CREATE_ISSUES: { havePermission: true }, ADD_COMMENTS: { havePermission: false }, TRANSITION_ISSUES: { havePermission: true } };
    const r = await checkPermissions(site({ jira: jira({ '/rest/api/3/mypermissions': { permissions: granted } }) }));
    expect(r).toMatchObject({ status: 'fail', detail: 'sync@example.com lacks ADD_COMMENTS (to comment on tickets) in SEC' });
  });
});

describe('workflow checks (no I/O)', () => {
  const statuses = [{ id: '1', name: 'Open' }, { id: '6', name: 'Closed', statusCategory: { key: 'done' } }, { id: '7', name: "Won't Fix" }];
  const workflow = (flows: ProjectWorkflow['flows']): ProjectWorkflow => ({ flows, statuses, source: 'workflow "WF"' });

  test('no visible transitions fail both transition checks, naming where they were looked for', () => {
    const [close, reopen] = transitionChecks(site(), workflow([]));
    expect(close).toMatchObject({ id: 'close-transition', status: 'fail', detail: 'no workflow transitions visible (workflow "WF")' });
    expect(reopen).toMatchObject({ id: 'reopen-transition', status: 'fail' });
  });

  test('Close from Open to Closed and Reopen back pass', () => {
    const checks = transitionChecks(site(), workflow([
      { workflow: 'WF', name: 'Close', from: ['Open'], to: 'Closed' },
      { workflow: 'WF', name: 'Reopen', from: ['Closed'], to: 'Open' },
    ]));
    expect(checks.map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  test('statuses: a missing hard-closed status fails; a closed status outside Done warns', () => {
    expect(statusesCheck(site({ config: config({ STATUS_HARD_CLOSED: 'Rejected' }) }), statuses)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^"Rejected" not among the statuses of SEC\/Bug/) });
    const notDone = statuses.map((s) => (s.name === 'Closed' ? { ...s, statusCategory: { key: 'indeterminate' } } : s));
    expect(statusesCheck(site(), notDone)).toMatchObject({ status: 'warn', detail: expect.stringContaining('not in the Done category') });
    expect(statusesCheck(site(), statuses).status).toBe('pass');
  });
});

describe('field checks (no I/O)', () => {
  const PRIORITY: JiraField = { id: 'customfield_10060', name: 'Halo Team', schema: { type: 'option' } };
  // Every site has summary; the resolver resolves the other variables next to it.
  const SITE = [{ id: 'summary', name: 'Summary', clauseNames: ['summary'], schema: { type: 'string' } }, ID_FIELD, PRIORITY];
  const screen = new Map([
    [ID_FIELD.id, { id: ID_FIELD.id, name: ID_FIELD.name, schema: ID_FIELD.schema }],
    [PRIORITY.id, { id: PRIORITY.id, name: PRIORITY.name, schema: PRIORITY.schema, required: true, allowedValues: [{ value: 'red' }, { value: 'blue' }] }],
  ]);

  test('a required field nobody fills fails; a static value for it passes; without an issue type it is skipped', () => {
    const bare = site();
    expect(requiredFieldsCheck(bare, fieldResolver(bare.config, SITE), screen)).toMatchObject({ status: 'fail', detail: expect.stringContaining('"Halo Team" (customfield_10060)') });
    const filled = site({ config: config({ JIRA_FIELD_STATIC: 'Halo Team:red' }) });
    expect(requiredFieldsCheck(filled, fieldResolver(filled.config, SITE), screen).status).toBe('pass');
    expect(requiredFieldsCheck(site({ issueType: undefined }), fieldResolver(bare.config, SITE), new Map()).status).toBe('skip');
  });

  test('a static value that is not one of the options fails; an unknown mapped field fails', () => {
    const s = site({ config: config({ JIRA_FIELD_STATIC: 'Halo Team:green', JIRA_FIELD_MAPPING: 'issue_critical:No Such Field' }) });
    const fields = fieldResolver(s.config, SITE);
    expect(staticFieldsCheck(s, fields, screen)).toMatchObject({ status: 'fail', detail: expect.stringContaining('"green" is not one of its options ("red", "blue")') });
    expect(mappedFieldsCheck(s, fields, screen)).toMatchObject({ status: 'fail', detail: '"No Such Field" is not a field on this site' });
  });
});

/**
 * The Jira stand-in enforces what Jira Cloud does for typed field values (schema from createmeta),
 * bulk create with a per-issue transition, the asynchronous bulk transition task API and
 * search with expand=transitions and the comment field. Sources: local/jira/README.md.
 */
import { adfParagraph, HALO_ISSUE_ID_FIELD, startJiraStub, type JiraStub } from '../../../local/jira';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
let clock = T0;
const advance = (ms: number): void => { clock += ms; };

interface Answer { status: number; body: any }
let stub: JiraStub;

async function api(method: string, path: string, opts: { body?: unknown; query?: Record<string, string> } = {}, on: JiraStub = stub): Promise<Answer> {
  const url = new URL(path, on.url);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.append(k, v);
  const headers: Record<string, string> = { accept: 'application/json', authorization: on.authHeader };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const fields = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  project: { key: 'SEC' }, issuetype: { id: '10004' }, summary: 'Halo detected issue', ...extra,
});
const create = (extra: Record<string, unknown>): Promise<Answer> => api('POST', '/rest/api/3/issue', { body: { fields: fields(extra) } });

beforeAll(async () => { stub = await startJiraStub({ now: () => clock, bulkTaskMs: 1000 }); });
afterAll(() => stub.stop());
beforeEach(() => {
  stub.reset();
  stub.setSearchLag(1500);
  clock = T0;
});
afterEach(() => expect(stub.violations).toEqual([]));

describe('createmeta', () => {
  it('serves each field with its schema type and allowedValues, paged', async () => {
    const meta = await api('GET', '/rest/api/3/issue/createmeta/SEC/issuetypes/10004', { query: { maxResults: '200' } });
    expect(meta.status).toBe(200);
    const byId = new Map<string, any>(meta.body.fields.map((f: { fieldId: string }) => [f.fieldId, f]));
    expect(byId.get('priority')).toMatchObject({ schema: { type: 'priority', system: 'priority' }, allowedValues: expect.arrayContaining([expect.objectContaining({ name: 'High', id: '2' })]) });
    expect(byId.get('components')).toMatchObject({ schema: { type: 'array', items: 'component', system: 'components' }, operations: ['add', 'set', 'remove'] });
    expect(byId.get('components').allowedValues.map((c: { name: string }) => c.name)).toEqual(['Cloud', 'Containers', 'Servers']);
    expect(byId.get('fixVersions').schema).toEqual({ type: 'array', items: 'version', system: 'fixVersions' });
    expect(byId.get('duedate').schema).toEqual({ type: 'date', system: 'duedate' });
    expect(byId.get('customfield_10054').schema).toMatchObject({ type: 'date', custom: expect.stringMatching(/:datepicker$/) });
    expect(byId.get('customfield_10055').schema).toMatchObject({ type: 'datetime' });
    expect(byId.get('customfield_10056')).toMatchObject({ schema: { type: 'user', custom: expect.stringMatching(/:userpicker$/) }, autoCompleteUrl: expect.any(String) });
    expect(byId.get('customfield_10057').schema).toMatchObject({ type: 'array', items: 'option' });
    const cascading = byId.get('customfield_10058');
    expect(cascading.schema.type).toBe('option-with-child');
    expect(cascading.allowedValues[0]).toMatchObject({ value: 'Network', children: [expect.objectContaining({ value: 'Firewall' }), expect.objectContaining({ value: 'VPN' })] });
    expect(meta.body.fields.filter((f: { name: string }) => f.name === 'Team').map((f: { fieldId: string }) => f.fieldId)).toEqual(['customfield_10060', 'customfield_10061']);

    const first = await api('GET', '/rest/api/3/issue/createmeta/SEC/issuetypes/10004', { query: { maxResults: '5' } });
    const second = await api('GET', '/rest/api/3/issue/createmeta/SEC/issuetypes/10004', { query: { maxResults: '5', startAt: '5' } });
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 5, total: meta.body.total });
    expect(first.body.fields).toHaveLength(5);
    expect(second.body.fields[0].fieldId).toBe(meta.body.fields[5].fieldId);
    expect(stub.counts().createmeta).toBe(3);
  });
});

describe('typed field values on create', () => {
  it.each([
    ['priority', 'High', 'priority'],
    ['components', 'Cloud', 'components'],
    ['components', ['Cloud'], 'components'],
    ['fixVersions', [{ name: '1999.1' }], 'fixVersions'],
    ['customfield_10056', 'Security Analyst', 'customfield_10056'],
    ['customfield_10056', { accountId: 'nobody-such' }, 'customfield_10056'],
    ['duedate', '2026-11-23T10:00:00Z', 'duedate'],
    ['customfield_10054', '2026-02-30', 'customfield_10054'],
    ['customfield_10055', '2026-11-23', 'customfield_10055'],
    ['customfield_10057', { value: 'production' }, 'customfield_10057'],
    ['customfield_10057', [{ value: 'prod' }], 'customfield_10057'],
    ['customfield_10060', 'Platform', 'customfield_10060'],
    ['customfield_10058', { value: 'Network', child: { value: 'Linux' } }, 'customfield_10058'],
    ['customfield_10059', '7.5', 'customfield_10059'],
    ['labels', ['two words'], 'labels'],
  ])('refuses %s = %j with 400 and errors.%s', async (id, value, key) => {
    const res = await create({ [id]: value });
    expect(res.status).toBe(400);
    expect(res.body.errorMessages).toEqual([]);
    expect(Object.keys(res.body.errors)).toEqual([key]);
    expect(typeof res.body.errors[key]).toBe('string');
    expect(stub.tickets()).toHaveLength(0);
  });

  it('accepts the typed shapes and stores them as Jira returns them', async () => {
    const res = await create({
      priority: { name: 'High' }, components: [{ name: 'Cloud' }], fixVersions: [{ name: '2026.12' }], duedate: '2026-11-30',
      customfield_10054: '2026-11-01', customfield_10055: '2026-11-23T10:00:00.000+0000', customfield_10056: { accountId: '5d53f3cbc6b9320d9ea5bdc2' },
      customfield_10057: [{ value: 'production' }, { value: 'staging' }], customfield_10058: { value: 'Network', child: { value: 'VPN' } },
      customfield_10059: 7.5, customfield_10060: { value: 'Security' }, customfield_10061: 'blue team', labels: ['halo', 'cloud_secure'],
    });
    expect(res.status).toBe(201);
    const t = stub.ticket(res.body.key)!;
    expect(t.fields.priority).toMatchObject({ name: 'High', id: '2' });
    expect(t.fields.components).toEqual([expect.objectContaining({ name: 'Cloud', id: '10100' })]);
    expect(t.fields.customfield_10058).toMatchObject({ value: 'Network', child: { value: 'VPN' } });
    expect((t.fields.customfield_10057 as { value: string }[]).map((o) => o.value)).toEqual(['production', 'staging']);
    expect(t.fields.customfield_10056).toMatchObject({ accountId: '5d53f3cbc6b9320d9ea5bdc2' });
  });
});

describe('bulk create with a transition per issue', () => {
  it('creates issues straight into the transition target, fails only the elements whose transition is not valid from the start status', async () => {
    const res = await api('POST', '/rest/api/3/issue/bulk', {
      body: {
        issueUpdates: [
          { fields: fields({ summary: 'closed at birth' }), transition: { id: '21' } },
          { fields: fields({ summary: 'reopen is not valid from Open' }), transition: { id: '31' } },
          { fields: fields({ summary: 'plain' }) },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.issues).toHaveLength(2);
    expect(res.body.issues[0]).toMatchObject({ transition: { status: 200, errorCollection: { errorMessages: [], errors: {} } } });
    expect(res.body.issues[1].transition).toBeUndefined();
    expect(res.body.errors).toEqual([
      { status: 400, failedElementNumber: 1, elementErrors: { errorMessages: ["Transition id '31' is not valid for this issue."], errors: {}, status: 400 } },
    ]);
    const closed = stub.ticket(res.body.issues[0].key)!;
    expect(closed.status).toBe('Closed');
    expect(closed.history[0]!.items[0]).toMatchObject({ field: 'status', fromString: 'Open', toString: 'Closed' });
    expect(stub.ticket(res.body.issues[1].key)!.status).toBe('Open');
    expect(stub.tickets()).toHaveLength(2);
  });

  it('answers 400 with the same body when every element fails', async () => {
    const res = await api('POST', '/rest/api/3/issue/bulk', { body: { issueUpdates: [{ fields: fields(), transition: { id: '999' } }] } });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([]);
    expect(res.body.errors[0].failedElementNumber).toBe(0);
  });
});

describe('bulk transition task API', () => {
  const seedOpen = (n: number): string[] => Array.from({ length: n }, (_, i) => stub.seedTicket({ summary: `t${i}` }).id);

  it('runs a task: ENQUEUED/RUNNING, then COMPLETE with processed and failed issues; search sees it after the lag', async () => {
    const ids = seedOpen(3);
    stub.setStatus(ids[2]!, 'Closed');
    const submit = await api('POST', '/rest/api/3/bulk/issues/transition', {
      body: { bulkTransitionInputs: [{ selectedIssueIdsOrKeys: [ids[0]!, ids[1]!, ids[2]!, 'SEC-999'], transitionId: '21' }], sendBulkNotification: false },
    });
    expect(submit.status).toBe(201);
    const taskId = submit.body.taskId as string;
    expect(taskId).toMatch(/^\d+$/);
    const queued = await api('GET', `/rest/api/3/bulk/queue/${taskId}`);
    expect(queued.body).toMatchObject({ taskId, status: 'ENQUEUED', progressPercent: 0, totalIssueCount: 4 });
    advance(500);
    expect((await api('GET', `/rest/api/3/bulk/queue/${taskId}`)).body).toMatchObject({ status: 'RUNNING', progressPercent: 50 });
    expect(stub.ticket(ids[0]!)!.status).toBe('Open');
    advance(500);
    const done = await api('GET', `/rest/api/3/bulk/queue/${taskId}`);
    expect(done.body).toMatchObject({ status: 'COMPLETE', progressPercent: 100, invalidOrInaccessibleIssueCount: 1 });
    expect(done.body.processedAccessibleIssues).toEqual([Number(ids[0]), Number(ids[1])]);
    expect(Object.keys(done.body.failedAccessibleIssues)).toEqual([ids[2]]);
    expect(stub.ticket(ids[0]!)!.status).toBe('Closed');

    const statusInSearch = async (): Promise<string> => {
      const res = await api('POST', '/rest/api/3/search/jql', { body: { jql: `key = ${stub.ticket(ids[0]!)!.key}`, fields: ['status'] } });
      return res.body.issues[0].fields.status.name;
    };
    expect(await statusInSearch()).toBe('Open');
    advance(1500);
    expect(await statusInSearch()).toBe('Closed');
  });

  it('fails the issues of a transition that has a screen', async () => {
    const [id] = seedOpen(1);
    const { body } = await api('POST', '/rest/api/3/bulk/issues/transition', { body: { bulkTransitionInputs: [{ selectedIssueIdsOrKeys: [id!], transitionId: '41' }] } });
    advance(1000);
    const done = await api('GET', `/rest/api/3/bulk/queue/${body.taskId}`);
    expect(done.body.processedAccessibleIssues).toEqual([]);
    expect(done.body.failedAccessibleIssues[id!][0]).toMatch(/screen/);
    expect(stub.ticket(id!)!.status).toBe('Open');
  });

  it('refuses more than 1,000 issues and an unknown task with 400 in the bulk error shape', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `SEC-${i + 1}`);
    const res = await api('POST', '/rest/api/3/bulk/issues/transition', { body: { bulkTransitionInputs: [{ selectedIssueIdsOrKeys: many, transitionId: '21' }] } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/1000/);
    const unknown = await api('GET', '/rest/api/3/bulk/queue/424242');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toMatch(/424242/);
  });

  it('needs the global Make bulk changes permission (403), reported by mypermissions', async () => {
    const denied = await startJiraStub({ deniedPermissions: ['BULK_CHANGE'], searchLagMs: 0 });
    try {
      const t = denied.seedTicket({ summary: 'x' });
      const res = await api('POST', '/rest/api/3/bulk/issues/transition', { body: { bulkTransitionInputs: [{ selectedIssueIdsOrKeys: [t.key], transitionId: '21' }] } }, denied);
      expect(res.status).toBe(403);
      expect(res.body.errors[0].message).toMatch(/bulk changes/i);
      const perms = await api('GET', '/rest/api/3/mypermissions', { query: { permissions: 'BULK_CHANGE' } }, denied);
      expect(perms.body.permissions.BULK_CHANGE).toMatchObject({ havePermission: false, type: 'GLOBAL' });
      expect(denied.ticket(t.key)!.status).toBe('Open');
    } finally {
      await denied.stop();
    }
  });

  it('validates the body against the contract', async () => {
    const res = await api('POST', '/rest/api/3/bulk/issues/transition', { body: { bulkTransitionInputs: [{ issues: ['SEC-1'], transitionId: '21' }] } });
    expect(res.status).toBe(400);
    expect(stub.violations.map((v) => v.operationId)).toEqual(['submitBulkTransition']);
    stub.violations.length = 0;
  });
});

describe('search with expand=transitions, status and comments', () => {
  it('returns each issue with the transitions from its status, its status and its comments', async () => {
    const t = stub.seedTicket({ summary: 'x', fields: { [HALO_ISSUE_ID_FIELD]: 'h-1' } });
    await api('POST', `/rest/api/3/issue/${t.key}/comment`, { body: { body: adfParagraph('halo-change:h-1@2026-11-23T09:00:00Z') } });
    stub.setSearchLag(0);
    const res = await api('POST', '/rest/api/3/search/jql', {
      body: { jql: 'cf[10050] ~ "\\"h-1\\""', fields: ['status', 'comment', HALO_ISSUE_ID_FIELD], expand: 'transitions' },
    });
    expect(res.status).toBe(200);
    const [issue] = res.body.issues;
    expect(issue.transitions.map((x: { id: string; name: string }) => `${x.id}:${x.name}`)).toEqual(['11:Start', '21:Close', "41:Won't Fix"]);
    expect(issue.transitions[1]).toMatchObject({ to: { name: 'Closed', statusCategory: { key: 'done' } }, hasScreen: false });
    expect(issue.fields.status.name).toBe('Open');
    expect(issue.fields.comment).toMatchObject({ total: 1, comments: [expect.objectContaining({ body: adfParagraph('halo-change:h-1@2026-11-23T09:00:00Z') })] });
    expect(issue.fields[HALO_ISSUE_ID_FIELD]).toBe('h-1');
    const plain = await api('POST', '/rest/api/3/search/jql', { body: { jql: 'cf[10050] ~ "\\"h-1\\""', fields: ['status'] } });
    expect(plain.body.issues[0].transitions).toBeUndefined();
  });

  it('shows the comments and transitions search saw, within the lag', async () => {
    const t = stub.seedTicket({ summary: 'x', fields: { [HALO_ISSUE_ID_FIELD]: 'h-2' } });
    await api('POST', `/rest/api/3/issue/${t.key}/comment`, { body: { body: adfParagraph('new') } });
    await api('POST', `/rest/api/3/issue/${t.key}/transitions`, { body: { transition: { id: '21' } } });
    const body = { jql: `key = ${t.key}`, fields: ['status', 'comment'], expand: 'transitions' };
    const lagging = (await api('POST', '/rest/api/3/search/jql', { body })).body.issues[0];
    expect(lagging.fields.status.name).toBe('Open');
    expect(lagging.fields.comment.total).toBe(0);
    expect(lagging.transitions.map((x: { name: string }) => x.name)).toContain('Close');
    advance(1500);
    const settled = (await api('POST', '/rest/api/3/search/jql', { body })).body.issues[0];
    expect(settled.fields.status.name).toBe('Closed');
    expect(settled.fields.comment.total).toBe(1);
    expect(settled.transitions.map((x: { name: string }) => x.name)).toEqual(['Reopen']);
  });
});

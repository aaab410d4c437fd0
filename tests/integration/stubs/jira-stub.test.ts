/**
 * The Jira Cloud stand-in behaves like Jira Cloud REST v3 where our client depends on it:
 * auth, fields, create/bulk validation, ADF, workflow transitions, JQL, paging, eventual
 * consistency, removed endpoints, rate limiting and contract checks.
 */
import { adfParagraph, HALO_ISSUE_ID_FIELD, REMOVED_SEARCH_MESSAGE, startJiraStub, type JiraStub } from '../../../local/jira';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
let clock = T0;
const advance = (ms: number): void => { clock += ms; };

interface Answer { status: number; body: any; headers: Headers }

let stub: JiraStub;

async function api(method: string, path: string, opts: { body?: unknown; query?: Record<string, string | string[]>; auth?: string | null } = {}): Promise<Answer> {
  const url = new URL(path, stub.url);
  for (const [k, v] of Object.entries(opts.query ?? {})) for (const x of [v].flat()) url.searchParams.append(k, x);
  const headers: Record<string, string> = { accept: 'application/json' };
  const auth = opts.auth === undefined ? stub.authHeader : opts.auth;
  if (auth) headers.authorization = auth;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const issueFields = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  project: { key: 'SEC' }, issuetype: { name: 'Bug' }, summary: 'Halo detected issue', ...extra,
});
const create = (extra: Record<string, unknown> = {}): Promise<Answer> => api('POST', '/rest/api/3/issue', { body: { fields: issueFields(extra) } });
const search = (jql: string, params: Record<string, string | string[]> = {}): Promise<Answer> => api('GET', '/rest/api/3/search/jql', { query: { jql, ...params } });
const keysOf = (a: Answer): string[] => (a.body.issues as { key: string }[]).map((i) => i.key);

beforeAll(async () => {
  stub = await startJiraStub({
    now: () => clock,
    customFields: [
      { customId: 10050, name: 'Halo Issue ID', kind: 'textfield' },
      { customId: 10051, name: 'Halo Critical', kind: 'select', options: ['true', 'false'] },
      { customId: 10052, name: 'Halo Source', kind: 'textfield' },
      { customId: 10054, name: 'Halo Finding', kind: 'textarea' },
      { customId: 10060, name: 'Internal Score', kind: 'float', onScreen: false },
    ],
  });
});
afterAll(async () => { await stub.stop(); });
beforeEach(() => {
  stub.reset();
  stub.setSearchLag(1500);
  clock = T0;
});

describe('auth and site metadata', () => {
  it('rejects missing or wrong basic credentials and accepts email:token', async () => {
    expect((await api('GET', '/rest/api/3/myself', { auth: null })).status).toBe(401);
    const wrong = `Basic ${Buffer.from(`${stub.config.email}:nope`).toString('base64')}`;
    expect((await api('GET', '/rest/api/3/field', { auth: wrong })).status).toBe(401);
    const me = await api('GET', '/rest/api/3/myself');
    expect(me.status).toBe(200);
    expect(me.body.emailAddress).toBe(stub.config.email);
    expect((await api('GET', '/rest/api/3/serverInfo')).body.deploymentType).toBe('Cloud');
  });

  it('lists system and custom fields with clause names and schemas', async () => {
    const { status, body } = await api('GET', '/rest/api/3/field');
    expect(status).toBe(200);
    const halo = body.find((f: { id: string }) => f.id === HALO_ISSUE_ID_FIELD);
    expect(halo).toMatchObject({
      name: 'Halo Issue ID', custom: true, searchable: true, clauseNames: ['cf[10050]', 'Halo Issue ID'],
      schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield', customId: 10050 },
    });
    const summary = body.find((f: { id: string }) => f.id === 'summary');
    expect(summary.schema).toEqual({ type: 'string', system: 'summary' });
    expect(body.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(['status', 'updated', 'labels', 'description', 'issuetype', 'project']));
  });

  it('answers createmeta, permissions, statuses and the workflow with its transitions', async () => {
    const meta = await api('GET', '/rest/api/3/issue/createmeta/SEC/issuetypes/10004');
    const ids = meta.body.fields.map((f: { fieldId: string }) => f.fieldId);
    expect(ids).toEqual(expect.arrayContaining(['summary', 'description', HALO_ISSUE_ID_FIELD]));
    expect(ids).not.toContain('status');
    expect(ids).not.toContain('customfield_10060');
    expect((await api('GET', '/rest/api/3/issue/createmeta/NOPE/issuetypes')).status).toBe(404);

    const perms = await api('GET', '/rest/api/3/mypermissions', { query: { projectKey: 'SEC', permissions: 'CREATE_ISSUES,ADD_COMMENTS' } });
    expect(perms.body.permissions.CREATE_ISSUES.havePermission).toBe(true);

    const statuses = await api('GET', '/rest/api/3/status');
    expect(statuses.body.find((s: { name: string }) => s.name === "Won't Fix").statusCategory.key).toBe('done');

    const wf = await api('GET', '/rest/api/3/workflow/search', { query: { expand: 'transitions,statuses' } });
    const close = wf.body.values[0].transitions.find((t: { name: string }) => t.name === 'Close');
    expect(close).toMatchObject({ id: '21', from: ['1', '3'], to: '6' });
  });

  it('reports and enforces denied permissions', async () => {
    const denied = await startJiraStub({ deniedPermissions: ['ADD_COMMENTS'], searchLagMs: 0 });
    try {
      const call = (method: string, path: string, body?: unknown) =>
        fetch(`${denied.url}${path}`, { method, headers: { authorization: denied.authHeader, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const perms = (await (await call('GET', '/rest/api/3/mypermissions?permissions=ADD_COMMENTS,CREATE_ISSUES')).json()) as any;
      expect(perms.permissions.ADD_COMMENTS.havePermission).toBe(false);
      expect(perms.permissions.CREATE_ISSUES.havePermission).toBe(true);
      const created = (await (await call('POST', '/rest/api/3/issue', { fields: issueFields() })).json()) as { key: string };
      const comment = await call('POST', `/rest/api/3/issue/${created.key}/comment`, { body: adfParagraph('x') });
      expect(comment.status).toBe(403);
    } finally {
      await denied.stop();
    }
  });
});

describe('create and bulk create', () => {
  it('creates an issue in the initial status with typed field values', async () => {
    const res = await create({ [HALO_ISSUE_ID_FIELD]: 'a1b2-c3', customfield_10051: { value: 'true' }, description: adfParagraph('details') });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: '10001', key: 'SEC-1', self: `${stub.url}/rest/api/3/issue/10001` });
    const got = await api('GET', '/rest/api/3/issue/SEC-1', { query: { fields: 'status,customfield_10051,summary' } });
    expect(got.body.fields.status.name).toBe('Open');
    expect(got.body.fields.customfield_10051).toMatchObject({ value: 'true' });
    expect(Object.keys(got.body.fields).sort()).toEqual(['customfield_10051', 'status', 'summary']);
    expect(stub.ticket('SEC-1')?.fields[HALO_ISSUE_ID_FIELD]).toBe('a1b2-c3');
  });

  it.each([
    ['unknown field', { customfield_99999: 'x' }, 'customfield_99999', "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown."],
    ['field not on the screen', { customfield_10060: 3 }, 'customfield_10060', "Field 'customfield_10060' cannot be set. It is not on the appropriate screen, or unknown."],
    ['status set directly', { status: { name: 'Closed' } }, 'status', "Field 'status' cannot be set. It is not on the appropriate screen, or unknown."],
    ['summary over 255', { summary: 'x'.repeat(256) }, 'summary', 'Summary must be less than 255 characters.'],
    ['missing summary', { summary: undefined }, 'summary', 'You must specify a summary of the issue.'],
    ['plain-string description', { description: 'wiki *markup*' }, 'description', 'Operation value must be an Atlassian Document (see the Atlassian Document Format)'],
    ['plain-string textarea', { customfield_10054: 'h2. finding' }, 'customfield_10054', 'Operation value must be an Atlassian Document (see the Atlassian Document Format)'],
    ['ADF over 32,767 characters', { description: adfParagraph('y'.repeat(32_767)) }, 'description', 'CONTENT_LIMIT_EXCEEDED'],
    ['ADF in a single-line field', { [HALO_ISSUE_ID_FIELD]: adfParagraph('id') }, HALO_ISSUE_ID_FIELD, 'Operation value must be a string'],
    ['invalid option', { customfield_10051: { value: 'maybe' } }, 'customfield_10051', "Option value 'maybe' is not valid"],
    ['label with a space', { labels: ['halo sync'] }, 'labels', "The label 'halo sync' contains spaces which is invalid."],
  ])('rejects %s with Jira’s field error', async (_name, extra, field, message) => {
    const res = await create(extra);
    expect(res.status).toBe(400);
    expect(res.body.errors[field]).toBe(message);
    expect(stub.tickets()).toHaveLength(0);
  });

  it('rejects an unknown project and issue type', async () => {
    const res = await api('POST', '/rest/api/3/issue', { body: { fields: { project: { key: 'NOPE' }, issuetype: { name: 'Epic' }, summary: 's' } } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ project: 'Specify a valid project ID or key', issuetype: 'The issue type selected is invalid.' });
  });

  it('accepts ADF just under the limit', async () => {
    const doc = adfParagraph('');
    const overhead = JSON.stringify(doc).length;
    expect((await create({ description: adfParagraph('z'.repeat(32_767 - overhead)) })).status).toBe(201);
  });

  it('bulk-creates with per-item errors next to the created issues', async () => {
    const res = await api('POST', '/rest/api/3/issue/bulk', {
      body: { issueUpdates: [{ fields: issueFields({ summary: 'one' }) }, { fields: issueFields({ customfield_99999: 'x' }) }, { fields: issueFields({ summary: 'three' }) }] },
    });
    expect(res.status).toBe(201);
    expect(res.body.issues.map((i: { key: string }) => i.key)).toEqual(['SEC-1', 'SEC-2']);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({ status: 400, failedElementNumber: 1, elementErrors: { errors: { customfield_99999: expect.stringContaining('cannot be set') } } });
    expect(stub.tickets().map((t) => t.fields.summary)).toEqual(['one', 'three']);
  });

  it('answers 400 when no bulk item could be created, and refuses more than 50 items', async () => {
    const none = await api('POST', '/rest/api/3/issue/bulk', { body: { issueUpdates: [{ fields: issueFields({ description: 'plain' }) }] } });
    expect(none.status).toBe(400);
    expect(none.body.issues).toEqual([]);
    expect(none.body.errors[0].failedElementNumber).toBe(0);
    const tooMany = await api('POST', '/rest/api/3/issue/bulk', { body: { issueUpdates: Array.from({ length: 51 }, () => ({ fields: issueFields() })) } });
    expect(tooMany.status).toBe(400);
    expect(stub.tickets()).toHaveLength(0);
    expect(stub.violations.map((v) => v.path)).toEqual(['/rest/api/3/issue/bulk']);
  });
});

describe('comments, edits and transitions', () => {
  it('takes ADF comments only and keeps them on the ticket', async () => {
    await create();
    expect((await api('POST', '/rest/api/3/issue/SEC-1/comment', { body: { body: 'plain text' } })).status).toBe(400);
    const ok = await api('POST', '/rest/api/3/issue/SEC-1/comment', { body: { body: adfParagraph('finding changed') } });
    expect(ok.status).toBe(201);
    expect(ok.body.body).toEqual(adfParagraph('finding changed'));
    expect(stub.ticket('SEC-1')?.comments.map((c) => c.text)).toEqual(['finding changed']);
    const list = await api('GET', '/rest/api/3/issue/SEC-1/comment');
    expect(list.body.total).toBe(1);
    expect((await api('POST', '/rest/api/3/issue/SEC-404/comment', { body: { body: adfParagraph('x') } })).status).toBe(404);
  });

  it('edits fields and records the change in the changelog', async () => {
    await create({ [HALO_ISSUE_ID_FIELD]: 'h-1' });
    expect((await api('PUT', '/rest/api/3/issue/SEC-1', { body: { fields: { summary: 'renamed' } } })).status).toBe(204);
    expect((await api('PUT', '/rest/api/3/issue/SEC-1', { body: { fields: { description: 'plain' } } })).status).toBe(400);
    const log = await api('GET', '/rest/api/3/issue/SEC-1/changelog');
    expect(log.body.values[0].items[0]).toMatchObject({ field: 'Summary', fromString: 'Halo detected issue', toString: 'renamed' });
  });

  it('lists only the transitions valid from the current status and refuses others', async () => {
    await create();
    const names = async (): Promise<string[]> => (await api('GET', '/rest/api/3/issue/SEC-1/transitions')).body.transitions.map((t: { name: string }) => t.name);
    expect(await names()).toEqual(['Start', 'Close', "Won't Fix"]);
    const reopen = await api('POST', '/rest/api/3/issue/SEC-1/transitions', { body: { transition: { id: '31' } } });
    expect(reopen.status).toBe(400);
    expect(reopen.body.errorMessages).toEqual(["Transition id '31' is not valid for this issue."]);
    expect((await api('POST', '/rest/api/3/issue/SEC-1/transitions', { body: { transition: { id: '21' } } })).status).toBe(204);
    expect(stub.ticket('SEC-1')?.status).toBe('Closed');
    expect(await names()).toEqual(['Reopen']);
    expect(stub.ticket('SEC-1')?.history[0]?.items[0]).toEqual({ field: 'status', fromString: 'Open', toString: 'Closed' });
  });

  it('lets a human move a ticket to any status, leaving no transition out of Won\'t Fix', async () => {
    await create();
    stub.setStatus('SEC-1', "Won't Fix", 'analyst@example.com');
    const list = await api('GET', '/rest/api/3/issue/SEC-1/transitions');
    expect(list.body.transitions).toEqual([]);
    expect(stub.ticket('SEC-1')?.history.at(-1)?.author).toBe('analyst@example.com');
  });
});

describe('JQL search', () => {
  beforeEach(() => {
    stub.seedTicket({ summary: 'sva on web-1', fields: { [HALO_ISSUE_ID_FIELD]: '9f1c-aa', customfield_10052: 'halo' } });
    stub.seedTicket({ summary: 'csm on web-2', status: 'In Progress', fields: { [HALO_ISSUE_ID_FIELD]: '77de-bb' } });
    stub.seedTicket({ summary: 'fim on db-1', status: 'Closed', fields: { [HALO_ISSUE_ID_FIELD]: 'aa-9f1c' } });
  });

  it('matches exact phrases OR-ed on the id field, by name and by cf[id]', async () => {
    const res = await search(`"Halo Issue ID" ~ "\\"9f1c-aa\\"" OR cf[10050] ~ "\\"77de-bb\\"" ORDER BY key ASC`, { fields: ['key', HALO_ISSUE_ID_FIELD] });
    expect(res.status).toBe(200);
    expect(keysOf(res)).toEqual(['SEC-1', 'SEC-2']);
    expect(res.body.issues[0].fields[HALO_ISSUE_ID_FIELD]).toBe('9f1c-aa');
  });

  it('treats an unquoted term as words in any order (the fuzzy match of the original tool)', async () => {
    const term = await search('cf[10050] ~ "9f1c-aa" ORDER BY key ASC', { fields: 'key' });
    expect(keysOf(term)).toEqual(['SEC-1', 'SEC-3']);
    const phrase = await search('cf[10050] ~ "\\"9f1c-aa\\""', { fields: 'key' });
    expect(keysOf(phrase)).toEqual(['SEC-1']);
  });

  it('filters on project, status, issuetype, key and emptiness', async () => {
    const q = async (jql: string): Promise<string[]> => keysOf(await search(`${jql} ORDER BY key ASC`, { fields: 'key' }));
    expect(await q('project = SEC AND status = "In Progress"')).toEqual(['SEC-2']);
    expect(await q('project = SEC AND status in (Open, "In Progress")')).toEqual(['SEC-1', 'SEC-2']);
    expect(await q('project = SEC AND status not in (Closed) AND issuetype = Bug')).toEqual(['SEC-1', 'SEC-2']);
    expect(await q('project = SEC AND status != Open')).toEqual(['SEC-2', 'SEC-3']);
    expect(await q('"Halo Source" is EMPTY AND project = SEC')).toEqual(['SEC-2', 'SEC-3']);
    expect(await q('"Halo Source" is not EMPTY')).toEqual(['SEC-1']);
    expect(await q('key in (SEC-1, SEC-3)')).toEqual(['SEC-1', 'SEC-3']);
    expect(await q('project = SEC AND (summary ~ web OR status = Closed) AND NOT status = Open')).toEqual(['SEC-2', 'SEC-3']);
    expect(await q(`updated >= "2026-11-23 09:00" AND project = SEC`)).toEqual(['SEC-1', 'SEC-2', 'SEC-3']);
    expect(await q('updated >= -1m AND project = SEC')).toEqual([]);
    expect(await q('project = SEC AND summary !~ web')).toEqual(['SEC-3']);
    expect(await q('summary ~ "we*" AND cf[10050] ~ "77de"')).toEqual(['SEC-2']);
  });

  it('sorts by ORDER BY and returns ids only by default', async () => {
    const desc = await search('project = SEC ORDER BY key DESC', { fields: 'key' });
    expect(keysOf(desc)).toEqual(['SEC-3', 'SEC-2', 'SEC-1']);
    const idsOnly = await search('project = SEC');
    expect(idsOnly.body.issues.every((i: object) => Object.keys(i).join() === 'id')).toBe(true);
  });

  it.each([
    ['', 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'],
    ['ORDER BY key DESC', 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'],
    ['"Halo Issue ID" = "9f1c-aa"', "The operator '=' is not supported by the 'Halo Issue ID' field."],
    ['customfield_10050 ~ "x"', "Field 'customfield_10050' does not exist or you do not have permission to view it."],
    ['project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
    ['status = Resolved', "The value 'Resolved' does not exist for the field 'status'."],
    ['(project = SEC', "Error in the JQL Query: Expecting ')' before the end of the query."],
    ['project SEC', 'Error in the JQL Query: Expecting operator but got'],
    ['updated > "yesterday"', "Date value 'yesterday' for field 'updated' is invalid."],
    ['project = SEC AND updated > startOfWeek()', "Unable to find JQL function 'startOfWeek()'."],
    ['project = SEC AND % = 1', "The character '%' is a reserved JQL character."],
  ])('rejects %j with a Jira-like message', async (jql, message) => {
    const res = await search(jql);
    expect(res.status).toBe(400);
    expect(res.body.errorMessages[0]).toContain(message);
  });

  it('pages with nextPageToken until isLast, without repeats', async () => {
    for (let i = 0; i < 4; i++) stub.seedTicket({ summary: `extra ${i}` });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await search('project = SEC ORDER BY key ASC', { fields: 'key', maxResults: '3', ...(token ? { nextPageToken: token } : {}) });
      expect(res.status).toBe(200);
      pages += 1;
      seen.push(...keysOf(res));
      token = res.body.nextPageToken;
      expect(res.body.isLast).toBe(token === undefined);
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(['SEC-1', 'SEC-2', 'SEC-3', 'SEC-4', 'SEC-5', 'SEC-6', 'SEC-7']);
  });

  it('refuses a page token from another query', async () => {
    const first = await search('project = SEC', { maxResults: '1' });
    const other = await search('status = Open', { nextPageToken: first.body.nextPageToken });
    expect(other.status).toBe(400);
  });

  it('caps pages at 100 issues when fields are requested, 5000 for ids only', async () => {
    for (let i = 0; i < 120; i++) stub.seedTicket({ summary: `bulk ${i}` });
    expect((await search('project = SEC', { maxResults: '500', fields: 'summary' })).body.issues).toHaveLength(100);
    expect((await search('project = SEC', { maxResults: '500' })).body.issues).toHaveLength(123);
  });

  it('answers the POST variant the same way', async () => {
    const res = await api('POST', '/rest/api/3/search/jql', { body: { jql: 'status = Closed', fields: ['key', 'status'], maxResults: 10 } });
    expect(res.status).toBe(200);
    expect(keysOf(res)).toEqual(['SEC-3']);
    expect(res.body.issues[0].fields.status.name).toBe('Closed');
  });
});

describe('eventual consistency of search', () => {
  const findById = (id: string, extra: Record<string, string | string[]> = {}): Promise<Answer> =>
    search(`cf[10050] ~ "\\"${id}\\""`, { fields: ['key', 'status'], ...extra });

  it('hides a just-created issue until the lag passes, unless reconciled', async () => {
    const created = await create({ [HALO_ISSUE_ID_FIELD]: 'new-1' });
    expect(keysOf(await findById('new-1'))).toEqual([]);
    expect(keysOf(await findById('new-1', { reconcileIssues: created.body.id }))).toEqual(['SEC-1']);
    advance(1499);
    expect(keysOf(await findById('new-1'))).toEqual([]);
    advance(1);
    expect(keysOf(await findById('new-1'))).toEqual(['SEC-1']);
  });

  it('shows the old status after a transition until the lag passes, unless reconciled', async () => {
    const created = await create({ [HALO_ISSUE_ID_FIELD]: 'moved-1' });
    advance(2000);
    await api('POST', '/rest/api/3/issue/SEC-1/transitions', { body: { transition: { id: '21' } } });
    expect((await findById('moved-1')).body.issues[0].fields.status.name).toBe('Open');
    expect((await search('status = Closed', { fields: 'key' })).body.issues).toEqual([]);
    const reconciled = await api('POST', '/rest/api/3/search/jql', { body: { jql: 'status = Closed', fields: ['key'], reconcileIssues: [Number(created.body.id)] } });
    expect(keysOf(reconciled)).toEqual(['SEC-1']);
    advance(1500);
    expect((await findById('moved-1')).body.issues[0].fields.status.name).toBe('Closed');
  });

  it('sees writes at once when the lag is 0', async () => {
    stub.setSearchLag(0);
    await create({ [HALO_ISSUE_ID_FIELD]: 'now-1' });
    expect(keysOf(await findById('now-1'))).toEqual(['SEC-1']);
  });

  it('still finds a deleted issue during the lag, then not', async () => {
    stub.seedTicket({ summary: 'old', fields: { [HALO_ISSUE_ID_FIELD]: 'gone-1' } });
    stub.deleteTicket('SEC-1');
    expect(keysOf(await findById('gone-1'))).toEqual(['SEC-1']);
    advance(1500);
    expect(keysOf(await findById('gone-1'))).toEqual([]);
  });
});

describe('removed endpoints, rate limits and faults', () => {
  it.each([
    ['GET', '/rest/api/3/search'],
    ['POST', '/rest/api/3/search'],
    ['GET', '/rest/api/2/search'],
    ['POST', '/rest/api/2/search'],
  ])('%s %s answers 410 Gone with Atlassian’s migration message', async (method, path) => {
    const res = await api(method, path, method === 'POST' ? { body: { jql: 'project = SEC' } } : { query: { jql: 'project = SEC' } });
    expect(res.status).toBe(410);
    expect(res.body.errorMessages).toEqual([REMOVED_SEARCH_MESSAGE]);
  });

  it('scripts 429s for one kind of request, with Retry-After and X-RateLimit-Reset', async () => {
    stub.rateLimitNext(2, { kind: 'search', retryAfterSec: 3 });
    const first = await search('project = SEC');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.headers.get('x-ratelimit-reset')).toBe(new Date(T0 + 3000).toISOString());
    expect(first.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect((await create()).status).toBe(201);
    expect((await search('project = SEC')).status).toBe(429);
    expect((await search('project = SEC')).status).toBe(200);
  });

  it('scripts 503 with Retry-After', async () => {
    stub.unavailableNext(1, { retryAfterSec: 2 });
    const res = await api('GET', '/rest/api/3/field');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await api('GET', '/rest/api/3/field')).status).toBe(200);
  });

  it('produces real 429s above the per-second budget, and recovers a second later', async () => {
    stub.setRequestsPerSecond(5);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await api('GET', '/rest/api/3/myself')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      advance(1000);
      expect((await api('GET', '/rest/api/3/myself')).status).toBe(200);
    } finally {
      stub.setRequestsPerSecond(0);
    }
  });

  it('resets a connection on demand', async () => {
    stub.faults.resetNext(1);
    await expect(api('GET', '/rest/api/3/myself')).rejects.toThrow();
    expect((await api('GET', '/rest/api/3/myself')).status).toBe(200);
  });

  it('counts requests by kind', async () => {
    await api('GET', '/rest/api/3/field');
    await create();
    await api('POST', '/rest/api/3/issue/bulk', { body: { issueUpdates: [{ fields: issueFields() }] } });
    await api('POST', '/rest/api/3/issue/SEC-1/comment', { body: { body: adfParagraph('c') } });
    await api('GET', '/rest/api/3/issue/SEC-1/transitions');
    await api('POST', '/rest/api/3/issue/SEC-1/transitions', { body: { transition: { id: '11' } } });
    await search('project = SEC');
    await api('GET', '/rest/api/3/myself');
    expect(stub.counts()).toEqual({ field: 1, create: 1, bulkCreate: 1, comment: 1, transitionsList: 1, transition: 1, bulkTransition: 0, bulkProgress: 0, createmeta: 0, search: 1, other: 1 });
  });
});

describe('OpenAPI contract', () => {
  it('rejects a request the real API would reject and records the violation', async () => {
    const res = await api('POST', '/rest/api/3/search/jql', { body: { jql: 'project = SEC', startAt: 0 } });
    expect(res.status).toBe(400);
    expect(res.body.errorMessages[0]).toContain('startAt');
    const bulk = await api('POST', '/rest/api/3/issue/bulk', { body: { issueUpdates: { fields: issueFields() } } });
    expect(bulk.status).toBe(400);
    expect(stub.violations.map((v) => v.operationId)).toEqual(['searchAndReconsileIssuesUsingJqlPost', 'createIssues']);
  });

  it('rejects a bulk body without issueUpdates', async () => {
    const res = await api('POST', '/rest/api/3/issue/bulk', { body: { issues: [{ fields: issueFields() }] } });
    expect(res.status).toBe(400);
    expect(stub.violations).toHaveLength(1);
    expect(stub.tickets()).toHaveLength(0);
  });

  it('records no violation for a well-formed client conversation', async () => {
    await api('GET', '/rest/api/3/field');
    await create({ [HALO_ISSUE_ID_FIELD]: 'ok-1', description: adfParagraph('d') });
    await api('POST', '/rest/api/3/issue/SEC-1/comment', { body: { body: adfParagraph('c') } });
    await api('POST', '/rest/api/3/issue/SEC-1/transitions', { body: { transition: { id: '21' } } });
    await api('GET', '/rest/api/3/search/jql', { query: { jql: 'project = SEC', fields: 'key,status', reconcileIssues: '10001' } });
    await api('POST', '/rest/api/3/search/jql', { body: { jql: 'project = SEC', fields: ['status', 'updated', HALO_ISSUE_ID_FIELD], maxResults: 100, reconcileIssues: [10001] } });
    await api('GET', '/rest/api/3/issue/SEC-1', { query: { fields: 'description,comment', expand: 'changelog' } });
    await api('PUT', '/rest/api/3/issue/SEC-1', { body: { fields: { labels: ['halo'] } } });
    await api('GET', '/rest/api/3/issue/SEC-1/transitions');
    await api('GET', '/rest/api/3/issue/SEC-1/changelog');
    await api('GET', '/rest/api/3/project/SEC');
    await api('GET', '/rest/api/3/issue/createmeta/SEC/issuetypes');
    await api('GET', '/rest/api/3/mypermissions', { query: { projectKey: 'SEC', permissions: 'BROWSE_PROJECTS,CREATE_ISSUES' } });
    await api('GET', '/rest/api/3/workflow/search', { query: { expand: 'transitions,statuses' } });
    expect(stub.requests.filter((r) => r.status >= 400)).toEqual([]);
    expect(stub.violations).toEqual([]);
  });

  it('rejects a path the API does not have', async () => {
    const res = await api('GET', '/rest/api/3/issue/SEC-1/nothing-here');
    expect(res.status).toBe(404);
    expect(stub.violations).toHaveLength(1);
  });

  it('refuses a call of the real API that the project does not list (not in local/contracts/operations.json)', async () => {
    await create({ [HALO_ISSUE_ID_FIELD]: 'keep-1' });
    const res = await api('DELETE', '/rest/api/3/issue/SEC-1');
    expect(res.status).toBe(405);
    expect(res.body.errorMessages[0]).toContain('local/contracts/operations.json');
    expect(stub.violations).toMatchObject([{ method: 'DELETE', path: '/rest/api/3/issue/SEC-1', status: 405 }]);
    expect(stub.tickets()).toHaveLength(1);
  });
});

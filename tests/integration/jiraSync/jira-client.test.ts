import { JiraClient } from '../../../functions/jiraSync/clients/jira';
import { resolveFields } from '../../../functions/jiraSync/fields';
import { loadConfig } from '../../../functions/jiraSync/config';
import { renderComment, renderDescription } from '../../../functions/jiraSync/render';
import { startJiraStub, type JiraStub } from '../../../local/jira';
import { ConfigError } from '../../../shared/errors';

const ENV = {
  HALO_API_KEY: 'k', HALO_API_SECRET_KEY: 's', JIRA_API_USER: 'u', JIRA_API_TOKEN: 't', JIRA_API_URL: 'https://x.atlassian.net',
  JIRA_ISSUE_ID_FIELD: 'Halo Issue ID', JIRA_PROJECT_KEY: 'SEC', JIRA_ISSUE_TYPE: 'Bug',
  ISSUE_CLOSE_TRANSITION: 'Close', ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed',
};

describe('Jira client against the Jira Cloud stand-in', () => {
  let stub: JiraStub;
  let jira: JiraClient;
  beforeAll(async () => {
    stub = await startJiraStub({ searchLagMs: 0 });
    jira = new JiraClient({ baseUrl: stub.url, user: stub.config.email, token: stub.config.apiToken });
  });
  afterAll(() => stub.stop());
  beforeEach(() => stub.reset());
  afterEach(() => expect(stub.violations).toEqual([]));

  const fieldsFor = async (env = {}) => resolveFields(loadConfig({ ...ENV, ...env }), await jira.fields());
  const create = (haloId: string, fields: Awaited<ReturnType<typeof fieldsFor>>) => ({
    project: { key: stub.config.project.key },
    issuetype: { name: 'Bug' },
    summary: `ticket for ${haloId}`,
    description: renderDescription({ id: haloId, name: 'x' }, {}),
    [fields.haloId.id]: haloId,
  });

  it('bulk-creates with the Halo id in the request and finds the tickets back, many ids per search, exact ids only', async () => {
    const f = await fieldsFor();
    const ids = Array.from({ length: 120 }, (_, i) => `8d1a7e0c-0f77-11e9-b78d-${String(i).padStart(12, '0')}`);
    const results = await jira.createTickets(ids.map((id) => create(id, f)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(stub.counts().bulkCreate).toBe(3); // 50 + 50 + 20
    // A ticket whose id merely contains a wanted id must not match.
    stub.seedTicket({ summary: 'look-alike', fields: { [f.haloId.id]: `${ids[0]}-copy` } });
    const before = stub.counts().search;
    const found = await jira.findTickets(f.haloId, ids.slice(0, 50));
    expect(stub.counts().search - before).toBe(1);
    expect(found.map((t) => t.haloId).sort()).toEqual(ids.slice(0, 50).sort());
    expect(found.every((t) => t.status === 'Open' && /^SEC-\d+$/.test(t.key) && !Number.isNaN(Date.parse(t.updated)))).toBe(true);
  });

  it('pages through search results with nextPageToken', async () => {
    const f = await fieldsFor();
    const id = 'aaaaaaaa-0000-4000-8000-000000000001';
    for (let i = 0; i < 130; i++) stub.seedTicket({ summary: `dup ${i}`, fields: { [f.haloId.id]: id } });
    const before = stub.counts().search;
    const found = await jira.findTickets(f.haloId, [id]);
    expect(found).toHaveLength(130);
    expect(stub.counts().search - before).toBeGreaterThanOrEqual(2);
  });

  it('finds a just-created ticket inside the search lag when its id is passed in reconcileIssues', async () => {
    stub.setSearchLag(60_000);
    const f = await fieldsFor();
    const id = 'bbbbbbbb-0000-4000-8000-000000000002';
    const [r] = await jira.createTickets([create(id, f)]);
    expect(await jira.findTickets(f.haloId, [id])).toEqual([]);
    const found = await jira.findTickets(f.haloId, [id], [r?.ok ? r.id : '']);
    expect(found.map((t) => t.haloId)).toEqual([id]);
  });

  it('reports per-item bulk errors without failing the others', async () => {
    const f = await fieldsFor({ JIRA_FIELD_STATIC: 'Halo Type:not-an-option' });
    const good = create('cccccccc-0000-4000-8000-000000000003', f);
    const bad = { ...create('cccccccc-0000-4000-8000-000000000004', f), [f.statics[0]!.field.id]: { value: 'not-an-option' } };
    const results = await jira.createTickets([bad, good]);
    expect(results[0]).toMatchObject({ ok: false });
    expect(results[1]).toMatchObject({ ok: true });
    expect(stub.tickets()).toHaveLength(1);
    stub.violations.length = 0; // the refused element is a legitimate 400, not a contract breach
  });

  it('transitions by id from the list, comments in ADF, and reads the live status, description and comments back', async () => {
    const f = await fieldsFor();
    const id = 'dddddddd-0000-4000-8000-000000000005';
    const [r] = await jira.createTickets([create(id, f)]);
    const key = r?.ok ? r.key : '';
    const names = (await jira.transitions(key)).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Close', "Won't Fix"]));
    const close = (await jira.transitions(key)).find((t) => t.name === 'Close')!;
    await jira.transition(key, close.id);
    expect(stub.ticket(key)!.status).toBe('Closed');
    await jira.addComment(key, renderComment({ id, last_seen_at: '2026-11-20T10:00:00Z' }, {}));
    const now = await jira.ticketNow(key);
    expect(now.status).toBe('Closed');
    expect(now.texts).toHaveLength(2);
    expect(JSON.stringify(now.texts[1])).toContain(`halo-change:${id}@2026-11-20T10:00:00Z`);
  });

  it('honours 429 Retry-After and backs off on 503 for reads', async () => {
    const f = await fieldsFor();
    stub.rateLimitNext(2, { kind: 'search', retryAfterSec: 0 });
    stub.unavailableNext(1, { kind: 'search', retryAfterSec: 0 });
    await expect(jira.findTickets(f.haloId, ['eeeeeeee-0000-4000-8000-000000000006'])).resolves.toEqual([]);
    expect(stub.requests.filter((x) => x.route.includes('search/jql')).map((x) => x.status)).toEqual([429, 429, 503, 200]);
  });

  it('retries a bulk create on 429 and on 503 with Retry-After (not applied) but not on a bare 503 (maybe applied)', async () => {
    const f = await fieldsFor();
    stub.rateLimitNext(1, { kind: 'bulkCreate', retryAfterSec: 0 });
    const ok = await jira.createTickets([create('ffffffff-0000-4000-8000-000000000007', f)]);
    expect(ok[0]).toMatchObject({ ok: true });
    // Atlassian: a 503 with Retry-After is a resource limit, load shed before the request ran.
    stub.unavailableNext(1, { kind: 'bulkCreate', retryAfterSec: 0 });
    await expect(jira.createTickets([create('ffffffff-0000-4000-8000-000000000009', f)])).resolves.toMatchObject([{ ok: true }]);
    stub.unavailableNext(1, { kind: 'bulkCreate', retryAfterSec: null });
    await expect(jira.createTickets([create('ffffffff-0000-4000-8000-000000000008', f)])).rejects.toThrow('503');
    expect(stub.counts().bulkCreate).toBe(5);
  });
});

describe('Jira client: typed fields, create-closed, bulk transitions, searches that carry transitions and markers', () => {
  let stub: JiraStub;
  let jira: JiraClient;
  beforeAll(async () => {
    stub = await startJiraStub({ searchLagMs: 0, bulkTaskMs: 150 });
    jira = new JiraClient({ baseUrl: stub.url, user: stub.config.email, token: stub.config.apiToken });
  });
  afterAll(() => stub.stop());
  beforeEach(() => stub.reset());
  afterEach(() => expect(stub.violations).toEqual([]));

  const config = (env: Record<string, string> = {}) => loadConfig({ ...ENV, ...env });
  const newTicket = (haloId: string, idField: string, transitionId?: string) => ({
    fields: { project: { key: 'SEC' }, issuetype: { id: '10004' }, summary: `ticket for ${haloId}`, [idField]: haloId },
    ...(transitionId ? { transitionId } : {}),
  });

  it('reads the create screen (paged createmeta) and types static values from it before any write', async () => {
    const screen = await jira.createScreen('SEC', 'bug');
    expect(screen.issueType).toEqual({ id: '10004', name: 'Bug' });
    expect(screen.fields.find((f) => f.fieldId === 'customfield_10058')?.allowedValues?.[0]).toMatchObject({ value: 'Network', children: expect.any(Array) });
    const resolved = resolveFields(config({ JIRA_FIELD_STATIC: 'Priority:high;Components:Cloud;Risk Area:Network -> VPN;Security Owner:5d53f3cbc6b9320d9ea5bdc2;Environments:production' }), await jira.fields(), screen.fields);
    const [r] = await jira.createTicketsWith([{ fields: { ...newTicket('typed-1', resolved.haloId.id).fields, ...Object.fromEntries(resolved.statics.map((s) => [s.field.id, s.typed])) } }]);
    expect(r).toMatchObject({ ok: true });
    const t = stub.ticket(r!.ok ? r!.key : '')!;
    expect(t.fields.priority).toMatchObject({ name: 'High' });
    expect(t.fields.customfield_10058).toMatchObject({ value: 'Network', child: { value: 'VPN' } });

    const siteFields = await jira.fields();
    const err = (() => { try { resolveFields(config({ JIRA_FIELD_STATIC: 'Team:Platform;Priority:Urgent' }), siteFields, screen.fields); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => [p.value, /customfield_10060.*customfield_10061|not a priority/.test(p.expected)])).toEqual([['Team', true], ['Priority:Urgent', true]]);
    await expect(jira.createScreen('SEC', 'Epic')).rejects.toThrow(/JIRA_ISSUE_TYPE.*"Bug", "Task"/s);
    expect(stub.counts().bulkCreate).toBe(1);
  });

  it('creates tickets closed in the bulk create; a refused transition fails only that element, marked for the fallback', async () => {
    const idField = 'customfield_10050';
    const results = await jira.createTicketsWith([newTicket('c-1', idField, '21'), newTicket('c-2', idField, '31'), newTicket('c-3', idField)]);
    expect(results[0]).toMatchObject({ ok: true, transitioned: true });
    expect(results[1]).toMatchObject({ ok: false, transitionRefused: true });
    expect(results[2]).toEqual({ ok: true, id: expect.any(String), key: expect.any(String) });
    expect(stub.ticket(results[0]!.ok ? results[0]!.key : '')!.status).toBe('Closed');
    expect(stub.tickets().map((t) => t.fields[idField]).sort()).toEqual(['c-1', 'c-3']);
    const bad = await jira.createTicketsWith([{ fields: { ...newTicket('c-4', idField).fields, priority: 'High' }, transitionId: '21' }]);
    expect(bad[0]).toMatchObject({ ok: false, transitionRefused: false });
    expect(stub.counts().bulkCreate).toBe(2);
  });

  it('finds tickets with their transitions, issue type and change markers in one search', async () => {
    const f = resolveFields(config(), await jira.fields());
    const [open, closed] = await jira.createTicketsWith([
      { fields: { ...newTicket('d-1', f.haloId.id).fields, description: renderDescription({ id: 'd-1', last_seen_at: '2026-11-01T00:00:00Z' }, {}) } },
      newTicket('d-2', f.haloId.id, '21'),
    ]);
    await jira.addComment(open!.ok ? open!.key : '', renderComment({ id: 'd-1', last_seen_at: '2026-11-02T00:00:00Z' }, {}));
    const before = stub.counts();
    const found = await jira.findTicketDetails(f.haloId, ['d-1', 'd-2']);
    expect(stub.counts().search - before.search).toBe(1);
    const d1 = found.find((t) => t.haloId === 'd-1')!;
    expect(d1).toMatchObject({ status: 'Open', issueTypeId: '10004', commentsComplete: true });
    expect(d1.transitions.map((t) => t.name)).toEqual(['Start', 'Close', "Won't Fix"]);
    expect(d1.markers.sort()).toEqual(['halo-change:d-1@2026-11-01T00:00:00Z', 'halo-change:d-1@2026-11-02T00:00:00Z']);
    expect(found.find((t) => t.haloId === 'd-2')).toMatchObject({ status: 'Closed', transitions: [{ id: '31', name: 'Reopen', to: 'Open' }], markers: [] });
    expect(closed).toMatchObject({ ok: true });
  });

  it('closes many tickets with one bulk transition task and reports per-issue results', async () => {
    const f = resolveFields(config(), await jira.fields());
    const created = await jira.createTicketsWith(['b-1', 'b-2', 'b-3'].map((id) => newTicket(id, f.haloId.id)));
    const ids = created.map((r) => (r.ok ? r.id : ''));
    stub.setStatus(ids[2]!, 'Closed');
    const outcome = await jira.bulkTransition([{ transitionId: '21', issueIds: ids }], { pollMs: 50 });
    expect(outcome).toMatchObject({ kind: 'submitted', moved: [ids[0], ids[1]], pending: [] });
    expect(outcome.kind === 'submitted' && outcome.failed.map((x) => x.issueId)).toEqual([ids[2]]);
    expect(outcome.kind === 'submitted' && outcome.failed[0]!.reason).toMatch(/not valid/);
    expect(stub.ticket(ids[0]!)!.status).toBe('Closed');
    expect(stub.counts().bulkTransition).toBe(1);
    expect(stub.counts().bulkProgress).toBeGreaterThanOrEqual(1);
  });

  it('leaves issues pending when the deadline comes before the task finishes', async () => {
    const slow = new JiraClient({ baseUrl: stub.url, user: stub.config.email, token: stub.config.apiToken, deadline: { remainingMs: () => 31_000 } });
    // The create goes through the unhurried client: a write is never sent without its full timeout left.
    const [r] = await jira.createTicketsWith([newTicket('p-1', 'customfield_10050')]);
    const outcome = await slow.bulkTransition([{ transitionId: '21', issueIds: [r!.ok ? r!.id : ''] }], { pollMs: 50, reserveMs: 32_000 });
    expect(outcome).toMatchObject({ kind: 'submitted', moved: [], failed: [], pending: [r!.ok ? r!.id : ''] });
  });

  it('answers "refused" without the global Make bulk changes permission, so the caller falls back per issue', async () => {
    const denied = await startJiraStub({ searchLagMs: 0, deniedPermissions: ['BULK_CHANGE'] });
    try {
      const client = new JiraClient({ baseUrl: denied.url, user: denied.config.email, token: denied.config.apiToken });
      const t = denied.seedTicket({ summary: 'x' });
      const outcome = await client.bulkTransition([{ transitionId: '21', issueIds: [t.id] }]);
      expect(outcome.kind).toBe('refused');
      expect(outcome.kind === 'refused' && outcome.reason).toMatch(/Make bulk changes/);
      expect(denied.ticket(t.id)!.status).toBe('Open');
      expect(denied.counts().bulkTransition).toBe(1);
    } finally {
      await denied.stop();
    }
  });
});

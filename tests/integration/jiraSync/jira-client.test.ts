import { JiraClient } from '../../../functions/jiraSync/clients/jira';
import { resolveFields } from '../../../functions/jiraSync/fields';
import { loadConfig } from '../../../functions/jiraSync/config';
import { renderComment, renderDescription } from '../../../functions/jiraSync/render';
import { startJiraStub, type JiraStub } from '../../../local/jira';

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

  it('retries a bulk create on 429 (not applied) but not on 503 (maybe applied)', async () => {
    const f = await fieldsFor();
    stub.rateLimitNext(1, { kind: 'bulkCreate', retryAfterSec: 0 });
    const ok = await jira.createTickets([create('ffffffff-0000-4000-8000-000000000007', f)]);
    expect(ok[0]).toMatchObject({ ok: true });
    stub.unavailableNext(1, { kind: 'bulkCreate', retryAfterSec: 0 });
    await expect(jira.createTickets([create('ffffffff-0000-4000-8000-000000000008', f)])).rejects.toThrow('503');
    expect(stub.counts().bulkCreate).toBe(3);
  });
});

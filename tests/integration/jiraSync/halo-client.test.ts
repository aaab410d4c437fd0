import { HaloClient } from '../../../functions/jiraSync/clients/halo';
import { demoIssues, HALO_ROUTES, makeHaloIssue, startHaloStub, type HaloStub } from '../../../local/halo';

describe('Halo client against the Halo stand-in', () => {
  let stub: HaloStub;
  const client = (): HaloClient => new HaloClient({ baseUrl: stub.url, apiKey: stub.apiKey, apiSecret: stub.apiSecret });
  beforeAll(async () => {
    stub = await startHaloStub();
  });
  afterAll(() => stub.stop());
  beforeEach(() => stub.reset());

  it('lists every page (no silent cap), active and resolved, and reuses one token', async () => {
    stub.seed(demoIssues(750, 7));
    const halo = client();
    const issues = await halo.listIssues('2020-01-01T00:00:00Z', false);
    expect(new Set(issues.map((i) => i.id)).size).toBe(750);
    expect(new Set(issues.map((i) => i.status))).toEqual(new Set(['active', 'resolved']));
    expect(stub.requests.count(HALO_ROUTES.listIssues)).toBeGreaterThan(1);
    expect(stub.requests.count(HALO_ROUTES.token)).toBe(1);
    const first = stub.requests.byRoute(HALO_ROUTES.listIssues)[0]!;
    expect(first.query).toMatchObject({ since: '2020-01-01T00:00:00Z', status: 'active,resolved', state: 'active,deactivated,missing,retired' });
  });

  it('CRITICAL_ONLY sends critical=true and gets only critical issues', async () => {
    stub.seed(demoIssues(200, 3));
    const issues = await client().listIssues('2020-01-01T00:00:00Z', true);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.critical === true)).toBe(true);
    expect(stub.requests.byRoute(HALO_ROUTES.listIssues)[0]!.query).toMatchObject({ critical: 'true' });
  });

  it('describes an issue, answers undefined once it is deleted', async () => {
    const issue = makeHaloIssue({ type: 'csm' });
    stub.seed([issue]);
    const halo = client();
    expect((await halo.describeIssue(issue.id))?.id).toBe(issue.id);
    stub.deleteIssue(issue.id);
    expect(await halo.describeIssue(issue.id)).toBeUndefined();
  });

  it('fetches the asset and the latest finding, unwrapped; a deleted asset is undefined', async () => {
    const issue = makeHaloIssue({ type: 'sva' });
    stub.seed([issue]);
    const halo = client();
    const described = (await halo.describeIssue(issue.id))!;
    const asset = (await halo.fetchLinked(described.asset_url!)) as Record<string, unknown>;
    expect(asset).toMatchObject({ id: expect.any(String) });
    expect(asset).not.toHaveProperty('server');
    const finding = await halo.fetchLinked(described.last_finding_urls!.at(-1)!);
    expect(finding).toMatchObject({ id: expect.any(String) });
    stub.deleteAsset(issue.asset_id);
    expect(await halo.fetchLinked(described.asset_url!)).toBeUndefined();
  });

  it('re-authenticates once on 401 and retries 429/5xx with the shared policy', async () => {
    const issue = makeHaloIssue();
    stub.seed([issue]);
    const halo = client();
    await halo.describeIssue(issue.id);
    stub.expireTokens();
    stub.faults.rateLimitNext(1, 0, HALO_ROUTES.describeIssue).failNext(1, 502, { match: HALO_ROUTES.describeIssue });
    expect((await halo.describeIssue(issue.id))?.id).toBe(issue.id);
    expect(stub.requests.count(HALO_ROUTES.token)).toBe(2);
  });

  it('rejects bad credentials with a clear, secret-free message', async () => {
    const halo = new HaloClient({ baseUrl: stub.url, apiKey: stub.apiKey, apiSecret: 'wrong-secret-value' });
    const err = (await halo.listIssues('2020-01-01T00:00:00Z', false).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/Halo rejected the API key .*HALO_API_KEY/);
    expect(err.message).not.toContain('wrong-secret-value');
  });
});

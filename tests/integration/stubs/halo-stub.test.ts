import { demoIssues, haloInstant, HALO_ROUTES, lastChangeOf, makeHaloIssue, startHaloStub, type HaloIssue, type HaloStub } from '../../../local/halo';

// The Halo stand-in itself: auth, paging, filters, describe/asset/finding routes, faults, request log.
type Json = Record<string, any>;

async function tokenFor(stub: HaloStub, key = stub.apiKey, secret = stub.apiSecret): Promise<Response> {
  return fetch(`${stub.url}/oauth/access_token?grant_type=client_credentials`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` },
  });
}

function client(stub: HaloStub) {
  let token: string | undefined;
  return async (pathOrUrl: string, init: RequestInit = {}): Promise<{ status: number; body: Json; headers: Headers }> => {
    token ??= ((await (await tokenFor(stub)).json()) as Json).access_token as string;
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${stub.url}${pathOrUrl}`;
    const res = await fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
  };
}

/** Follows `pagination.next` to the end; returns every listed issue and the pages' next links. */
async function listAll(get: ReturnType<typeof client>, firstPath: string): Promise<{ issues: Json[]; nexts: string[]; counts: number[] }> {
  const issues: Json[] = [];
  const nexts: string[] = [];
  const counts: number[] = [];
  let next: string | undefined = firstPath;
  while (next) {
    const page = await get(next);
    expect(page.status).toBe(200);
    issues.push(...(page.body.issues as Json[]));
    counts.push(page.body.count as number);
    next = page.body.pagination.next as string | undefined;
    if (next) nexts.push(next);
  }
  return { issues, nexts, counts };
}

const ALL = 'status=active,resolved&state=active,deactivated,missing,retired';

describe('Halo stand-in', () => {
  let stub: HaloStub;
  let get: ReturnType<typeof client>;

  beforeAll(async () => {
    stub = await startHaloStub();
  });
  afterAll(() => stub.stop());
  beforeEach(() => {
    stub.reset();
    get = client(stub);
  });

  describe('authentication', () => {
    it('issues a bearer token for the right key and secret', async () => {
      const res = await tokenFor(stub);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      expect(body).toMatchObject({ token_type: 'bearer', expires_in: 900, scope: 'read' });
      expect(body.access_token).toMatch(/^[0-9a-f]{40}$/);
    });

    it('answers 401 to bad credentials, 400 to another grant type, 401 without a bearer token', async () => {
      expect((await tokenFor(stub, stub.apiKey, 'wrong')).status).toBe(401);
      const noGrant = await fetch(`${stub.url}/oauth/access_token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${stub.apiKey}:${stub.apiSecret}`).toString('base64')}` } });
      expect(noGrant.status).toBe(400);
      const anonymous = await fetch(`${stub.url}/v3/issues`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect((await fetch(`${stub.url}/v3/issues`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    });

    it('rejects expired tokens: forced expiry, and a zero lifetime', async () => {
      expect((await get('/v3/issues')).status).toBe(200);
      stub.expireTokens();
      expect((await get('/v3/issues')).status).toBe(401);
      const shortLived = await startHaloStub({ tokenTtlSec: 0 });
      try {
        const fresh = client(shortLived);
        expect((await fresh('/v3/issues')).status).toBe(401);
      } finally {
        await shortLived.stop();
      }
    });
  });

  describe('GET /v3/issues', () => {
    it('pages to the end with absolute next links, 100 per page by default, sorted by created_at', async () => {
      stub.seed(demoIssues(250, 3));
      const { issues, nexts, counts } = await listAll(get, `/v3/issues?${ALL}`);
      expect(issues).toHaveLength(250);
      expect(new Set(issues.map((i) => i.id)).size).toBe(250);
      expect(counts).toEqual([250, 250, 250]);
      expect(nexts).toHaveLength(2);
      expect(nexts[0]).toMatch(new RegExp(`^${stub.url}/v3/issues\\?.*per_page=100.*&page=2$`));
      const created = issues.map((i) => haloInstant(i.created_at)!);
      expect(created).toEqual([...created].sort((a, b) => a - b));
      expect(issues[0]).not.toHaveProperty('findings');
      expect(issues[0]!.url).toBe(`${stub.url}/v3/issues/${issues[0]!.id}`);
    });

    it('keeps the pages of one listing stable while issues change underneath', async () => {
      stub.seed(demoIssues(30, 4));
      const first = await get(`/v3/issues?${ALL}&per_page=10`);
      const newcomer = makeHaloIssue({ created_at: '2020-01-01T00:00:00Z', first_seen_at: '2020-01-01T00:00:00Z' });
      stub.upsertIssue(newcomer);
      const rest = await listAll(get, first.body.pagination.next as string);
      const ids = [...(first.body.issues as Json[]), ...rest.issues].map((i) => i.id);
      expect(ids).toHaveLength(30);
      expect(ids).not.toContain(newcomer.id);
      const again = await listAll(get, `/v3/issues?${ALL}&per_page=10`);
      expect(again.issues[0]!.id).toBe(newcomer.id);
      expect(again.issues).toHaveLength(31);
    });

    it('a new listing (first page without per_page, as jiraSync asks) never gets pages of an earlier one', async () => {
      stub.seed(demoIssues(400, 6));
      const since = '2026-11-05T00:00:00Z';
      const query = `/v3/issues?${ALL}&since=${since}`;
      const before = await listAll(get, query);
      expect(before.nexts.length).toBeGreaterThan(0); // several pages
      // Issues older than `since` are found again: the same query now lists them too (a run after a killed one).
      const older = stub.issues().filter((i) => lastChangeOf(i) < haloInstant(since)!).slice(0, 40);
      for (const i of older) stub.reactivateIssue(i.id, new Date('2026-12-01T00:00:00Z'));
      const expected = stub.issues().filter((i) => lastChangeOf(i) >= haloInstant(since)!).map((i) => i.id).sort();
      const after = await listAll(get, query);
      expect(after.issues.map((i) => i.id).sort()).toEqual(expected);
      expect(expected).toHaveLength(before.issues.length + 40);
    });

    it('filters by since (last change ≥ since), status, asset state and critical', async () => {
      const data = demoIssues(200, 5);
      stub.seed(data);
      const all = stub.issues();
      const since = '2026-11-10T00:00:00.5Z';
      const expected = all.filter((i) => lastChangeOf(i) >= haloInstant(since)!).map((i) => i.id).sort();
      const bySince = await listAll(get, `/v3/issues?${ALL}&since=${since}`);
      expect(bySince.issues.map((i) => i.id).sort()).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(200);

      const activeOnly = await listAll(get, '/v3/issues'); // no status → active only
      expect(activeOnly.issues.every((i) => i.status === 'active')).toBe(true);
      expect(activeOnly.issues).toHaveLength(all.filter((i) => i.status === 'active').length);
      const resolved = await listAll(get, '/v3/issues?status=resolved');
      expect(resolved.issues).toHaveLength(all.filter((i) => i.status === 'resolved').length);

      const critical = await listAll(get, `/v3/issues?${ALL}&critical=true`);
      expect(critical.issues.length).toBe(all.filter((i) => i.critical).length);
      expect(critical.issues.every((i) => i.critical === true)).toBe(true);

      const retiredAssets = new Set(data.assets.filter((a) => a.state === 'retired').map((a) => a.id));
      const onRetired = all.filter((i) => retiredAssets.has(i.asset_url.split('/').pop()!));
      const retired = await listAll(get, '/v3/issues?status=active,resolved&state=retired');
      expect(retired.issues.map((i) => i.id).sort()).toEqual(onRetired.map((i) => i.id).sort());
      const target = all[0]!;
      stub.setAssetState(target.asset_id, 'missing');
      const missing = await listAll(get, '/v3/issues?status=active,resolved&state=missing');
      expect(missing.issues.map((i) => i.id)).toContain(target.id);
    });

    it('sorts by sort_by, caps per_page at 100 and refuses malformed parameters with 422', async () => {
      stub.seed(demoIssues(150, 6));
      const desc = await listAll(get, `/v3/issues?${ALL}&sort_by=last_seen_at.desc&per_page=50`);
      const seen = desc.issues.map((i) => haloInstant(i.last_seen_at)!);
      expect(seen).toEqual([...seen].sort((a, b) => b - a));
      const big = await get(`/v3/issues?${ALL}&per_page=500`);
      expect(big.body.issues).toHaveLength(100);
      expect(big.body.pagination.next).toContain('per_page=100');
      for (const bad of ['since=yesterday', 'status=open', 'state=inactive', 'critical=yes', 'sort_by=name.asc', 'page=0']) {
        const res = await get(`/v3/issues?${bad}`);
        expect({ bad, status: res.status }).toEqual({ bad, status: 422 });
        expect(res.body.error).toEqual(expect.stringContaining(bad.split('=')[0]!));
      }
    });
  });

  describe('describe, assets and findings', () => {
    it('describes an issue in the full v3 shape with URLs on this server, 404 once deleted', async () => {
      const issue = makeHaloIssue({ type: 'csm' });
      stub.upsertIssue(issue);
      const res = await get(`/v3/issues/${issue.id}`);
      expect(res.status).toBe(200);
      const full = res.body.issue as Json;
      for (const field of ['rule_key', 'rule_name', 'category', 'source', 'first_seen_at', 'policy_name', 'findings', 'extended_attributes', 'asset_type', 'group_path', 'csp_region', 'os_type']) {
        expect(full).toHaveProperty(field);
      }
      expect(full.last_finding_urls[0]).toMatch(new RegExp(`^${stub.url}/v1/scans/[0-9a-f]{32}/findings/[0-9a-f]{32}$`));
      expect(full.asset_url).toMatch(new RegExp(`^${stub.url}/v1/servers/[0-9a-f]{32}$`));
      stub.deleteIssue(issue.id);
      expect((await get(`/v3/issues/${issue.id}`)).status).toBe(404);
      expect((await listAll(get, `/v3/issues?${ALL}`)).issues).toHaveLength(0);
    });

    it.each([
      ['sva', 'server_secure', 'server'],
      ['csm', 'cloud_secure', 'csp_resource'],
      ['image_sva', 'container_secure', 'image'],
    ] as const)('follows asset_url of a %s issue (%s) to {%s}, and 404s after deleteAsset', async (type, source, key) => {
      const issue = makeHaloIssue({ type, source });
      stub.upsertIssue(issue);
      const described = (await get(`/v3/issues/${issue.id}`)).body.issue as Json;
      const asset = await get(described.asset_url as string);
      expect(asset.status).toBe(200);
      expect(asset.body[key]).toMatchObject({ id: issue.asset_url.split('/').pop(), state: 'active', group_name: issue.group_name });
      if (key === 'server') {
        expect(asset.body.server).toMatchObject({ hostname: issue.asset_name, csp_region: issue.csp_region });
        expect((await get(`/v1/servers/${issue.asset_id}`)).status).toBe(200); // dashed id works too
      }
      stub.deleteAsset(issue.asset_id);
      expect((await get(described.asset_url as string)).status).toBe(404);
    });

    it.each([
      ['sva', 'finding', (b: Json, i: HaloIssue) => expect(b.cve_entries.map((c: Json) => c.cve_entry)).toEqual(i.cve_ids)],
      ['csm', 'finding', (b: Json) => expect(b.details[0]).toMatchObject({ status: 'bad', scan_status: 'completed' })],
      ['fim', 'finding', (b: Json, i: HaloIssue) => expect(b.rule.target).toBe(i.name)],
      ['lids', 'event', (b: Json, i: HaloIssue) => expect(b).toMatchObject({ type: 'lids_rule_failed', server_hostname: i.asset_name, original_log_entry: expect.any(String) })],
    ] as const)('serves the last finding of a %s issue as {%s}', async (type, key, check) => {
      const issue = makeHaloIssue({ type });
      stub.upsertIssue(issue);
      const described = (await get(`/v3/issues/${issue.id}`)).body.issue as Json;
      const res = await get(described.last_finding_urls.at(-1) as string);
      expect(res.status).toBe(200);
      expect(res.body[key].url).toBe(described.last_finding_urls.at(-1));
      check(res.body[key] as Json, issue);
      expect((await get('/v1/scans/0/findings/0')).status).toBe(404);
    });

    it('serves bare finding bodies when asked to', async () => {
      const bare = await startHaloStub({ findingEnvelope: 'bare' });
      try {
        const issue = makeHaloIssue({ type: 'sva' });
        bare.upsertIssue(issue);
        const res = await client(bare)(new URL(issue.last_finding_urls[0]!).pathname);
        expect(res.body).toMatchObject({ package_name: issue.package_name, status: 'bad' });
      } finally {
        await bare.stop();
      }
    });

    it('resolves and reactivates issues; reactivation brings a new, resolvable finding', async () => {
      const issue = makeHaloIssue({ type: 'fim' });
      stub.upsertIssue(issue);
      const at = new Date('2026-11-21T10:00:00Z');
      const resolved = stub.resolveIssue(issue.id, at);
      expect(resolved).toMatchObject({ status: 'resolved', resolved_at: '2026-11-21T10:00:00Z', resolved_by: 'system' });
      expect((await listAll(get, '/v3/issues?status=resolved&since=2026-11-21T10:00:00Z')).issues.map((i) => i.id)).toEqual([issue.id]);
      const back = stub.reactivateIssue(issue.id, new Date('2026-11-22T08:30:00.25Z'));
      expect(back).toMatchObject({ status: 'active', resolved_at: null, last_seen_at: '2026-11-22T08:30:00.25Z' });
      expect(back).not.toHaveProperty('resolved_by');
      expect(back.last_finding_urls[0]).not.toBe(issue.last_finding_urls[0]);
      expect((await get(new URL(back.last_finding_urls[0]!).pathname)).status).toBe(200);
    });
  });

  describe('faults and the request log', () => {
    it('answers 429 with Retry-After to the next N matching requests, then recovers', async () => {
      stub.seed(demoIssues(3, 8));
      await get('/v3/issues'); // token first, so the fault only hits the listing
      stub.faults.rateLimitNext(2, 7, HALO_ROUTES.listIssues);
      const first = await get('/v3/issues');
      expect(first.status).toBe(429);
      expect(first.headers.get('retry-after')).toBe('7');
      expect((await get(`/v3/issues/${stub.issues()[0]!.id}`)).status).toBe(200); // other routes unaffected
      expect((await get('/v3/issues')).status).toBe(429);
      expect((await get('/v3/issues')).status).toBe(200);
    });

    it('scripts 5xx answers, hangs and connection resets', async () => {
      await get('/v3/issues');
      stub.faults.failNext(1, 503).failNext(1, 502).failNext(1, 500);
      expect([(await get('/v3/issues')).status, (await get('/v3/issues')).status, (await get('/v3/issues')).status]).toEqual([503, 502, 500]);
      stub.faults.resetNext(1);
      await expect(get('/v3/issues')).rejects.toThrow();
      stub.faults.hangNext(1);
      await expect(get('/v3/issues', { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
      expect((await get('/v3/issues')).status).toBe(200);
    });

    it('records every request with its status and counts by route', async () => {
      const issue = makeHaloIssue();
      stub.upsertIssue(issue);
      await get('/v3/issues');
      await get(`/v3/issues/${issue.id}`);
      await get('/v3/issues/missing');
      await get(new URL(issue.asset_url).pathname);
      expect(stub.requests.countsByRoute()).toEqual({
        [HALO_ROUTES.token]: 1,
        [HALO_ROUTES.listIssues]: 1,
        [HALO_ROUTES.describeIssue]: 2,
        [HALO_ROUTES.server]: 1,
      });
      expect(stub.requests.count(HALO_ROUTES.describeIssue, 404)).toBe(1);
      expect(stub.requests.byRoute(HALO_ROUTES.listIssues)[0]).toMatchObject({ method: 'GET', path: '/v3/issues', status: 200 });
    });

    it('answers 404 to unknown paths and 405 to a wrong method', async () => {
      expect((await get('/v2/issues')).status).toBe(404);
      expect((await get('/v3/issues', { method: 'POST', body: '{}' })).status).toBe(405);
    });
  });
});

describe('Halo test data', () => {
  it('is deterministic per seed and mixes types, sources, status, criticality and asset states', () => {
    expect(JSON.stringify(demoIssues(40, 9))).toBe(JSON.stringify(demoIssues(40, 9)));
    expect(demoIssues(40, 9)[0]!.id).not.toBe(demoIssues(40, 10)[0]!.id);
    const data = demoIssues(600, 11);
    expect(new Set(data.map((i) => i.source))).toEqual(new Set(['server_secure', 'cloud_secure', 'container_secure']));
    expect(new Set(data.map((i) => i.type)).size).toBeGreaterThanOrEqual(7);
    expect(new Set(data.map((i) => i.status))).toEqual(new Set(['active', 'resolved']));
    expect(new Set(data.map((i) => i.critical))).toEqual(new Set([true, false]));
    expect(new Set(data.assets.map((a) => a.state))).toEqual(new Set(['active', 'deactivated', 'missing', 'retired']));
    // Halo prints 0–6 fractional digits; consumers must not compare timestamps as strings.
    expect(new Set(data.map((i) => /\.(\d+)Z$/.exec(i.last_seen_at)?.[1]?.length ?? 0)).size).toBeGreaterThan(1);
    for (const i of data.filter((x) => x.type === 'sva')) expect(i.cve_ids!.every((c) => /^CVE-\d{4}-\d+$/.test(c))).toBe(true);
  });

  it('builds a coherent issue from overrides', () => {
    const resolved = makeHaloIssue({ type: 'lids', status: 'resolved' });
    expect(resolved).toMatchObject({ type: 'lids', source: 'server_secure', status: 'resolved', asset_type: 'server' });
    expect(resolved.resolved_at).not.toBeNull();
    expect(resolved.last_finding_urls[0]).toContain('/v1/events/');
    const id = '11111111-2222-3333-4444-555555555555';
    expect(makeHaloIssue({ id }).url).toBe(`https://api.cloudpassage.com/v3/issues/${id}`);
  });
});

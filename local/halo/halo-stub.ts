import crypto from 'node:crypto';
import { headerValue, pathPattern, startStubServer, type Faults, type RequestLog, type StubRequest, type StubResponse } from '../http-kit';
import { makeHaloAsset, type HaloDemoIssues } from './factory';
import { findingOf } from './findings';
import { listedShape, listingKey, nextPageUrl, parseIssueListQuery, selectIssues } from './issue-query';
import { haloTimestamp, micros } from './time';
import type { AssetState, HaloAsset, HaloIssue, IssueStatus } from './types';

/**
 * CloudPassage Halo API v3 stand-in on 127.0.0.1: OAuth client-credentials tokens that expire,
 * `GET /v3/issues` with since/status/state/critical/sort/paging (stable pages per listing),
 * issue describe, asset and finding/event lookups, 404 after deletion, and scriptable faults.
 * Served URLs (`url`, `asset_url`, `last_finding_urls`, `pagination.next`) point at this server.
 */
export interface HaloStubOptions {
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  /** Token lifetime in seconds (default 900). */
  tokenTtlSec?: number;
  scope?: 'read' | 'write';
  /** Statuses listed when the request sends no `status` (default active only — send it explicitly). */
  defaultStatuses?: IssueStatus[];
  /** Finding/event bodies as `{finding: …}` / `{event: …}` (default) or bare objects. */
  findingEnvelope?: 'wrapped' | 'bare';
  issues?: HaloIssue[] | HaloDemoIssues;
}

export interface HaloStub {
  url: string;
  port: number;
  apiKey: string;
  apiSecret: string;
  /** Adds issues (and their assets: given ones, else derived from the issue as active). */
  seed(issues: HaloIssue[] | HaloDemoIssues, assets?: HaloAsset[]): void;
  upsertIssue(issue: HaloIssue): HaloIssue;
  resolveIssue(id: string, at?: Date): HaloIssue;
  reactivateIssue(id: string, at?: Date): HaloIssue;
  /** Describe answers 404 and the issue is no longer listed. */
  deleteIssue(id: string): void;
  /** The asset route answers 404 (hex or dashed id). */
  deleteAsset(assetId: string): void;
  setAssetState(assetId: string, state: AssetState): void;
  /** Current issues as stored (URLs on the real Halo origin). */
  issues(): HaloIssue[];
  faults: Faults;
  requests: RequestLog;
  /** Every issued token answers 401 from now on. */
  expireTokens(): void;
  /** Clears issues, assets, faults, the request log and page snapshots (tokens stay valid). */
  reset(): void;
  stop(): Promise<void>;
}

export const HALO_ROUTES = {
  token: 'POST /oauth/access_token',
  listIssues: 'GET /v3/issues',
  describeIssue: 'GET /v3/issues/{id}',
  server: 'GET /v1/servers/{id}',
  cspResource: 'GET /v1/csp_resources/{id}',
  image: 'GET /v1/images/{id}',
  finding: 'GET /v1/scans/{scan}/findings/{finding}',
  event: 'GET /v1/events/{id}',
} as const;

const ROUTE_PATTERNS = Object.values(HALO_ROUTES).map((route) => {
  const [method, template] = route.split(' ') as [string, string];
  return { route, method, match: pathPattern(template) };
});
const ENVELOPE = { servers: 'server', csp_resources: 'csp_resource', images: 'image' } as const;
const MAX_SNAPSHOTS = 32;

const assetKeyOf = (assetUrl: string): string => assetUrl.replace(/^https?:\/\/[^/]+\/v1\//, '');
const plainId = (id: string): string => id.replace(/-/g, '').toLowerCase();
const newHex = (): string => crypto.randomBytes(16).toString('hex');
const error = (status: number, message: string, headers?: Record<string, string>): StubResponse => ({ status, body: { error: message }, headers });

export async function startHaloStub(opts: HaloStubOptions = {}): Promise<HaloStub> {
  const apiKey = opts.apiKey ?? 'halo-key-id';
  const apiSecret = opts.apiSecret ?? 'halo-key-secret';
  const ttlMs = (opts.tokenTtlSec ?? 900) * 1000;
  const defaultStatuses = opts.defaultStatuses ?? ['active'];
  const issues = new Map<string, HaloIssue>();
  const assets = new Map<string, HaloAsset>(); // key: `<kind>/<hex id>`
  const deletedAssets = new Set<string>();
  const findingIndex = new Map<string, string>(); // finding path → issue id
  const snapshots = new Map<string, HaloIssue[]>();
  const tokens = new Map<string, number>(); // token → expiry (ms)
  let base = '';

  const rebase = (u: string): string => u.replace(/^https?:\/\/[^/]+/, base);
  const served = <T extends Partial<HaloIssue>>(i: T): T => ({
    ...i,
    ...(i.url ? { url: rebase(i.url) } : {}),
    ...(i.asset_url ? { asset_url: rebase(i.asset_url) } : {}),
    ...(i.last_finding_urls ? { last_finding_urls: i.last_finding_urls.map(rebase) } : {}),
  });
  const assetStateOf = (i: HaloIssue): AssetState => assets.get(assetKeyOf(i.asset_url))?.state ?? 'active';
  const findAsset = (kind: string, id: string): HaloAsset | undefined => assets.get(`${kind}/${plainId(id)}`);

  function store(issue: HaloIssue, asset?: HaloAsset): HaloIssue {
    issues.set(issue.id, issue);
    const key = assetKeyOf(issue.asset_url);
    if (asset) assets.set(`${asset.kind}/${asset.id}`, asset);
    else if (!assets.has(key)) assets.set(key, makeHaloAsset(issue)!);
    for (const u of issue.last_finding_urls) findingIndex.set(new URL(u).pathname, issue.id);
    return issue;
  }
  function existing(id: string): HaloIssue {
    const issue = issues.get(id);
    if (!issue) throw new Error(`halo stand-in: no issue ${id}`);
    return issue;
  }
  const stamp = (at?: Date): string => haloTimestamp(micros(at ?? new Date()));

  function authorised(req: StubRequest): boolean {
    const m = /^Bearer (.+)$/i.exec(headerValue(req.headers, 'authorization') ?? '');
    const expiry = m ? tokens.get(m[1]!) : undefined;
    return expiry !== undefined && expiry > Date.now();
  }

  function issueToken(req: StubRequest): StubResponse {
    if (req.query.grant_type !== 'client_credentials') return error(400, 'unsupported_grant_type');
    const m = /^Basic (.+)$/i.exec(headerValue(req.headers, 'authorization') ?? '');
    const [key, secret] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':') : [];
    if (key !== apiKey || secret !== apiSecret) return error(401, 'invalid_client');
    const token = crypto.randomBytes(20).toString('hex');
    tokens.set(token, Date.now() + ttlMs);
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: ttlMs / 1000, scope: opts.scope ?? 'read' } };
  }

  function listIssues(req: StubRequest): StubResponse {
    const q = parseIssueListQuery(req.query, defaultStatuses);
    if (typeof q === 'string') return error(422, q);
    // A listing is snapshotted on its first page so later pages of the same run stay stable.
    const key = listingKey(req.query);
    let selection = q.page === 1 ? undefined : snapshots.get(key);
    if (!selection) {
      selection = selectIssues(issues.values(), q, assetStateOf);
      snapshots.delete(key);
      snapshots.set(key, selection);
      if (snapshots.size > MAX_SNAPSHOTS) snapshots.delete(snapshots.keys().next().value!);
    }
    const start = (q.page - 1) * q.perPage;
    const page = selection.slice(start, start + q.perPage).map((i) => served(listedShape(i)));
    const more = start + q.perPage < selection.length;
    return {
      status: 200,
      body: { count: selection.length, issues: page, pagination: more ? { next: nextPageUrl(base, req.query, q.page + 1, q.perPage) } : {} },
    };
  }

  function handle(req: StubRequest): StubResponse {
    const hit = ROUTE_PATTERNS.find((r) => r.route === req.route);
    if (!hit) {
      const known = ROUTE_PATTERNS.some((r) => r.match(req.path));
      return known ? error(405, `${req.method} not allowed on ${req.path}`) : error(404, `no route ${req.path}`);
    }
    if (hit.route === HALO_ROUTES.token) return issueToken(req);
    if (!authorised(req)) return error(401, 'Unauthorized: missing, invalid or expired bearer token', { 'www-authenticate': 'Bearer' });
    const params = hit.match(req.path)!;
    switch (hit.route) {
      case HALO_ROUTES.listIssues:
        return listIssues(req);
      case HALO_ROUTES.describeIssue: {
        const issue = issues.get(params.id ?? '');
        return issue ? { status: 200, body: { issue: served(issue) } } : error(404, `Issue ${params.id} not found`);
      }
      case HALO_ROUTES.server:
      case HALO_ROUTES.cspResource:
      case HALO_ROUTES.image: {
        const kind = req.path.split('/')[2] as HaloAsset['kind'];
        const asset = findAsset(kind, params.id ?? '');
        if (!asset || deletedAssets.has(`${kind}/${asset.id}`)) return error(404, `${ENVELOPE[kind]} ${params.id} not found`);
        const body = { ...asset.body, state: asset.state, url: rebase(String(asset.body.url)) };
        return { status: 200, body: { [ENVELOPE[kind]]: body } };
      }
      default: {
        const issue = issues.get(findingIndex.get(req.path) ?? '');
        if (!issue) return error(404, `${hit.route === HALO_ROUTES.event ? 'Event' : 'Finding'} not found`);
        const doc = findingOf(issue, `${base}${req.path}`);
        return { status: 200, body: opts.findingEnvelope === 'bare' ? doc.body : { [doc.key]: doc.body } };
      }
    }
  }

  const server = await startStubServer({
    name: 'halo',
    port: opts.port,
    routeOf: (method, path) => ROUTE_PATTERNS.find((r) => r.method === method && r.match(path))?.route ?? `${method} unmatched`,
    handle,
  });
  base = server.url;

  const stub: HaloStub = {
    url: server.url,
    port: server.port,
    apiKey,
    apiSecret,
    seed(list, given) {
      const byKey = new Map((given ?? ('assets' in list ? list.assets : [])).map((a) => [`${a.kind}/${a.id}`, a]));
      for (const issue of list) store(issue, byKey.get(assetKeyOf(issue.asset_url)));
    },
    upsertIssue: (issue) => store(issue),
    resolveIssue(id, at) {
      const issue = existing(id);
      const when = stamp(at);
      const spent = Math.round((micros(at ?? new Date()) - micros(new Date(issue.created_at))) / 1_000_000);
      return store({ ...issue, status: 'resolved', resolved_at: when, updated_at: when, resolved_by: 'system', resolution_comment: 'Issue no longer detected.', time_to_resolution: spent });
    },
    reactivateIssue(id, at) {
      const { resolved_by: _b, resolution_comment: _c, time_to_resolution: _t, ...issue } = existing(id);
      const when = stamp(at);
      // Found again by a new scan: a new finding becomes the last one.
      const scan = newHex();
      const finding = newHex();
      const origin = new URL(issue.url).origin;
      const isEvent = issue.last_finding_urls.some((u) => u.includes('/v1/events/'));
      const url = isEvent ? `${origin}/v1/events/${finding}` : `${origin}/v1/scans/${scan}/findings/${finding}`;
      const ref = isEvent ? { status: 'active' as const, created_at: when, event_id: finding } : { status: 'active' as const, created_at: when, scan_id: scan, finding_id: finding };
      return store({ ...issue, status: 'active', resolved_at: null, last_seen_at: when, updated_at: when, findings: [...issue.findings, ref], last_finding_urls: [url] });
    },
    deleteIssue(id) {
      issues.delete(id);
    },
    deleteAsset(assetId) {
      for (const key of assets.keys()) if (key.endsWith(`/${plainId(assetId)}`)) deletedAssets.add(key);
    },
    setAssetState(assetId, state) {
      for (const [key, asset] of assets) if (key.endsWith(`/${plainId(assetId)}`)) assets.set(key, { ...asset, state });
    },
    issues: () => [...issues.values()],
    faults: server.faults,
    requests: server.log,
    expireTokens() {
      for (const t of tokens.keys()) tokens.set(t, 0);
    },
    reset() {
      issues.clear();
      assets.clear();
      deletedAssets.clear();
      findingIndex.clear();
      snapshots.clear();
      server.faults.clear();
      server.log.clear();
    },
    stop: () => server.stop(),
  };
  if (opts.issues) stub.seed(opts.issues);
  return stub;
}

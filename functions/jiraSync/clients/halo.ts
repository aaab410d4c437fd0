import { HttpClient, type HttpResponse } from '../../../shared/http/client';
import { NO_DEADLINE, type Deadline } from '../../../shared/http/retry';
import { ThrottleGate, type ThrottleStats } from '../../../shared/http/throttle';
import { HttpError, PermanentError } from '../../../shared/errors';
import type { HaloIssue } from '../model';

/**
 * CloudPassage Halo API v3: OAuth client-credentials token (reused until it expires, renewed once
 * on a 401), the issue list with every page followed, issue describe (404 = deleted) and the
 * asset / latest-finding URLs the issue points at (404 = degrade the ticket text, not the run).
 */
export interface HaloApi {
  listIssues(sinceIso: string, criticalOnly: boolean): Promise<HaloIssue[]>;
  describeIssue(id: string): Promise<HaloIssue | undefined>;
  /** GET a Halo URL found in an issue (asset_url, last_finding_urls); undefined on 404. */
  fetchLinked(url: string): Promise<unknown>;
  /** Requests sent, by kind, and the time rate limits held them back (for the run summary). */
  readonly requests?: Readonly<Record<string, number>>;
  readonly throttle?: ThrottleStats;
}

export interface HaloClientOptions {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  deadline?: Deadline;
  maxSockets?: number;
  http?: HttpClient;
  now?: () => number;
}

interface IssuePage {
  count?: number;
  issues?: HaloIssue[];
  pagination?: { next?: string | null };
}

const ISSUE_STATUSES = 'active,resolved';
// Asset states: include issues on deactivated, missing and retired assets too.
const ASSET_STATES = 'active,deactivated,missing,retired';
const RENEW_MARGIN_MS = 60_000;

export class HaloClient implements HaloApi {
  private readonly http: HttpClient;
  private readonly deadline: Deadline;
  private readonly now: () => number;
  private token?: { value: string; expiresAt: number };
  private pendingToken?: Promise<string>;
  /** Requests made, by kind, for the run summary and the bench. */
  readonly requests: Record<string, number> = {};

  constructor(private readonly opts: HaloClientOptions) {
    this.http =
      opts.http ??
      new HttpClient({
        service: 'halo',
        baseURL: opts.baseUrl,
        maxSockets: opts.maxSockets ?? 20,
        timeoutMs: 30_000,
        gate: new ThrottleGate({ maxConcurrency: opts.maxSockets ?? 20 }),
      });
    this.deadline = opts.deadline ?? NO_DEADLINE;
    this.now = opts.now ?? Date.now;
  }

  /** How long Halo's rate limits held this client's requests back (for the run summary). */
  get throttle(): ThrottleStats {
    return this.http.gate?.stats() ?? { throttledMs: 0, pauses: 0 };
  }

  async listIssues(sinceIso: string, criticalOnly: boolean): Promise<HaloIssue[]> {
    const issues: HaloIssue[] = [];
    let path: string | undefined = '/v3/issues';
    let params: Record<string, string> | undefined = { since: sinceIso, status: ISSUE_STATUSES, state: ASSET_STATES };
    if (criticalOnly) params.critical = 'true';
    const seen = new Set<string>();
    while (path) {
      // A next link that repeats itself would loop forever; stop there, loudly.
      const key = `${path}?${new URLSearchParams(params ?? {}).toString()}`;
      if (seen.has(key)) throw new PermanentError('Halo pagination repeats a page', { page: path });
      seen.add(key);
      const res: HttpResponse<IssuePage> = await this.get<IssuePage>('list', path, params);
      issues.push(...(res.data.issues ?? []));
      const next = res.data.pagination?.next;
      path = next ? this.pathOf(next) : undefined;
      params = undefined;
    }
    return issues;
  }

  async describeIssue(id: string): Promise<HaloIssue | undefined> {
    const res = await this.get<{ issue?: HaloIssue } & HaloIssue>('describe', `/v3/issues/${encodeURIComponent(id)}`, undefined, [404]);
    if (res.status === 404) return undefined;
    return res.data.issue ?? res.data;
  }

  async fetchLinked(url: string): Promise<unknown> {
    const path = this.pathOf(url);
    const res = await this.get<Record<string, unknown>>('linked', path, undefined, [404]);
    if (res.status === 404) return undefined;
    return unwrap(path, res.data);
  }

  /** A Halo URL as a path on the configured base: the token is never sent to another host. */
  private pathOf(url: string): string {
    const u = new URL(url, this.opts.baseUrl);
    return `${u.pathname}${u.search}`;
  }

  private async get<T>(kind: string, path: string, params?: Record<string, string>, accept: number[] = []): Promise<HttpResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken();
      this.requests[kind] = (this.requests[kind] ?? 0) + 1;
      const res = await this.http.request<T>({
        url: path,
        params,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        deadline: this.deadline,
        accept: [...accept, 401],
      });
      if (res.status !== 401) return res;
      // The token expired early or was revoked: renew once, then give up.
      if (attempt > 1) throw new HttpError('halo answered 401 after renewing the token', 401, undefined, { path });
      this.token = undefined;
    }
  }

  private accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt) return Promise.resolve(this.token.value);
    // Concurrent callers share one token request.
    this.pendingToken ??= this.authenticate().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async authenticate(): Promise<string> {
    this.requests.token = (this.requests.token ?? 0) + 1;
    const basic = Buffer.from(`${this.opts.apiKey}:${this.opts.apiSecret}`).toString('base64');
    const res = await this.http.request<{ access_token?: string; expires_in?: number }>({
      method: 'POST',
      url: '/oauth/access_token',
      params: { grant_type: 'client_credentials' },
      headers: { authorization: `Basic ${basic}` },
      deadline: this.deadline,
      accept: [401, 403],
    });
    if (res.status === 401 || res.status === 403 || !res.data.access_token) {
      throw new PermanentError(`Halo rejected the API key (HTTP ${res.status}): check HALO_API_KEY and HALO_API_SECRET_KEY`, { status: res.status });
    }
    const lifetimeMs = (res.data.expires_in ?? 900) * 1000;
    this.token = { value: res.data.access_token, expiresAt: this.now() + Math.max(lifetimeMs - RENEW_MARGIN_MS, lifetimeMs / 2) };
    return this.token.value;
  }
}

/** `{server: {...}}` from /v1/servers/{id} → the server; `{finding}` / `{event}` likewise. */
function unwrap(path: string, data: Record<string, unknown>): unknown {
  const segments = (path.split('?')[0] ?? '').split('/').filter(Boolean);
  const collection = segments[segments.length - 2] ?? '';
  const singular = collection.replace(/ies$/, 'y').replace(/s$/, '');
  for (const key of [singular, 'finding', 'event', 'image', 'asset']) {
    const v = data?.[key];
    if (v && typeof v === 'object' && Object.keys(data).length <= 2) return v;
  }
  return data;
}

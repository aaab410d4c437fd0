import { HttpClient } from '../../../shared/http/client';
import type { Deadline, RetryPolicy } from '../../../shared/http/retry';
import type { PortEntity } from '../../../port/mappings/definitions';
import type { StoredEntity } from '../diff';

/**
 * Port's REST API for the resync, on the shared HttpClient (one retry policy; 429 honours
 * Retry-After / x-ratelimit-reset): token, blueprint entity search (paged by `next`), bulk upsert
 * (≤ 20 per request, 207 = partial success) and bulk delete (≤ 100 per request).
 */
const BULK_UPSERT_MAX = 20;
const BULK_DELETE_MAX = 100;
const SEARCH_PAGE = 1000;

export interface WriteFailure {
  blueprint: string;
  identifier: string;
  error: string;
}

export interface PortApiOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  maxSockets?: number;
  policy?: RetryPolicy;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

interface BulkAnswer {
  entities?: Array<{ identifier: string; index: number; created: boolean }>;
  errors?: Array<{ identifier: string; index: number; statusCode: number; error: string; message: string }>;
}

export class PortApiClient {
  private readonly http: HttpClient;
  private token?: Promise<string>;
  /** Requests sent (the bench reports requests per entity). */
  requests = 0;

  constructor(private readonly opts: PortApiOptions) {
    this.http = new HttpClient({ service: 'port-api', baseURL: opts.baseUrl.replace(/\/+$/, ''), timeoutMs: opts.timeoutMs, maxSockets: opts.maxSockets ?? 8, policy: opts.policy, onRetry: opts.onRetry });
  }

  /** `POST /v1/auth/access_token`, once per client (a token lasts hours; a resync minutes). */
  private authorization(deadline: Deadline): Promise<string> {
    this.token ??= this.send<{ accessToken: string; tokenType?: string }>('/v1/auth/access_token', { clientId: this.opts.clientId, clientSecret: this.opts.clientSecret }, deadline, false).then(
      (d) => `Bearer ${d.accessToken}`,
      (err: unknown) => {
        this.token = undefined;
        throw err;
      },
    );
    return this.token;
  }

  /** Every entity of `blueprint` whose `region` property is `region` (all pages). */
  async searchByRegion(blueprint: string, region: string, deadline: Deadline): Promise<StoredEntity[]> {
    const out: StoredEntity[] = [];
    let from: string | undefined;
    do {
      const body = {
        query: { combinator: 'and', rules: [{ property: 'region', operator: '=', value: region }] },
        limit: SEARCH_PAGE,
        ...(from ? { from } : {}),
      };
      const page = await this.send<{ entities?: StoredEntity[]; next?: string }>(`/v1/blueprints/${encodeURIComponent(blueprint)}/entities/search`, body, deadline);
      out.push(...(page.entities ?? []));
      from = page.next;
    } while (from);
    return out;
  }

  async exists(blueprint: string, identifier: string, deadline: Deadline): Promise<boolean> {
    const body = { query: { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: identifier }] }, limit: 1 };
    const page = await this.send<{ entities?: StoredEntity[] }>(`/v1/blueprints/${encodeURIComponent(blueprint)}/entities/search`, body, deadline);
    return (page.entities ?? []).some((e) => e.identifier === identifier);
  }

  /** Upsert with merge (Port's PATCH semantics: properties not sent are kept), ≤ 20 per call. */
  async upsert(blueprint: string, entities: readonly PortEntity[], deadline: Deadline): Promise<WriteFailure[]> {
    const failures: WriteFailure[] = [];
    for (let i = 0; i < entities.length; i += BULK_UPSERT_MAX) {
      const batch = entities.slice(i, i + BULK_UPSERT_MAX).map(({ identifier, title, properties, relations }) => ({ identifier, title, properties, relations }));
      const answer = await this.send<BulkAnswer>(`/v1/blueprints/${encodeURIComponent(blueprint)}/entities/bulk`, { entities: batch }, deadline, true, { upsert: true, merge: true });
      for (const e of answer.errors ?? []) failures.push({ blueprint, identifier: e.identifier, error: `${e.statusCode} ${e.error}: ${e.message}` });
    }
    return failures;
  }

  /** Deletes without dependents (a dependent entity makes Port refuse the whole call), ≤ 100 per call. */
  async remove(blueprint: string, identifiers: readonly string[], deadline: Deadline): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < identifiers.length; i += BULK_DELETE_MAX) {
      const answer = await this.send<{ deletedEntities?: string[] }>(
        `/v1/blueprints/${encodeURIComponent(blueprint)}/bulk/entities/delete`,
        { entities: identifiers.slice(i, i + BULK_DELETE_MAX) },
        deadline,
        true,
        { delete_dependents: false },
      );
      deleted += answer.deletedEntities?.length ?? 0;
    }
    return deleted;
  }

  close(): void {
    this.http.close();
  }

  private async send<T>(url: string, data: unknown, deadline: Deadline, auth = true, params?: Record<string, boolean>): Promise<T> {
    const authorization = auth ? await this.authorization(deadline) : undefined;
    this.requests += 1;
    const res = await this.http.request<T>({ method: 'POST', url, data, params, deadline, headers: authorization ? { authorization } : {} });
    return res.data;
  }
}

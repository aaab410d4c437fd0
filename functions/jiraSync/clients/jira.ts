import { HttpClient } from '../../../shared/http/client';
import { NO_DEADLINE, withRetry, type Deadline } from '../../../shared/http/retry';
import { ThrottleGate, type ThrottleStats } from '../../../shared/http/throttle';
import { HttpError, PermanentError, RetryableError } from '../../../shared/errors';
import { haloIdOf, type JiraField, type ResolvedField } from '../fields';
import type { Ticket } from '../model';
import type { AdfDoc } from '../render';

/**
 * Jira Cloud REST v3 with Basic auth (account e-mail + API token): field list, correlation through
 * /rest/api/3/search/jql (many Halo ids per query, nextPageToken paging, reconcileIssues for
 * tickets created in this run), bulk create, transitions by name, comments in ADF.
 * Writes that Jira may have applied before failing (5xx, timeout) are not repeated here: the
 * caller resolves them (`maybeApplied`). A write is never sent without its full timeout before
 * the deadline. Halo ids are searched in both forms: v3 (UUID with dashes) and the old tool's
 * v1.x form (32 hex, no dashes); a ticket in either form belongs to the same Halo issue.
 */
export interface Transition {
  id: string;
  name: string;
  to?: string;
}

export interface TicketNow {
  status: string;
  texts: unknown[];
}

export type CreateResult = { ok: true; id: string; key: string } | { ok: false; error: Error };

export interface JiraApi {
  fields(): Promise<JiraField[]>;
  findTickets(idField: ResolvedField, haloIds: readonly string[], reconcileIds?: readonly string[]): Promise<Ticket[]>;
  createTickets(issueFields: ReadonlyArray<Record<string, unknown>>): Promise<CreateResult[]>;
  transitions(key: string): Promise<Transition[]>;
  transition(key: string, transitionId: string): Promise<void>;
  /** The ticket as it is now (search may lag): status, and description + comment bodies for markers. */
  ticketNow(key: string): Promise<TicketNow>;
  addComment(key: string, body: AdfDoc): Promise<void>;
}

export interface JiraClientOptions {
  baseUrl: string;
  user: string;
  token: string;
  deadline?: Deadline;
  maxSockets?: number;
  /** Halo ids per search request (each is one OR clause). */
  idsPerSearch?: number;
  /** The back-off every request of this client shares (default: one per client, maxSockets wide). */
  gate?: ThrottleGate;
}

export const BULK_CREATE_MAX = 50;
const RECONCILE_MAX = 50;
/** Socket timeout of one Jira request; a write is only sent when this much time is left. */
const REQUEST_TIMEOUT_MS = 30_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;

/** One spelling per Halo issue: the v1.x 32-hex form becomes the v3 UUID form; others are kept. */
export function canonicalHaloId(id: string): string {
  const v = id.trim();
  if (HEX32.test(v)) return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}`.toLowerCase();
  return UUID.test(v) ? v.toLowerCase() : v;
}

/** The spellings a ticket may carry for this Halo id: as given, and the v1.x form without dashes. */
export function haloIdForms(id: string): string[] {
  return UUID.test(id) ? [id, id.replace(/-/g, '')] : [id];
}

export class JiraClient implements JiraApi {
  private readonly http: HttpClient;
  private readonly deadline: Deadline;
  private readonly gate: ThrottleGate;
  /** Requests made, by kind ('search', 'create', 'transitions', 'transition', 'issue', 'comment', 'field'). */
  readonly requests: Record<string, number> = {};

  constructor(private readonly opts: JiraClientOptions) {
    const basic = Buffer.from(`${opts.user}:${opts.token}`).toString('base64');
    this.gate = opts.gate ?? new ThrottleGate({ maxConcurrency: opts.maxSockets ?? 20 });
    this.http = new HttpClient({
      service: 'jira',
      baseURL: opts.baseUrl,
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      maxSockets: opts.maxSockets ?? 20,
      timeoutMs: REQUEST_TIMEOUT_MS,
      gate: this.gate,
    });
    this.deadline = opts.deadline ?? NO_DEADLINE;
  }

  /** How long Jira's rate limits held this client's requests back (for the run summary). */
  get throttle(): ThrottleStats {
    return this.gate.stats();
  }

  async fields(): Promise<JiraField[]> {
    this.count('field');
    return (await this.http.request<JiraField[]>({ url: '/rest/api/3/field', deadline: this.deadline })).data;
  }

  async findTickets(idField: ResolvedField, haloIds: readonly string[], reconcileIds: readonly string[] = []): Promise<Ticket[]> {
    if (haloIds.length === 0) return [];
    const wanted = new Map(haloIds.map((id) => [canonicalHaloId(id), id]));
    // Exact-phrase match on the id field, both spellings; equality is still verified below.
    const jql = haloIds.flatMap(haloIdForms).map((id) => `${idField.jql} ~ ${jqlString(`"${id}"`)}`).join(' OR ');
    const reconcileIssues = reconcileIds.slice(0, RECONCILE_MAX).map(Number).filter(Number.isSafeInteger);
    const tickets: Ticket[] = [];
    let nextPageToken: string | undefined;
    do {
      this.count('search');
      const res = await this.http.request<SearchPage>({
        method: 'POST',
        url: '/rest/api/3/search/jql',
        data: {
          jql,
          fields: ['status', 'updated', idField.id],
          maxResults: 100,
          ...(nextPageToken ? { nextPageToken } : {}),
          ...(reconcileIssues.length ? { reconcileIssues } : {}),
        },
        deadline: this.deadline,
      });
      for (const issue of res.data.issues ?? []) {
        const stored = haloIdOf(issue.fields?.[idField.id]);
        const haloId = stored === undefined ? undefined : wanted.get(canonicalHaloId(stored));
        if (!haloId) continue;
        const status = issue.fields?.status as { name?: string } | undefined;
        tickets.push({ id: String(issue.id), key: issue.key, status: status?.name ?? '', updated: String(issue.fields?.updated ?? ''), haloId });
      }
      nextPageToken = res.data.isLast === false || res.data.nextPageToken ? (res.data.nextPageToken ?? undefined) : undefined;
    } while (nextPageToken);
    return tickets;
  }

  async createTickets(issueFields: ReadonlyArray<Record<string, unknown>>): Promise<CreateResult[]> {
    const results: CreateResult[] = [];
    for (let start = 0; start < issueFields.length; start += BULK_CREATE_MAX) {
      const batch = issueFields.slice(start, start + BULK_CREATE_MAX);
      this.count('create');
      const res = await this.unrepeatableWrite(() =>
        this.http.request<CreatedIssues>({
          method: 'POST',
          url: '/rest/api/3/issue/bulk',
          data: { issueUpdates: batch.map((fields) => ({ fields })) },
          deadline: this.deadline,
          accept: [400],
          retry: false,
        }),
      );
      results.push(...bulkResults(batch.length, res.data));
    }
    return results;
  }

  async transitions(key: string): Promise<Transition[]> {
    this.count('transitions');
    const res = await this.http.request<{ transitions?: Array<{ id: string; name: string; to?: { name?: string } }> }>({
      url: `/rest/api/3/issue/${encodeURIComponent(key)}/transitions`,
      deadline: this.deadline,
    });
    return (res.data.transitions ?? []).map((t) => ({ id: t.id, name: t.name, to: t.to?.name }));
  }

  async transition(key: string, transitionId: string): Promise<void> {
    this.count('transition');
    await this.unrepeatableWrite(() =>
      this.http.request({
        method: 'POST',
        url: `/rest/api/3/issue/${encodeURIComponent(key)}/transitions`,
        data: { transition: { id: transitionId } },
        deadline: this.deadline,
        retry: false,
      }),
    );
  }

  async ticketNow(key: string): Promise<TicketNow> {
    this.count('issue');
    const res = await this.http.request<{ fields?: { status?: { name?: string }; description?: unknown; comment?: { comments?: Array<{ body?: unknown }> } } }>({
      url: `/rest/api/3/issue/${encodeURIComponent(key)}`,
      params: { fields: 'status,description,comment' },
      deadline: this.deadline,
    });
    const f = res.data.fields ?? {};
    return { status: f.status?.name ?? '', texts: [f.description, ...(f.comment?.comments ?? []).map((c) => c.body)] };
  }

  async addComment(key: string, body: AdfDoc): Promise<void> {
    this.count('comment');
    await this.unrepeatableWrite(() =>
      this.http.request({ method: 'POST', url: `/rest/api/3/issue/${encodeURIComponent(key)}/comment`, data: { body }, deadline: this.deadline, retry: false }),
    );
  }

  /** A read-only GET on any REST path with the same auth and retry policy (used by `npm run jira:doctor`). */
  async get<T>(url: string, params?: Record<string, string | number | boolean | undefined>): Promise<T> {
    this.count('get');
    return (await this.http.request<T>({ url, params, deadline: this.deadline })).data;
  }

  private count(kind: string): void {
    this.requests[kind] = (this.requests[kind] ?? 0) + 1;
  }

  /**
   * Retries a write only when Jira surely did not apply it (429, connection refused);
   * after a 5xx or a timeout the write may have happened, so the error goes to the caller.
   */
  private unrepeatableWrite<T>(op: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        // A write cut short by the deadline would be ambiguous: do not send it at all.
        if (this.deadline.remainingMs() < REQUEST_TIMEOUT_MS) {
          throw new MaybeApplied(new RetryableError('not enough time left in this run to send a Jira write with its full timeout', { code: NO_TIME_FOR_WRITE }));
        }
        try {
          return await op();
        } catch (err) {
          if (err instanceof RetryableError && !notApplied(err)) throw new MaybeApplied(err);
          throw err;
        }
      },
      { deadline: this.deadline },
    ).catch((err: unknown) => {
      throw err instanceof MaybeApplied ? err.original : err;
    });
  }
}

export const NO_TIME_FOR_WRITE = 'NO_TIME_FOR_WRITE';

/** The write may or may not have been applied (5xx, timeout, reset): read before redoing it. */
export function maybeApplied(err: unknown): boolean {
  return err instanceof RetryableError && !notApplied(err);
}

/** Carries a RetryableError past withRetry (which must not retry it) back to the caller. */
class MaybeApplied extends Error {
  constructor(readonly original: RetryableError) {
    super(original.message);
  }
}

/**
 * Surely not applied: 429, a refused connection, our own deadline guard, and a 503 that carries
 * Retry-After — Atlassian documents that as a resource limit ("handled with similar logic" as 429),
 * i.e. load shed before the request ran. Other 5xx, timeouts and resets may have been applied.
 */
function notApplied(err: RetryableError): boolean {
  const { status, code } = err.context as { status?: number; code?: string };
  return status === 429 || (status === 503 && err.retryAfterMs !== undefined) || code === 'ECONNREFUSED' || code === NO_TIME_FOR_WRITE;
}

interface SearchPage {
  issues?: Array<{ id: string; key: string; fields?: Record<string, unknown> }>;
  nextPageToken?: string | null;
  isLast?: boolean;
}

interface CreatedIssues {
  issues?: Array<{ id: string; key: string }>;
  errors?: Array<{ failedElementNumber?: number; status?: number; elementErrors?: { errorMessages?: string[]; errors?: Record<string, string> } }>;
}

/** Bulk create answers created issues in request order minus the failed elements. */
function bulkResults(size: number, data: CreatedIssues): CreateResult[] {
  const failed = new Map<number, Error>();
  for (const e of Array.isArray(data.errors) ? data.errors : []) {
    if (e.failedElementNumber === undefined) continue;
    const messages = [...(e.elementErrors?.errorMessages ?? []), ...Object.entries(e.elementErrors?.errors ?? {}).map(([f, m]) => `${f}: ${m}`)];
    failed.set(e.failedElementNumber, new HttpError(`Jira refused the ticket: ${messages.join('; ') || 'no reason given'}`, e.status ?? 400, e.elementErrors));
  }
  const created = Array.isArray(data.issues) ? [...data.issues] : [];
  const out: CreateResult[] = [];
  for (let i = 0; i < size; i++) {
    const error = failed.get(i);
    if (error) {
      out.push({ ok: false, error });
      continue;
    }
    const issue = created.shift();
    out.push(issue ? { ok: true, id: String(issue.id), key: issue.key } : { ok: false, error: new PermanentError('Jira bulk create returned fewer issues than requested') });
  }
  return out;
}

/** A JQL string literal. */
function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

import { HttpClient } from '../../../shared/http/client';
import { NO_DEADLINE, withRetry, type Deadline } from '../../../shared/http/retry';
import { ThrottleGate, type ThrottleStats } from '../../../shared/http/throttle';
import { ConfigError, HttpError, RetryableError } from '../../../shared/errors';
import { haloIdOf, type CreateMetaField, type JiraField, type ResolvedField } from '../fields';
import type { Ticket } from '../model';
import type { AdfDoc } from '../render';
import { bulkCreateResults, FINISHED, markersIn, type BulkCreateResult, type BulkProgress, type CreatedIssues, type Transition } from './jira-replies';

export type { BulkCreateResult, Transition } from './jira-replies';

/**
 * Jira Cloud REST v3 with Basic auth (account e-mail + API token): field list, correlation through
 * /rest/api/3/search/jql (many Halo ids per query, nextPageToken paging, reconcileIssues for
 * tickets created in this run), bulk create, transitions by name, comments in ADF.
 * Writes that Jira may have applied before failing (5xx, timeout) are not repeated here: the
 * caller resolves them (`maybeApplied`). A write is never sent without its full timeout before
 * the deadline. Halo ids are searched in both forms: v3 (UUID with dashes) and the old tool's
 * v1.x form (32 hex, no dashes); a ticket in either form belongs to the same Halo issue.
 */
export interface TicketNow {
  status: string;
  texts: unknown[];
}

export type CreateResult = { ok: true; id: string; key: string } | { ok: false; error: Error };

/** One ticket to create; `transitionId` moves it on from the start status in the same request. */
export interface NewTicket {
  fields: Record<string, unknown>;
  transitionId?: string;
}

/** A ticket as search shows it, with what closes, reopens and comments need (no per-ticket GET). */
export interface TicketDetail extends Ticket {
  issueTypeId: string;
  /** Transitions Jira offers from the status search saw (expand=transitions). */
  transitions: Transition[];
  /** Change markers already in the description or the comments. */
  markers: string[];
  /** False when search returned only part of the comments: check with ticketNow before commenting. */
  commentsComplete: boolean;
}

/** Tickets to move along one transition (numeric issue ids, as the bulk task reports them back). */
export interface BulkMove {
  transitionId: string;
  issueIds: readonly string[];
}

export type BulkTransitionOutcome =
  /** 403: the account lacks the global "Make bulk changes" permission. Transition one by one instead. */
  | { kind: 'refused'; reason: string }
  | {
      kind: 'submitted';
      taskIds: string[];
      moved: string[];
      failed: Array<{ issueId: string; reason: string }>;
      /** Not reported either way: task unfinished at the deadline, or the issue inaccessible. May still happen. */
      pending: string[];
    };

export interface CreateScreen {
  issueType: { id: string; name: string };
  fields: CreateMetaField[];
}

/** What one sync run needs from Jira (JiraClient; in-memory fakes in the unit tests). */
export interface JiraApi {
  fields(): Promise<JiraField[]>;
  createScreen(projectKey: string, issueTypeName: string): Promise<CreateScreen>;
  findTicketDetails(idField: ResolvedField, haloIds: readonly string[], reconcileIds?: readonly string[]): Promise<TicketDetail[]>;
  createTicketsWith(tickets: readonly NewTicket[]): Promise<BulkCreateResult[]>;
  bulkTransition(moves: readonly BulkMove[], opts?: { pollMs?: number; maxPollMs?: number; reserveMs?: number }): Promise<BulkTransitionOutcome>;
  transitions(key: string): Promise<Transition[]>;
  transition(key: string, transitionId: string): Promise<void>;
  /** The ticket as it is now (search may lag): status, and description + comment bodies for markers. */
  ticketNow(key: string): Promise<TicketNow>;
  addComment(key: string, body: AdfDoc): Promise<void>;
  /** Requests sent, by kind, and the time rate limits held them back (for the run summary). */
  readonly requests?: Readonly<Record<string, number>>;
  readonly throttle?: ThrottleStats;
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

const BULK_CREATE_MAX = 50;
const BULK_TRANSITION_MAX = 1000;
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

const CREATEMETA_PAGE = 200;

export class JiraClient implements JiraApi {
  private readonly http: HttpClient;
  private readonly deadline: Deadline;
  private readonly gate: ThrottleGate;
  /** Requests made, by kind ('search', 'create', 'transitions', 'transition', 'issue', 'comment', 'field', 'createmeta', 'bulkTransition', 'bulkProgress'). */
  readonly requests: Record<string, number> = {};

  constructor(opts: JiraClientOptions) {
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
    const tickets: Ticket[] = [];
    for await (const { issue, haloId } of this.search(idField, haloIds, reconcileIds, ['status', 'updated', idField.id])) {
      const status = issue.fields?.status as { name?: string } | undefined;
      tickets.push({ id: String(issue.id), key: issue.key, status: status?.name ?? '', updated: String(issue.fields?.updated ?? ''), haloId });
    }
    return tickets;
  }

  /**
   * The same search as findTickets, bringing along the issue type, the transitions from the status
   * search saw, and the change markers of the description and comments: closes, reopens and
   * comments then need no GET per ticket.
   */
  async findTicketDetails(idField: ResolvedField, haloIds: readonly string[], reconcileIds: readonly string[] = []): Promise<TicketDetail[]> {
    const fields = ['status', 'updated', 'issuetype', 'description', 'comment', idField.id];
    const tickets: TicketDetail[] = [];
    for await (const { issue, haloId } of this.search(idField, haloIds, reconcileIds, fields, 'transitions')) {
      const f = issue.fields ?? {};
      const comment = f.comment as { comments?: Array<{ body?: unknown }>; total?: number } | undefined;
      const comments = comment?.comments ?? [];
      tickets.push({
        id: String(issue.id), key: issue.key, haloId,
        status: (f.status as { name?: string } | undefined)?.name ?? '',
        updated: String(f.updated ?? ''),
        issueTypeId: String((f.issuetype as { id?: string } | undefined)?.id ?? ''),
        transitions: (issue.transitions ?? []).map((t) => ({ id: String(t.id), name: t.name, to: t.to?.name })),
        markers: markersIn([f.description, ...comments.map((c) => c.body)]),
        commentsComplete: (comment?.total ?? comments.length) <= comments.length,
      });
    }
    return tickets;
  }

  /** Exact-phrase search on the id field, many ids per query, every page; equality verified here. */
  private async *search(idField: ResolvedField, haloIds: readonly string[], reconcileIds: readonly string[], fields: string[], expand?: string): AsyncGenerator<{ issue: SearchIssue; haloId: string }> {
    if (haloIds.length === 0) return;
    const wanted = new Map(haloIds.map((id) => [canonicalHaloId(id), id]));
    // Exact-phrase match on the id field, both spellings (v1.x stored ids without dashes); equality is verified below.
    const jql = haloIds.flatMap(haloIdForms).map((id) => `${idField.jql} ~ ${jqlString(`"${id}"`)}`).join(' OR ');
    const reconcileIssues = reconcileIds.slice(0, RECONCILE_MAX).map(Number).filter(Number.isSafeInteger);
    let nextPageToken: string | undefined;
    do {
      this.count('search');
      const res = await this.http.request<SearchPage>({
        method: 'POST',
        url: '/rest/api/3/search/jql',
        data: {
          jql, fields, maxResults: 100,
          ...(expand ? { expand } : {}),
          ...(nextPageToken ? { nextPageToken } : {}),
          ...(reconcileIssues.length ? { reconcileIssues } : {}),
        },
        deadline: this.deadline,
      });
      for (const issue of res.data.issues ?? []) {
        const stored = haloIdOf(issue.fields?.[idField.id]);
        const haloId = stored === undefined ? undefined : wanted.get(canonicalHaloId(stored));
        if (haloId) yield { issue, haloId };
      }
      nextPageToken = res.data.isLast === false || res.data.nextPageToken ? (res.data.nextPageToken ?? undefined) : undefined;
    } while (nextPageToken);
  }

  async createTickets(issueFields: ReadonlyArray<Record<string, unknown>>): Promise<CreateResult[]> {
    const results = await this.createTicketsWith(issueFields.map((fields) => ({ fields })));
    return results.map((r) => (r.ok ? { ok: true, id: r.id, key: r.key } : { ok: false, error: r.error }));
  }

  /**
   * Bulk create (≤ 50 per request), each ticket optionally moved on by its transition in the same
   * request (a ticket for a resolved issue is created closed). A refused transition fails only its
   * element, marked `transitionRefused`, so the caller creates it again without one.
   */
  async createTicketsWith(tickets: readonly NewTicket[]): Promise<BulkCreateResult[]> {
    const results: BulkCreateResult[] = [];
    for (let start = 0; start < tickets.length; start += BULK_CREATE_MAX) {
      const batch = tickets.slice(start, start + BULK_CREATE_MAX);
      this.count('create');
      const res = await this.unrepeatableWrite(() =>
        this.http.request<CreatedIssues>({
          method: 'POST',
          url: '/rest/api/3/issue/bulk',
          data: { issueUpdates: batch.map((t) => ({ fields: t.fields, ...(t.transitionId ? { transition: { id: t.transitionId } } : {}) })) },
          deadline: this.deadline,
          accept: [400],
          retry: false,
        }),
      );
      results.push(...bulkCreateResults(batch.map((t) => t.transitionId !== undefined), res.data));
    }
    return results;
  }

  /** The project's create screen for an issue type (createmeta, every page); the type by name. */
  async createScreen(projectKey: string, issueTypeName: string): Promise<CreateScreen> {
    const project = encodeURIComponent(projectKey);
    const types = await this.pages<{ id: string; name: string }>(`/rest/api/3/issue/createmeta/${project}/issuetypes`, 'issueTypes');
    const issueType = types.find((t) => t.name === issueTypeName) ?? types.find((t) => t.name.toLowerCase() === issueTypeName.toLowerCase());
    if (!issueType) {
      throw new ConfigError([{ variable: 'JIRA_ISSUE_TYPE', value: issueTypeName, expected: `an issue type creatable in ${projectKey}: ${types.map((t) => `"${t.name}"`).join(', ') || 'none'}` }]);
    }
    const fields = await this.pages<CreateMetaField>(`/rest/api/3/issue/createmeta/${project}/issuetypes/${encodeURIComponent(issueType.id)}`, 'fields');
    return { issueType: { id: String(issueType.id), name: issueType.name }, fields };
  }

  private async pages<T>(url: string, key: 'fields' | 'issueTypes'): Promise<T[]> {
    const all: T[] = [];
    for (let startAt = 0; ; ) {
      this.count('createmeta');
      const page = (await this.http.request<{ total?: number } & Partial<Record<typeof key, T[]>>>({ url, params: { startAt, maxResults: CREATEMETA_PAGE }, deadline: this.deadline })).data;
      const items = page[key] ?? [];
      all.push(...items);
      startAt += items.length;
      if (items.length === 0 || startAt >= (page.total ?? 0)) return all;
    }
  }

  /**
   * Moves many tickets with the asynchronous bulk transition API (≤ 1,000 per task; only
   * transitions without screens), polling each task until it finishes or the deadline is near.
   * A 403 (no global "Make bulk changes" permission) is the outcome `refused`, not an error.
   */
  async bulkTransition(moves: readonly BulkMove[], opts: { pollMs?: number; maxPollMs?: number; reserveMs?: number } = {}): Promise<BulkTransitionOutcome> {
    const outcome = { kind: 'submitted' as const, taskIds: [] as string[], moved: [] as string[], failed: [] as Array<{ issueId: string; reason: string }>, pending: [] as string[] };
    for (const batch of transitionBatches(moves)) {
      this.count('bulkTransition');
      let taskId: string;
      try {
        const res = await this.unrepeatableWrite(() =>
          this.http.request<{ taskId?: string }>({
            method: 'POST', url: '/rest/api/3/bulk/issues/transition',
            data: { bulkTransitionInputs: batch.map((m) => ({ selectedIssueIdsOrKeys: [...m.issueIds], transitionId: m.transitionId })), sendBulkNotification: false },
            deadline: this.deadline, retry: false,
          }),
        );
        taskId = String(res.data.taskId ?? '');
      } catch (err) {
        if (err instanceof HttpError && err.status === 403 && outcome.taskIds.length === 0) {
          const body = err.body as { errors?: Array<{ message?: string }> } | undefined;
          return { kind: 'refused', reason: body?.errors?.map((e) => e.message).join('; ') || 'HTTP 403' };
        }
        throw err;
      }
      outcome.taskIds.push(taskId);
      const ids = batch.flatMap((m) => m.issueIds.map(String));
      const progress = await this.pollTask(taskId, opts);
      const moved = new Set((progress?.processedAccessibleIssues ?? []).map(String));
      const failed = progress?.failedAccessibleIssues ?? {};
      for (const id of ids) {
        if (moved.has(id)) outcome.moved.push(id);
        else if (failed[id]) outcome.failed.push({ issueId: id, reason: failed[id]?.join('; ') || 'no reason given' });
        else outcome.pending.push(id);
      }
    }
    return outcome;
  }

  /** Polls a bulk task with growing pauses until it finishes; undefined when the deadline comes first. */
  private async pollTask(taskId: string, opts: { pollMs?: number; maxPollMs?: number; reserveMs?: number }): Promise<BulkProgress | undefined> {
    let pause = opts.pollMs ?? 500;
    for (;;) {
      if (this.deadline.remainingMs() < pause + (opts.reserveMs ?? 5_000)) return undefined;
      await new Promise((r) => setTimeout(r, pause));
      this.count('bulkProgress');
      const progress = (await this.http.request<BulkProgress>({ url: `/rest/api/3/bulk/queue/${encodeURIComponent(taskId)}`, deadline: this.deadline })).data;
      if (progress.status && FINISHED.has(progress.status)) return progress;
      pause = Math.min(pause * 1.5, opts.maxPollMs ?? 5_000);
    }
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

interface SearchIssue {
  id: string;
  key: string;
  fields?: Record<string, unknown>;
  transitions?: Array<{ id: string; name: string; to?: { name?: string } }>;
}

interface SearchPage {
  issues?: SearchIssue[];
  nextPageToken?: string | null;
  isLast?: boolean;
}

/** Splits moves into submits of at most BULK_TRANSITION_MAX issues. */
function transitionBatches(moves: readonly BulkMove[]): BulkMove[][] {
  const batches: BulkMove[][] = [];
  let current: BulkMove[] = [];
  let size = 0;
  for (const move of moves) {
    for (let i = 0; i < move.issueIds.length; ) {
      const room = BULK_TRANSITION_MAX - size;
      const part = move.issueIds.slice(i, i + room);
      current.push({ transitionId: move.transitionId, issueIds: part });
      size += part.length;
      i += part.length;
      if (size === BULK_TRANSITION_MAX) {
        batches.push(current);
        current = [];
        size = 0;
      }
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A JQL string literal. */
function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

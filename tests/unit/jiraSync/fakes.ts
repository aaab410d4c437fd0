import { HttpError, RetryableError } from '../../../shared/errors';
import type { HaloApi } from '../../../functions/jiraSync/clients/halo';
import type { BulkCreateResult, BulkMove, BulkTransitionOutcome, CreateScreen, JiraApi, NewTicket, TicketDetail, TicketNow, Transition } from '../../../functions/jiraSync/clients/jira';
import { markersIn } from '../../../functions/jiraSync/clients/jira-replies';
import { haloIdOf, type JiraField, type ResolvedField } from '../../../functions/jiraSync/fields';
import type { HaloIssue } from '../../../functions/jiraSync/model';
import type { AdfDoc } from '../../../functions/jiraSync/render';

/** In-memory Halo and Jira behind the client interfaces, for orchestration unit tests. */
export class FakeHalo implements HaloApi {
  issues = new Map<string, HaloIssue>();
  linked = new Map<string, unknown>();
  deleted = new Set<string>();
  failDescribe = new Map<string, Error>();
  calls: string[] = [];

  put(...issues: HaloIssue[]): void {
    for (const i of issues) this.issues.set(i.id, i);
  }
  async listIssues(sinceIso: string): Promise<HaloIssue[]> {
    this.calls.push(`list ${sinceIso}`);
    return [...this.issues.values()].map((i) => ({ ...i }));
  }
  async describeIssue(id: string): Promise<HaloIssue | undefined> {
    this.calls.push(`describe ${id}`);
    const err = this.failDescribe.get(id);
    if (err) throw err;
    return this.deleted.has(id) ? undefined : this.issues.get(id);
  }
  async fetchLinked(url: string): Promise<unknown> {
    this.calls.push(`linked ${url}`);
    return this.linked.get(url);
  }
}

export const JIRA_FIELDS: JiraField[] = [
  { id: 'summary', name: 'Summary', schema: { type: 'string', system: 'summary' } },
  { id: 'customfield_10050', name: 'Halo Issue ID', custom: true, schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' } },
  { id: 'customfield_10060', name: 'Halo Critical', custom: true, schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' } },
  { id: 'customfield_10061', name: 'Halo Type', custom: true, schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' } },
  { id: 'labels', name: 'Labels', schema: { type: 'array', items: 'string', system: 'labels' } },
  { id: 'environment', name: 'Environment', schema: { type: 'string', system: 'environment' } },
];

interface FakeTicket {
  id: string;
  key: string;
  status: string;
  updated: string;
  fields: Record<string, unknown>;
  comments: unknown[];
  /** When it was created, on the search-lag clock (when one is set). */
  createdAt?: number;
}

const WORKFLOW: Record<string, Array<{ id: string; name: string; to: string }>> = {
  Open: [{ id: '11', name: 'Start', to: 'In Progress' }, { id: '21', name: 'Close', to: 'Closed' }, { id: '31', name: "Won't Fix", to: "Won't Fix" }],
  'In Progress': [{ id: '21', name: 'Close', to: 'Closed' }],
  Closed: [{ id: '41', name: 'Reopen', to: 'Open' }],
  "Won't Fix": [],
};

const BUG = '10004';
const refusedTransition = (id: string, from: string): HttpError => new HttpError(`Transition id '${id}' is not valid for this issue (status ${from}).`, 400, {});

export class FakeJira implements JiraApi {
  tickets: FakeTicket[] = [];
  writes: string[] = [];
  /** Every request by kind, in order. */
  calls: string[] = [];
  /** Bulk create refuses every transition (as a workflow with a validator on it would). */
  refuseCreateTransition = false;
  /** Bulk create refuses the transition for these Halo ids only (a validator failing on their values). */
  refuseCreateTransitionFor = new Set<string>();
  /** The account lacks "Make bulk changes": bulk transition submits answer 403. */
  bulkDenied = false;
  failCreate?: Error;
  failCreateFor = new Set<string>();
  fatal?: Error;
  /** Search lags behind creates: a ticket shows up `ms` after its creation, unless reconciled (reconcileIssues). */
  searchLag?: { now: () => number; ms: number };
  /** The next this many bulk create requests are applied, but their answer is lost (a 502 instead). */
  loseCreateAnswers = 0;
  private seq = 0;
  private clock = Date.parse('2026-11-20T12:00:00Z');

  add(haloId: string, status: string, updated?: string): FakeTicket {
    const t: FakeTicket = { id: String(10000 + ++this.seq), key: `SEC-${this.seq}`, status, updated: updated ?? this.tick(), fields: { customfield_10050: haloId }, comments: [], createdAt: this.searchLag?.now() };
    this.tickets.push(t);
    return t;
  }
  byHalo(haloId: string): FakeTicket[] {
    return this.tickets.filter((t) => t.fields.customfield_10050 === haloId);
  }
  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
  private guard(kind: string): void {
    this.calls.push(kind);
    if (this.fatal) throw this.fatal;
  }
  async fields(): Promise<JiraField[]> {
    this.guard('field');
    return JIRA_FIELDS;
  }
  async createScreen(_project: string, issueTypeName: string): Promise<CreateScreen> {
    this.guard('createmeta');
    return { issueType: { id: BUG, name: issueTypeName }, fields: JIRA_FIELDS.map((f) => ({ fieldId: f.id, name: f.name, schema: f.schema })) };
  }
  async findTicketDetails(idField: ResolvedField, haloIds: readonly string[], reconcile: readonly string[] = []): Promise<TicketDetail[]> {
    this.guard('search');
    const wanted = new Set(haloIds);
    const lag = this.searchLag;
    const visible = (t: FakeTicket): boolean => !lag || t.createdAt === undefined || t.createdAt <= lag.now() - lag.ms || reconcile.includes(t.id);
    return this.tickets
      .filter((t) => wanted.has(haloIdOf(t.fields[idField.id]) ?? '') && visible(t))
      .map((t) => {
        const status = this.staleStatus.get(t.key) ?? t.status;
        return {
          id: t.id, key: t.key, status, updated: t.updated, haloId: haloIdOf(t.fields[idField.id])!, issueTypeId: BUG,
          transitions: (WORKFLOW[status] ?? []).map((x) => ({ ...x })),
          markers: markersIn([t.fields.description, ...t.comments]), commentsComplete: true,
        };
      });
  }
  async createTicketsWith(list: readonly NewTicket[]): Promise<BulkCreateResult[]> {
    this.guard('create');
    if (this.failCreate) throw this.failCreate;
    const lost = this.loseCreateAnswers > 0;
    if (lost) this.loseCreateAnswers--;
    const answers = list.map(({ fields, transitionId }): BulkCreateResult => {
      if (this.failCreateFor.has(String(fields.customfield_10050))) return { ok: false, error: new Error('Field customfield_10061: option invalid'), transitionRefused: false };
      const tr = transitionId === undefined ? undefined : WORKFLOW.Open!.find((x) => x.id === transitionId);
      if (transitionId !== undefined && (!tr || this.refuseCreateTransition || this.refuseCreateTransitionFor.has(String(fields.customfield_10050)))) return { ok: false, error: refusedTransition(transitionId, 'Open'), transitionRefused: true };
      const t = this.add(String(fields.customfield_10050), tr?.to ?? 'Open');
      t.fields = { ...fields };
      this.writes.push(`create ${t.key}${tr ? ` ${tr.name}` : ''}`);
      return { ok: true, id: t.id, key: t.key, ...(tr ? { transitioned: true } : {}) };
    });
    if (lost) throw new RetryableError('jira answered 502 (the tickets were created)', { status: 502 });
    return answers;
  }
  async bulkTransition(moves: readonly BulkMove[]): Promise<BulkTransitionOutcome> {
    this.guard('bulkTransition');
    if (this.bulkDenied) return { kind: 'refused', reason: 'You do not have the permission to make bulk changes.' };
    const outcome = { kind: 'submitted' as const, taskIds: ['1'], moved: [] as string[], failed: [] as Array<{ issueId: string; reason: string }>, pending: [] as string[] };
    for (const m of moves) {
      for (const id of m.issueIds) {
        const t = this.tickets.find((x) => x.id === id)!;
        const tr = (WORKFLOW[t.status] ?? []).find((x) => x.id === m.transitionId);
        if (!tr) {
          outcome.failed.push({ issueId: id, reason: `transition ${m.transitionId} is not valid from ${t.status}` });
          continue;
        }
        t.status = tr.to;
        t.updated = this.tick();
        this.writes.push(`bulk ${t.key} ${tr.name}`);
        outcome.moved.push(id);
      }
    }
    return outcome;
  }
  async transitions(key: string): Promise<Transition[]> {
    this.guard('transitions');
    const t = this.tickets.find((x) => x.key === key)!;
    return (WORKFLOW[t.status] ?? []).map((x) => ({ id: x.id, name: x.name, to: x.to }));
  }
  async transition(key: string, id: string): Promise<void> {
    this.guard('transition');
    const t = this.tickets.find((x) => x.key === key)!;
    const tr = (WORKFLOW[t.status] ?? []).find((x) => x.id === id);
    if (!tr) throw refusedTransition(id, t.status);
    t.status = tr.to;
    t.updated = this.tick();
    this.writes.push(`transition ${key} ${tr.name}`);
  }
  async ticketNow(key: string): Promise<TicketNow> {
    this.guard('issue');
    const t = this.tickets.find((x) => x.key === key)!;
    return { status: t.status, texts: [t.fields.description, ...t.comments] };
  }
  /** Search answers from a stale view: these keys show the given status instead of the real one. */
  staleStatus = new Map<string, string>();
  async addComment(key: string, body: AdfDoc): Promise<void> {
    this.guard('comment');
    this.tickets.find((x) => x.key === key)!.comments.push(body);
    this.writes.push(`comment ${key}`);
  }
}

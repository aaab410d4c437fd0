/**
 * Issues of the stand-in site. Every write is kept as a version, so search can lag behind writes
 * (Jira Cloud search is eventually consistent) while GET issue always reads the latest state.
 */

export interface IssueState {
  id: string;
  key: string;
  issueTypeId: string;
  status: string;
  /** Settable fields in the shape Jira returns them (summary, description, customfield_…). */
  fields: Record<string, unknown>;
  created: number;
  updated: number;
}

export interface IssueComment {
  id: string;
  body: unknown;
  authorAccountId: string;
  created: number;
  updated: number;
}

export interface ChangeItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface HistoryEntry {
  id: string;
  created: number;
  /** accountId of the API user, or the name of a human acting through the test API. */
  author: string;
  items: ChangeItem[];
}

export interface StoredIssue extends IssueState {
  comments: IssueComment[];
  history: HistoryEntry[];
}

interface IssueRecord {
  current: StoredIssue | undefined;
  /** What search may see: the state after each write (null = deleted), oldest first. */
  versions: { at: number; state: IssueSnapshot | null }[];
}

/** What search sees of an issue: its state and its comments (search can return the comment field). */
export interface IssueSnapshot extends IssueState {
  comments: IssueComment[];
}

const snapshot = (s: StoredIssue): IssueSnapshot => structuredClone({
  id: s.id, key: s.key, issueTypeId: s.issueTypeId, status: s.status, fields: s.fields, created: s.created, updated: s.updated, comments: s.comments,
});

export class IssueStore {
  private records = new Map<string, IssueRecord>();
  private byKey = new Map<string, string>();
  private nextNumber = 1;
  private nextId = 10_001;
  private nextCommentId = 10_100;
  private nextHistoryId = 20_000;

  constructor(private readonly projectKey: string, readonly now: () => number) {}

  create(issueTypeId: string, status: string, fields: Record<string, unknown>): StoredIssue {
    const at = this.now();
    const id = String(this.nextId++);
    const issue: StoredIssue = {
      id, key: `${this.projectKey}-${this.nextNumber++}`, issueTypeId, status, fields: structuredClone(fields),
      created: at, updated: at, comments: [], history: [],
    };
    this.records.set(id, { current: issue, versions: [{ at, state: snapshot(issue) }] });
    this.byKey.set(issue.key, id);
    return issue;
  }

  /** Moves an issue's creation and every version back to `at` (seeded, long-standing tickets). */
  backdate(issue: StoredIssue, at: number): void {
    issue.created = at;
    issue.updated = at;
    const record = this.records.get(issue.id);
    if (record) record.versions = [{ at, state: snapshot(issue) }];
  }

  /** By key (case-insensitive, like Jira) or numeric id. */
  get(keyOrId: string): StoredIssue | undefined {
    const id = this.byKey.get(keyOrId.toUpperCase()) ?? keyOrId;
    return this.records.get(id)?.current;
  }

  all(): StoredIssue[] {
    return [...this.records.values()].flatMap((r) => (r.current ? [r.current] : []));
  }

  /** Applies a change and records a searchable version and, when given, a changelog entry. */
  write(issue: StoredIssue, change: { fields?: Record<string, unknown>; status?: string; items?: ChangeItem[]; author: string }): void {
    const at = Math.max(this.now(), issue.updated);
    if (change.fields) Object.assign(issue.fields, structuredClone(change.fields));
    if (change.status) issue.status = change.status;
    issue.updated = at;
    if (change.items && change.items.length > 0) {
      issue.history.push({ id: String(this.nextHistoryId++), created: at, author: change.author, items: change.items });
    }
    this.records.get(issue.id)?.versions.push({ at, state: snapshot(issue) });
  }

  addComment(issue: StoredIssue, body: unknown, authorAccountId: string): IssueComment {
    const at = Math.max(this.now(), issue.updated);
    const comment: IssueComment = { id: String(this.nextCommentId++), body: structuredClone(body), authorAccountId, created: at, updated: at };
    issue.comments.push(comment);
    this.write(issue, { author: authorAccountId });
    return comment;
  }

  delete(keyOrId: string): boolean {
    const issue = this.get(keyOrId);
    if (!issue) return false;
    const record = this.records.get(issue.id)!;
    record.current = undefined;
    record.versions.push({ at: this.now(), state: null });
    this.byKey.delete(issue.key);
    return true;
  }

  /**
   * The states search sees at this moment: each issue as of `lagMs` ago, except the issues whose
   * ids are in `reconcile` (read-after-write consistency on request, as `reconcileIssues` gives).
   */
  searchView(lagMs: number, reconcile: ReadonlySet<string>): IssueSnapshot[] {
    const horizon = this.now() - lagMs;
    const view: IssueSnapshot[] = [];
    for (const [id, record] of this.records) {
      if (reconcile.has(id) || lagMs <= 0) {
        if (record.current) view.push(record.current); // read-only use: no copy on the hot path
        continue;
      }
      const seen = [...record.versions].reverse().find((v) => v.at <= horizon);
      if (seen?.state) view.push(seen.state);
    }
    return view;
  }

  reset(): void {
    this.records.clear();
    this.byKey.clear();
    this.nextNumber = 1;
    this.nextId = 10_001;
  }
}

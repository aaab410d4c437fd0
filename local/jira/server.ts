/**
 * The Jira Cloud REST v3 stand-in: a real HTTP server on 127.0.0.1. Each request goes through
 * throttling → basic auth → removed-API check → OpenAPI contract → route, in that order.
 */
import { loadContract, type Contract } from '../contract';
import { headerValue, startStubServer, type Faults, type LoggedRequest, type StubRequest, type StubResponse } from '../http-kit';
import { adfText } from './adf';
import { resolveConfig, type JiraStubConfig, type JiraStubOptions, type PermissionKey } from './config';
import { checkFieldValue } from './fields';
import { jiraTime } from './issue-view';
import { Router, type RequestKind } from './router';
import { issueRoutes } from './routes-issues';
import { bulkRoutes } from './routes-bulk';
import { metaRoutes } from './routes-meta';
import { REMOVED_SEARCH_PATHS, removedSearch, searchRoutes } from './routes-search';
import { jiraError, JiraSite } from './site';
import type { StoredIssue } from './store';
import { Throttle, type ThrottleScript, type WriteStorm } from './throttle';

interface Violation {
  method: string;
  path: string;
  status: number;
  errors: string[];
  operationId?: string;
}

export interface TicketView {
  id: string;
  key: string;
  issueType: string;
  status: string;
  fields: Record<string, unknown>;
  comments: { id: string; body: unknown; text: string; created: string }[];
  history: { created: string; author: string; items: { field: string; fromString: string | null; toString: string | null }[] }[];
  created: string;
  updated: string;
}

interface SeedTicket {
  summary: string;
  issueType?: string;
  status?: string;
  /** Other field values by id, as a create request would send them. */
  fields?: Record<string, unknown>;
}

export interface JiraStub {
  url: string;
  port: number;
  config: JiraStubConfig;
  /** `Basic base64(email:apiToken)`, for raw requests in tests. */
  authHeader: string;
  /** Requests the real Jira would reject by contract (and malformed JSON bodies). */
  violations: Violation[];
  requests: LoggedRequest[];
  counts(): Record<RequestKind, number>;
  /** Transport faults from the stand-in kit: latency, hang, connection reset, raw statuses. */
  faults: Faults;
  /** Next `times` requests (of `kind`) get 429 with Retry-After and X-RateLimit-Reset. */
  rateLimitNext(times: number, script?: ThrottleScript): void;
  /** Next `times` requests (of `kind`) get 503 with Retry-After. */
  unavailableNext(times: number, script?: Omit<ThrottleScript, 'reason'>): void;
  /** Search shows writes this much later (e.g. 30_000: Jira Cloud under load). */
  setSearchLag(ms: number): void;
  /** Writes refused at random rates from now on (429 / 503 with Retry-After); undefined stops it. */
  writeStorm(rates: WriteStorm | undefined): void;
  /**
   * The next `times` bulk creates are applied, but the answer comes `delayMs` late, or never
   * (`cut`: the connection is destroyed after the tickets exist).
   */
  answerCreatesLate(times: number, opts: { delayMs?: number; cut?: boolean }): void;
  /** Takes a permission away (or gives it back) at runtime, e.g. CREATE_ISSUES revoked mid-run. */
  denyPermission(permission: PermissionKey): void;
  allowPermission(permission: PermissionKey): void;
  setRequestsPerSecond(perSecond: number): void;
  tickets(): TicketView[];
  ticket(keyOrId: string): TicketView | undefined;
  /** A ticket that already exists (visible to search at once), as a human created it. */
  seedTicket(seed: SeedTicket): TicketView;
  /** Completes the bulk transition tasks whose time has come (requests do this too). */
  advanceBulkTasks(): void;
  /** A human moves the ticket to `statusName` (any status, no workflow check), e.g. Won't Fix. */
  setStatus(keyOrId: string, statusName: string, who?: string): void;
  deleteTicket(keyOrId: string): boolean;
  reset(): void;
  stop(): Promise<void>;
}

const KINDS: RequestKind[] = ['search', 'create', 'bulkCreate', 'comment', 'transition', 'transitionsList', 'bulkTransition', 'bulkProgress', 'createmeta', 'field', 'other'];

function view(issue: StoredIssue, site: JiraSite): TicketView {
  return {
    id: issue.id, key: issue.key, status: issue.status,
    issueType: site.config.issueTypes.find((t) => t.id === issue.issueTypeId)?.name ?? issue.issueTypeId,
    fields: structuredClone(issue.fields),
    comments: issue.comments.map((c) => ({ id: c.id, body: structuredClone(c.body), text: adfText(c.body), created: jiraTime(c.created) })),
    history: issue.history.map((h) => ({ created: jiraTime(h.created), author: h.author, items: h.items.map((i) => ({ field: i.field, fromString: i.fromString, toString: i.toString })) })),
    created: jiraTime(issue.created), updated: jiraTime(issue.updated),
  };
}

function authorised(req: StubRequest, config: JiraStubConfig): boolean {
  const header = headerValue(req.headers, 'authorization') ?? '';
  const m = /^Basic\s+(\S+)$/i.exec(header);
  if (!m) return false;
  return Buffer.from(m[1]!, 'base64').toString('utf8') === `${config.email}:${config.apiToken}`;
}

export async function startJiraStub(opts: JiraStubOptions = {}): Promise<JiraStub> {
  const config = resolveConfig(opts);
  const now = opts.now ?? Date.now;
  const site = new JiraSite(config, now);
  const router = new Router([...metaRoutes, ...issueRoutes, ...bulkRoutes, ...searchRoutes]);
  const throttle = new Throttle(now, config.requestsPerSecond);
  const contract: Contract | undefined = config.validateContract ? loadContract('jira') : undefined;
  const violations: Violation[] = [];
  const late = { times: 0, delayMs: 0, cut: false };

  const handle = (req: StubRequest): StubResponse => {
    const limited = throttle.check(router.kindOfLabel(req.route));
    if (limited) return limited;
    if (!authorised(req, config)) {
      return { status: 401, body: { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} }, headers: { 'www-authenticate': 'Basic realm="protected-area"' } };
    }
    if (REMOVED_SEARCH_PATHS.includes(req.path.replace(/\/$/, ''))) return removedSearch();
    if (req.bodyError) {
      violations.push({ method: req.method, path: req.path, status: 400, errors: [req.bodyError] });
      return jiraError(400, [`Unexpected character in the request body: ${req.bodyError}`]);
    }
    if (contract) {
      const verdict = contract.validateRequest({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body });
      if (!verdict.ok) {
        violations.push({ method: req.method, path: req.path, status: verdict.status, errors: verdict.errors, operationId: verdict.operationId });
        return jiraError(verdict.status, verdict.errors);
      }
    }
    site.bulk.advance();
    const found = router.find(req.method, req.path);
    if (!found) return jiraError(404, [`The Jira stand-in does not implement ${req.method} ${req.path}.`]);
    const answer = found.route.handle({ ...req, params: found.params }, site);
    if (found.route.kind === 'bulkCreate' && late.times > 0 && answer.status === 201) {
      late.times -= 1;
      return { ...answer, answerDelayMs: late.delayMs, cutAnswer: late.cut };
    }
    if (answer.violation) {
      const body = answer.body as { errorMessages?: string[] } | undefined;
      violations.push({ method: req.method, path: req.path, status: answer.status, errors: body?.errorMessages ?? [] });
    }
    return answer;
  };

  const server = await startStubServer({ name: 'Jira', port: config.port, routeOf: (m, p) => router.label(m, p), handle });
  server.faults.latencyMs = config.latencyMs;
  site.siteUrl = server.url;

  const mustGet = (keyOrId: string): StoredIssue => {
    const issue = site.store.get(keyOrId);
    if (!issue) throw new Error(`Jira stand-in: no ticket ${keyOrId}`);
    return issue;
  };

  return {
    url: server.url,
    port: server.port,
    config,
    authHeader: `Basic ${Buffer.from(`${config.email}:${config.apiToken}`).toString('base64')}`,
    violations,
    requests: server.log.entries,
    counts: () => {
      const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
      for (const e of server.log.entries) counts[router.kindOfLabel(e.route)] += 1;
      return counts;
    },
    faults: server.faults,
    rateLimitNext: (times, script) => throttle.rateLimitNext(times, script),
    unavailableNext: (times, script) => throttle.unavailableNext(times, script),
    setSearchLag: (ms) => { config.searchLagMs = ms; },
    writeStorm: (rates) => throttle.writeStorm(rates),
    answerCreatesLate: (times, opts) => Object.assign(late, { times, delayMs: opts.delayMs ?? 0, cut: opts.cut ?? false }),
    denyPermission: (permission) => void config.deniedPermissions.add(permission),
    allowPermission: (permission) => void config.deniedPermissions.delete(permission),
    setRequestsPerSecond: (perSecond) => { throttle.requestsPerSecond = perSecond; },
    tickets: () => site.store.all().map((i) => view(i, site)),
    ticket: (keyOrId) => {
      const issue = site.store.get(keyOrId);
      return issue ? view(issue, site) : undefined;
    },
    seedTicket: (seed) => {
      const type = config.issueTypes.find((t) => t.name === (seed.issueType ?? config.issueTypes[0]?.name));
      if (!type) throw new Error(`Jira stand-in: unknown issue type ${seed.issueType}`);
      const fields: Record<string, unknown> = { summary: seed.summary };
      for (const [id, raw] of Object.entries(seed.fields ?? {})) {
        const f = site.field(id);
        const checked = f ? checkFieldValue(f, raw, site.valueContext()) : undefined;
        if (!checked?.ok) throw new Error(`Jira stand-in: bad seed value for ${id}: ${checked && !checked.ok ? checked.message : 'unknown field'}`);
        fields[id] = checked.value;
      }
      const issue = site.store.create(type.id, seed.status ?? config.workflow.initialStatus, fields);
      site.store.backdate(issue, now() - Math.max(config.searchLagMs, 0) - 60_000);
      return view(issue, site);
    },
    setStatus: (keyOrId, statusName, who = 'Security Analyst') => {
      const issue = mustGet(keyOrId);
      const to = site.workflow.status(statusName);
      if (!to) throw new Error(`Jira stand-in: unknown status ${statusName}`);
      const from = site.workflow.status(issue.status);
      site.store.write(issue, {
        status: to.name, author: who,
        items: [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: from?.id ?? null, fromString: issue.status, to: to.id, toString: to.name }],
      });
    },
    deleteTicket: (keyOrId) => site.store.delete(keyOrId),
    advanceBulkTasks: () => site.bulk.advance(),
    reset: () => {
      site.store.reset();
      site.bulk.reset();
      violations.length = 0;
      server.log.clear();
      server.faults.clear();
      server.faults.latencyMs = config.latencyMs;
      throttle.clear();
      late.times = 0;
    },
    stop: () => server.stop(),
  };
}

/**
 * Enhanced JQL search (`/rest/api/3/search/jql`, GET and POST): bounded JQL, nextPageToken paging,
 * ids-only by default, eventual consistency with `reconcileIssues`. Legacy search answers 410.
 */
import { createHash } from 'node:crypto';
import { queryValue, type StubResponse } from '../http-kit';
import { issueBean, selectFields } from './issue-view';
import { JqlError } from './jql';
import { compileJql, type CompiledQuery } from './jql-eval';
import { listParam, type Route } from './router';
import { jiraError, protocolError, type JiraSite } from './site';

export const REMOVED_SEARCH_MESSAGE =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';

/** Paths Atlassian shut down in 2025; every method answers 410 Gone. */
export const REMOVED_SEARCH_PATHS = ['/rest/api/2/search', '/rest/api/3/search', '/rest/api/2/search/id', '/rest/api/3/search/id', '/rest/api/3/expression/eval'];
export const removedSearch = (): StubResponse => jiraError(410, [REMOVED_SEARCH_MESSAGE]);

const MAX_RECONCILE = 50;
/** Page caps of the real service: 5000 when only ids/keys are requested, 100 otherwise. */
const ID_ONLY_CAP = 5000;
const FIELDS_CAP = 100;

interface SearchParams {
  jql?: string;
  nextPageToken?: string;
  maxResults?: number;
  fields?: string[];
  expand: string[];
  reconcileIssues: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean);

function fromQuery(q: JiraRequestLike['query']): SearchParams {
  const max = queryValue(q, 'maxResults');
  return {
    jql: queryValue(q, 'jql'),
    nextPageToken: queryValue(q, 'nextPageToken'),
    maxResults: max === undefined ? undefined : Number(max),
    fields: listParam(q, 'fields'),
    expand: listParam(q, 'expand') ?? [],
    reconcileIssues: listParam(q, 'reconcileIssues') ?? [],
  };
}

function fromBody(b: unknown): SearchParams {
  const o = isObject(b) ? b : {};
  return {
    jql: typeof o.jql === 'string' ? o.jql : undefined,
    nextPageToken: typeof o.nextPageToken === 'string' ? o.nextPageToken : undefined,
    maxResults: typeof o.maxResults === 'number' ? o.maxResults : undefined,
    fields: asList(o.fields),
    expand: asList(o.expand) ?? [],
    reconcileIssues: (asList(o.reconcileIssues) ?? []),
  };
}

type JiraRequestLike = Parameters<Route['handle']>[0];

const queryHash = (jql: string): string => createHash('sha256').update(jql).digest('base64url').slice(0, 12);
const encodeToken = (offset: number, jql: string): string => Buffer.from(JSON.stringify({ o: offset, q: queryHash(jql) })).toString('base64url');
function decodeToken(token: string, jql: string): number | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    return typeof t.o === 'number' && t.q === queryHash(jql) ? t.o : undefined;
  } catch {
    return undefined;
  }
}

function search(p: SearchParams, site: JiraSite): StubResponse {
  const jql = p.jql ?? '';
  if (p.reconcileIssues.length > MAX_RECONCILE) return protocolError(`reconcileIssues accepts at most ${MAX_RECONCILE} issue ids.`);
  if (p.reconcileIssues.some((id) => !/^\d+$/.test(id))) return protocolError('reconcileIssues must contain numeric issue ids.');
  let compiled: CompiledQuery;
  try {
    compiled = compileJql(jql, site.jqlSite());
  } catch (err) {
    if (err instanceof JqlError) return jiraError(400, [err.message]);
    throw err;
  }
  const offset = p.nextPageToken === undefined ? 0 : decodeToken(p.nextPageToken, jql);
  if (offset === undefined) return jiraError(400, ['The provided next page token is invalid or does not belong to this query.']);

  const selected = selectFields(p.fields, 'id', site.fields);
  const wantsKey = (p.fields ?? []).some((f) => f.split(',').includes('key'));
  const cap = selected.size === 0 ? ID_ONLY_CAP : FIELDS_CAP;
  const pageSize = Math.min(Math.max(p.maxResults ?? 50, 1), cap);

  const visible = site.allowed('BROWSE_PROJECTS') ? site.store.searchView(site.config.searchLagMs, new Set(p.reconcileIssues)) : [];
  const hits = visible.filter(compiled.matches).sort(compiled.compare);
  const page = hits.slice(offset, offset + pageSize);
  const isLast = offset + pageSize >= hits.length;
  const body: Record<string, unknown> = {
    issues: page.map((i) => {
      const bean = issueBean(i, selected, site, wantsKey);
      // expand=transitions: what the issue can take from the status search sees it in.
      if (p.expand.includes('transitions')) bean.transitions = site.workflow.availableFrom(i.status).map((t) => site.workflow.issueTransition(t, site.siteUrl));
      return bean;
    }),
    isLast,
    ...(isLast ? {} : { nextPageToken: encodeToken(offset + pageSize, jql) }),
  };
  if (p.expand.includes('names')) body.names = Object.fromEntries(site.fields.filter((f) => selected.has(f.id)).map((f) => [f.id, f.name]));
  return { status: 200, body };
}

export const searchRoutes: Route[] = [
  { method: 'GET', template: '/rest/api/3/search/jql', kind: 'search', handle: (req, site) => search(fromQuery(req.query), site) },
  { method: 'POST', template: '/rest/api/3/search/jql', kind: 'search', handle: (req, site) => search(fromBody(req.body), site) },
  ...REMOVED_SEARCH_PATHS.flatMap((template): Route[] =>
    ['GET', 'POST'].map((method) => ({ method, template, kind: 'search', handle: () => removedSearch() })),
  ),
];

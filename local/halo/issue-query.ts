import { queryValue, type Query } from '../http-kit';
import { haloInstant, lastChangeOf } from './time';
import { ASSET_STATES, DESCRIBE_ONLY_FIELDS, ISSUE_STATUSES, type AssetState, type HaloIssue, type HaloListedIssue, type IssueStatus } from './types';

/** `GET /v3/issues` query semantics, as pure functions (parsing, filtering, sorting, paging). */

const SORT_FIELDS = ['created_at', 'updated_at', 'first_seen_at', 'last_seen_at', 'resolved_at'] as const;
type SortField = (typeof SORT_FIELDS)[number];
const MAX_PER_PAGE = 100;

export interface IssueListQuery {
  /** Microseconds; issues whose last change is ≥ since. */
  since?: number;
  statuses: ReadonlySet<IssueStatus>;
  states?: ReadonlySet<AssetState>;
  critical?: boolean;
  page: number;
  perPage: number;
  sortField: SortField;
  descending: boolean;
}

function list<T extends string>(raw: string | undefined, allowed: readonly T[], name: string): ReadonlySet<T> | string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const values = raw.split(',').map((v) => v.trim());
  const bad = values.filter((v) => !allowed.includes(v as T));
  return bad.length > 0 ? `${name}: unknown value(s) ${bad.join(', ')} (allowed: ${allowed.join(', ')})` : new Set(values as T[]);
}

/** Parses the query; an error string names the bad parameter (answered with 422). */
export function parseIssueListQuery(query: Query, defaultStatuses: readonly IssueStatus[]): IssueListQuery | string {
  const sinceRaw = queryValue(query, 'since');
  const since = sinceRaw === undefined ? undefined : haloInstant(sinceRaw);
  if (sinceRaw !== undefined && since === undefined) return `since: not an ISO-8601 timestamp: ${sinceRaw}`;
  const statuses = list(queryValue(query, 'status'), ISSUE_STATUSES, 'status') ?? new Set(defaultStatuses);
  if (typeof statuses === 'string') return statuses;
  const states = list(queryValue(query, 'state'), ASSET_STATES, 'state');
  if (typeof states === 'string') return states;
  const criticalRaw = queryValue(query, 'critical');
  if (criticalRaw !== undefined && criticalRaw !== 'true' && criticalRaw !== 'false') return `critical: expected true or false, got ${criticalRaw}`;
  const page = Number(queryValue(query, 'page') ?? '1');
  if (!Number.isInteger(page) || page < 1) return `page: expected a positive integer`;
  const perPageRaw = Number(queryValue(query, 'per_page') ?? String(MAX_PER_PAGE));
  if (!Number.isInteger(perPageRaw) || perPageRaw < 1) return `per_page: expected a positive integer`;
  const [field, dir = 'asc'] = (queryValue(query, 'sort_by') ?? 'created_at.asc').split('.');
  if (!SORT_FIELDS.includes(field as SortField) || (dir !== 'asc' && dir !== 'desc')) {
    return `sort_by: expected <field>.asc|desc with field one of ${SORT_FIELDS.join(', ')}`;
  }
  return {
    since,
    statuses,
    states,
    critical: criticalRaw === undefined ? undefined : criticalRaw === 'true',
    page,
    perPage: Math.min(perPageRaw, MAX_PER_PAGE), // larger pages are cut to the maximum, not refused
    sortField: field as SortField,
    descending: dir === 'desc',
  };
}

/** Filtered and sorted (ties broken by id, so paging is deterministic). */
export function selectIssues(issues: Iterable<HaloIssue>, q: IssueListQuery, assetStateOf: (issue: HaloIssue) => AssetState): HaloIssue[] {
  const picked: { issue: HaloIssue; key: number }[] = [];
  for (const issue of issues) {
    if (!q.statuses.has(issue.status)) continue;
    if (q.critical !== undefined && issue.critical !== q.critical) continue;
    if (q.states && !q.states.has(assetStateOf(issue))) continue;
    if (q.since !== undefined && lastChangeOf(issue) < q.since) continue;
    picked.push({ issue, key: haloInstant(issue[q.sortField]) ?? Number.NEGATIVE_INFINITY });
  }
  const sign = q.descending ? -1 : 1;
  picked.sort((a, b) => (a.key === b.key ? (a.issue.id < b.issue.id ? -1 : 1) : a.key < b.key ? -sign : sign));
  return picked.map((p) => p.issue);
}

/** The list endpoint's item: the full issue without the describe-only fields. */
export function listedShape(issue: HaloIssue): HaloListedIssue {
  const copy: Record<string, unknown> = { ...issue };
  for (const f of DESCRIBE_ONLY_FIELDS) delete copy[f];
  return copy as unknown as HaloListedIssue;
}

/** Absolute next-page link: the request's own query with `page` advanced and `per_page` spelled out. */
export function nextPageUrl(baseUrl: string, query: Query, page: number, perPage: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'page' || k === 'per_page') continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  }
  params.set('per_page', String(perPage));
  params.set('page', String(page));
  return `${baseUrl}/v3/issues?${params.toString()}`;
}

/**
 * Cache key for a listing: the query minus `page` and `per_page`, so all pages of one run share a
 * snapshot. `per_page` is left out because the first page often comes without it while the next
 * links spell it out: keyed apart, page 2 of a later listing with the same `since` (a run after a
 * killed run) would be served from the earlier listing's stale snapshot, losing changed issues.
 */
export function listingKey(query: Query): string {
  return JSON.stringify(Object.entries(query).filter(([k]) => k !== 'page' && k !== 'per_page').sort(([a], [b]) => (a < b ? -1 : 1)));
}

import { parsePairs, type Env } from '../../shared/config/env';
import {
  httpsRequired, readFunctionSettings, settingsReader, type FunctionSettings, type SecretName,
} from '../../shared/function/settings';
import SETTINGS from './settings.json';

/**
 * jiraSync configuration: the variable names of the tool users migrate from, parsed once at
 * cold start. Names, defaults and which are secrets: settings.json (also read by resources/settings.js).
 * Every bad value is reported in one ConfigError naming the variable, the value
 * and the expected form. Jira field *names* are checked later, against GET /rest/api/3/field.
 */
export { SETTINGS };
export type Credential = SecretName<typeof SETTINGS>;

/** `JIRA_FIELD_MAPPING` aliases → Halo v3 issue attribute (the 2.0.0 tool's table). */
const HALO_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'name', 'source', 'type', 'critical', 'first_seen_at', 'last_seen_at', 'resolved_at', 'status', 'policy_name',
    'csp_rule_id', 'asset_id', 'asset_name', 'asset_type', 'group_name', 'group_path', 'csp_account_type', 'csp_account_id',
    'csp_account_name', 'csp_region', 'csp_service_type', 'csp_resource_id', 'created_at', 'rule_key', 'id',
  ].map((attr) => [`issue_${attr}`, attr]),
);

interface FieldMapping {
  haloAttribute: string;
  /** Jira field name or id as configured; resolved to an id at the start of each run. */
  jiraField: string;
}

interface StaticField {
  jiraField: string;
  value: string;
}

export interface SyncConfig extends FunctionSettings {
  haloBaseUrl: string;
  jiraBaseUrl: string;
  jiraProjectKey: string;
  jiraIssueType: string;
  /** Field name or id holding the Halo issue id. */
  jiraIssueIdField: string;
  closeTransition: string;
  reopenTransition: string;
  statusClosed: string;
  statusHardClosed: readonly string[];
  timeRangeMinutes: number;
  checkpointParam: string;
  syncMax: number;
  criticalOnly: boolean;
  noComment: boolean;
  noSva: boolean;
  excludedSources: ReadonlySet<string>;
  fieldMapping: readonly FieldMapping[];
  fieldStatic: readonly StaticField[];
  dryRun: boolean;
  /** DynamoDB table holding the create ledger, the retry set and the run lease. */
  stateTable: string;
  /** Create the state table when it does not exist (the `local` stage only; deployed stages get it from CloudFormation). */
  stateTableAutoCreate: boolean;
  /** Length of the run lease; renewed while the run lives, so a crashed run frees it within this time. */
  leaseSeconds: number;
  /** How long Jira search may lag behind a create: an unanswered create is trusted to search after this. */
  searchLagBoundSeconds: number;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$/;

/**
 * `api.cloudpassage.com` → `https://api.cloudpassage.com`; a full https base URL (or http, unless
 * `https` is required) is kept (minus a trailing /).
 */
function haloBaseUrl(raw: string, opts: { https?: boolean } = {}): string | undefined {
  if (/^https?:\/\//i.test(raw)) {
    const u = new URL(raw);
    if (opts.https && u.protocol !== 'https:') return undefined;
    if (u.username || u.password || u.search || u.hash) return undefined;
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  }
  return HOSTNAME.test(raw) ? `https://${raw}` : undefined;
}

function pairs<T>(raw: string, make: (key: string, value: string) => T | undefined): T[] | undefined {
  // A trailing ';' is tolerated; any other malformed item rejects the whole variable, loudly.
  const parsed = parsePairs(raw.replace(/;\s*$/, ''));
  if (!parsed) return undefined;
  const out: T[] = [];
  for (const [k, v] of parsed) {
    const item = make(k, v);
    if (item === undefined) return undefined;
    out.push(item);
  }
  return out;
}

export function loadConfig(env: Env): SyncConfig {
  const r = settingsReader(env, SETTINGS);
  const common = readFunctionSettings(r, SETTINGS);
  const https = httpsRequired(common);
  const halo = r.custom(
    'HALO_API_HOSTNAME',
    `a host name (api.cloudpassage.com) or a base URL (${https ? 'https://halo.example.com' : 'http://127.0.0.1:8081'})`,
    (v) => haloBaseUrl(v, { https }),
    { required: true },
  );
  const jiraUrl = r.url('JIRA_API_URL', {
    required: true,
    https,
    expected: `the Jira Cloud base URL, e.g. https://example.atlassian.net${https ? ' (https:// outside the local stage)' : ''}`,
  });
  const hardClosed = r.raw('STATUS_HARD_CLOSED') !== undefined ? 'STATUS_HARD_CLOSED' : 'ISSUE_STATUS_HARD_CLOSED';
  const aliases = Object.keys(HALO_ALIASES).join(', ');
  const config: SyncConfig = {
    ...common,
    haloBaseUrl: halo ?? '',
    jiraBaseUrl: (jiraUrl ?? '').replace(/\/+$/, ''),
    jiraProjectKey: r.string('JIRA_PROJECT_KEY', { required: true, expected: 'a Jira project key, e.g. SEC' }),
    jiraIssueType: r.string('JIRA_ISSUE_TYPE', { required: true, expected: 'an issue type name, e.g. Bug' }),
    jiraIssueIdField: r.string('JIRA_ISSUE_ID_FIELD', { required: true, expected: 'a Jira field name or id, e.g. "Halo Issue ID" or customfield_10050' }),
    closeTransition: r.string('ISSUE_CLOSE_TRANSITION', { required: true, expected: 'a transition name, e.g. Close' }),
    reopenTransition: r.string('ISSUE_REOPEN_TRANSITION', { required: true, expected: 'a transition name, e.g. Reopen' }),
    statusClosed: r.string('ISSUE_STATUS_CLOSED', { required: true, expected: 'a status name, e.g. Closed' }),
    statusHardClosed: r.list(hardClosed, { expected: "comma-separated status names, e.g. Won't Fix,Done" }),
    timeRangeMinutes: r.int('TIME_RANGE', { required: true, min: 1, expected: 'a whole number of minutes ≥ 1' }),
    checkpointParam: r.custom('AWS_SSM_TIMESTAMP_PARAM', 'an SSM parameter name, e.g. /CloudPassage-Jira/issues/timestamp', (v) =>
      /^\/?[A-Za-z0-9_.\-/]{1,1011}$/.test(v) ? v : undefined, { required: true }) ?? '',
    syncMax: r.int('ISSUE_SYNC_MAX', { required: true, min: 1 }),
    criticalOnly: r.bool('CRITICAL_ONLY'),
    noComment: r.bool('NO_COMMENT'),
    noSva: r.bool('NO_SVA'),
    excludedSources: new Set(
      ([['EXCLUDE_SERVER_SECURE', 'server_secure'], ['EXCLUDE_CONTAINER_SECURE', 'container_secure'], ['EXCLUDE_CLOUD_SECURE', 'cloud_secure']] as const)
        .filter(([name]) => r.bool(name))
        .map(([, source]) => source),
    ),
    fieldMapping:
      r.custom('JIRA_FIELD_MAPPING', `<halo attribute>:<jira field name or id>;… with an attribute among ${aliases}`, (v) =>
        pairs(v, (alias, jiraField) => (HALO_ALIASES[alias] ? { haloAttribute: HALO_ALIASES[alias], jiraField } : undefined)),
      ) ?? [],
    fieldStatic: r.custom('JIRA_FIELD_STATIC', '<jira field name or id>:<value>;…', (v) => pairs(v, (jiraField, value) => ({ jiraField, value }))) ?? [],
    dryRun: r.bool('DRY_RUN'),
    stateTable: r.custom('JIRA_SYNC_STATE_TABLE', 'a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)', (v) => (/^[A-Za-z0-9_.-]{3,255}$/.test(v) ? v : undefined), {
      required: true,
    }) ?? '',
    stateTableAutoCreate: r.bool('JIRA_SYNC_STATE_TABLE_AUTOCREATE'),
    leaseSeconds: r.int('JIRA_SYNC_LEASE_SECONDS', { required: true, min: 1, max: 900 }),
    searchLagBoundSeconds: r.int('JIRA_SEARCH_LAG_SECONDS', { required: true, min: 0, max: 86_400 }),
  };
  r.done();
  return config;
}

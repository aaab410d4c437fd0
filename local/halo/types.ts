/**
 * CloudPassage Halo API v3 shapes as the stand-in serves them (reference §2.3–§2.5: observed
 * fields, not an exhaustive schema). Timestamps are ISO-8601 UTC with a variable number of
 * fractional digits, as Halo sends them (`…18.86Z` next to `…18.856Z`).
 */

export type IssueType = 'csm' | 'fim' | 'lids' | 'sva' | 'sam' | 'fw' | 'agent' | 'image_sva';
export type IssueSource = 'server_secure' | 'cloud_secure' | 'container_secure';
export type IssueStatus = 'active' | 'resolved';
export type AssetState = 'active' | 'deactivated' | 'missing' | 'retired';
type AssetType = 'server' | 'csp_resource' | 'container_image';

export const ASSET_STATES: readonly AssetState[] = ['active', 'deactivated', 'missing', 'retired'];
export const ISSUE_STATUSES: readonly IssueStatus[] = ['active', 'resolved'];

export interface IssueFindingRef {
  status: IssueStatus;
  created_at: string;
  scan_id?: string;
  finding_id?: string;
  event_id?: string;
}

/** The full v3 issue (`GET /v3/issues/{id}` → `{issue}`). */
export interface HaloIssue {
  id: string;
  url: string;
  rule_key: string;
  name: string;
  rule_name: string;
  type: IssueType;
  category: string;
  source: IssueSource;
  status: IssueStatus;
  critical: boolean;
  created_at: string;
  updated_at: string;
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
  resolved_by?: string;
  resolution_comment?: string;
  comment?: string;
  time_to_resolution?: number;
  policy_id: string;
  policy_name: string;
  findings: IssueFindingRef[];
  last_finding_urls: string[];
  extended_attributes: Record<string, unknown>;
  asset_id: string;
  asset_url: string;
  asset_type: AssetType;
  asset_name: string;
  group_id: string;
  group_name: string;
  group_path: string;
  os_type: string;
  csp_provider?: string;
  csp_account_id?: string;
  csp_account_name?: string;
  csp_account_type?: string;
  csp_region?: string;
  csp_image_id?: string;
  csp_service_type?: string;
  csp_resource_id?: string;
  csp_resource_uri?: string;
  csp_rule_id?: string;
  csp_tags?: { key: string; value: string }[];
  cve_ids?: string[];
  package_name?: string;
  package_version?: string;
  max_cvss?: number;
  remotely_exploitable?: boolean;
  image_sha?: string;
  registry_name?: string;
  repository_name?: string;
}

/** Fields of the full issue that the list endpoint leaves out (clients describe each issue). */
export const DESCRIBE_ONLY_FIELDS = ['findings', 'last_finding_urls', 'extended_attributes'] as const;
export type HaloListedIssue = Omit<HaloIssue, (typeof DESCRIBE_ONLY_FIELDS)[number]>;

/** An asset as served under its `asset_url`; `kind` picks the route and the envelope key. */
export interface HaloAsset {
  kind: 'servers' | 'csp_resources' | 'images';
  /** 32 hex chars, the id in `asset_url`. */
  id: string;
  state: AssetState;
  body: Record<string, unknown>;
}

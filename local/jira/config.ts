/**
 * Configuration of the Jira Cloud stand-in: the site, the project, its fields and its workflow.
 * Defaults model a classic "SEC" project set up the way the Halo sync's README asks for.
 */

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface StatusConfig {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

export interface TransitionConfig {
  id: string;
  name: string;
  /** Status names the transition starts from. */
  from: string[];
  to: string;
  /** Shows a screen (fields to fill): the bulk transition API cannot run it. */
  hasScreen?: boolean;
}

export interface WorkflowConfig {
  name: string;
  /** Status a new issue starts in. */
  initialStatus: string;
  statuses: StatusConfig[];
  transitions: TransitionConfig[];
}

/** How a custom field stores and validates values (subset of Jira's custom field types, by their type key suffix). */
export type CustomFieldKind =
  | 'textfield' | 'textarea' | 'select' | 'multiselect' | 'cascadingselect' | 'float' | 'labels'
  | 'datepicker' | 'datetime' | 'userpicker';

export interface CustomFieldConfig {
  /** Numeric custom field id: 10050 → customfield_10050, cf[10050]. */
  customId: number;
  name: string;
  kind: CustomFieldKind;
  /** Allowed option values for `select` / `multiselect` fields; for `cascadingselect` the parents. */
  options?: string[];
  /** `cascadingselect` only: the child options of each parent option. */
  children?: Record<string, string[]>;
  /** On the create/edit screen (settable through the API). Default true. */
  onScreen?: boolean;
  required?: boolean;
}

interface IssueTypeConfig {
  id: string;
  name: string;
}

export interface ProjectConfig {
  id: string;
  key: string;
  name: string;
  /** Component names (the `components` field takes `[{name}]` among these). */
  components: string[];
  /** Version names (`versions` / `fixVersions` take `[{name}]` among these). */
  versions: string[];
}

interface UserConfig {
  accountId: string;
  displayName: string;
}

/** Permission keys the stand-in knows; any of them can be denied. */
export const PERMISSION_KEYS = [
  'BROWSE_PROJECTS',
  'CREATE_ISSUES',
  'EDIT_ISSUES',
  'ADD_COMMENTS',
  'TRANSITION_ISSUES',
  'CLOSE_ISSUES',
  'RESOLVE_ISSUES',
  // Global permission "Make bulk changes": the bulk transition API needs it.
  'BULK_CHANGE',
] as const;
export type PermissionKey = (typeof PERMISSION_KEYS)[number];

export interface JiraStubOptions {
  /** Port to bind on 127.0.0.1; default: a free port chosen by the OS. */
  port?: number;
  email?: string;
  apiToken?: string;
  accountId?: string;
  displayName?: string;
  project?: Partial<ProjectConfig>;
  /** Users other than the API user (user fields take `{accountId}` of a known user). */
  users?: UserConfig[];
  issueTypes?: IssueTypeConfig[];
  customFields?: CustomFieldConfig[];
  workflow?: WorkflowConfig;
  /** Eventual-consistency window of search, in ms (default 1500; 0 = search sees writes at once). */
  searchLagMs?: number;
  /** Latency added to every response, in ms (default 0). */
  latencyMs?: number;
  /** Per-second request budget; above it requests get real 429s (default: unlimited). */
  requestsPerSecond?: number;
  deniedPermissions?: PermissionKey[];
  /** How long a bulk transition task runs before it completes, in ms (default 400). */
  bulkTaskMs?: number;
  /** Validate requests against the OpenAPI contract (default true when the contract is present). */
  validateContract?: boolean;
  /** Clock in epoch ms (default Date.now); tests pass a fake one to step over the search lag. */
  now?: () => number;
}

export interface JiraStubConfig {
  port: number;
  email: string;
  apiToken: string;
  accountId: string;
  displayName: string;
  project: ProjectConfig;
  users: UserConfig[];
  issueTypes: IssueTypeConfig[];
  customFields: CustomFieldConfig[];
  workflow: WorkflowConfig;
  searchLagMs: number;
  latencyMs: number;
  requestsPerSecond: number;
  deniedPermissions: Set<PermissionKey>;
  bulkTaskMs: number;
  validateContract: boolean;
}

export const HALO_ISSUE_ID_FIELD = 'customfield_10050';

export const DEFAULT_CUSTOM_FIELDS: CustomFieldConfig[] = [
  { customId: 10050, name: 'Halo Issue ID', kind: 'textfield' },
  { customId: 10051, name: 'Halo Critical', kind: 'select', options: ['true', 'false'] },
  { customId: 10052, name: 'Halo Source', kind: 'textfield' },
  {
    customId: 10053,
    name: 'Halo Type',
    kind: 'select',
    options: ['sva', 'csm', 'fim', 'lids', 'sam', 'fw', 'agent', 'vulnerable_image', 'image_scan'],
  },
  // Typed fields as a real site has them (JIRA_FIELD_STATIC / JIRA_FIELD_MAPPING targets).
  { customId: 10054, name: 'Halo First Seen', kind: 'datepicker' },
  { customId: 10055, name: 'Halo Last Seen', kind: 'datetime' },
  { customId: 10056, name: 'Security Owner', kind: 'userpicker' },
  { customId: 10057, name: 'Environments', kind: 'multiselect', options: ['production', 'staging', 'development'] },
  {
    customId: 10058, name: 'Risk Area', kind: 'cascadingselect', options: ['Network', 'Host'],
    children: { Network: ['Firewall', 'VPN'], Host: ['Linux', 'Windows'] },
  },
  { customId: 10059, name: 'Risk Score', kind: 'float' },
  // Two fields named "Team" (common on Jira Cloud sites after app installs or migrations).
  { customId: 10060, name: 'Team', kind: 'select', options: ['Platform', 'Security'] },
  { customId: 10061, name: 'Team', kind: 'textfield' },
];

const DEFAULT_USERS: UserConfig[] = [
  { accountId: '5d53f3cbc6b9320d9ea5bdc2', displayName: 'Security Analyst' },
  { accountId: '712020:2f1c6b4e-8a0d-4c52-9a47-0a3c9b6e1d21', displayName: 'Platform Lead' },
];

export const DEFAULT_WORKFLOW: WorkflowConfig = {
  name: 'Halo Security Workflow',
  initialStatus: 'Open',
  statuses: [
    { id: '1', name: 'Open', category: 'new' },
    { id: '3', name: 'In Progress', category: 'indeterminate' },
    { id: '6', name: 'Closed', category: 'done' },
    { id: '10100', name: "Won't Fix", category: 'done' },
  ],
  transitions: [
    { id: '11', name: 'Start', from: ['Open'], to: 'In Progress' },
    { id: '21', name: 'Close', from: ['Open', 'In Progress'], to: 'Closed' },
    { id: '31', name: 'Reopen', from: ['Closed'], to: 'Open' },
    // Asks for a resolution comment on a screen: not available to the bulk transition API.
    { id: '41', name: "Won't Fix", from: ['Open', 'In Progress'], to: "Won't Fix", hasScreen: true },
  ],
};

export function resolveConfig(opts: JiraStubOptions = {}): JiraStubConfig {
  return {
    port: opts.port ?? 0,
    email: opts.email ?? 'halo-sync@example.com',
    apiToken: opts.apiToken ?? 'stub-jira-api-token',
    accountId: opts.accountId ?? '5b10ac8d82e05b22cc7d4ef5',
    displayName: opts.displayName ?? 'Halo Sync',
    project: {
      id: '10000', key: 'SEC', name: 'Security Findings', components: ['Cloud', 'Containers', 'Servers'], versions: ['2026.11', '2026.12'],
      ...opts.project,
    },
    users: opts.users ?? DEFAULT_USERS,
    issueTypes: opts.issueTypes ?? [
      { id: '10004', name: 'Bug' },
      { id: '10002', name: 'Task' },
    ],
    customFields: opts.customFields ?? DEFAULT_CUSTOM_FIELDS,
    workflow: opts.workflow ?? DEFAULT_WORKFLOW,
    searchLagMs: opts.searchLagMs ?? 1500,
    latencyMs: opts.latencyMs ?? 0,
    requestsPerSecond: opts.requestsPerSecond ?? 0,
    deniedPermissions: new Set(opts.deniedPermissions ?? []),
    bulkTaskMs: opts.bulkTaskMs ?? 400,
    validateContract: opts.validateContract ?? true,
  };
}

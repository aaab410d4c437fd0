/**
 * Pure decisions of the installer: how `--webhook` is read, whether a Port object needs a write,
 * where the ingest URL comes from, and the `sls deploy` command line.
 */
export type WebhookRef = { kind: 'identifier'; identifier: string } | { kind: 'ingest-url'; url: string; key: string };

export const DEFAULT_WEBHOOK_ID = 'aws_ingest';

/** `aws_ingest` · `https://ingest.port.io/<key>` · `https://app.port.io/.../webhooks/<id>[?…]`. */
export function parseWebhookRef(value: string | undefined): WebhookRef {
  const v = (value ?? '').trim();
  if (v === '') return { kind: 'identifier', identifier: DEFAULT_WEBHOOK_ID };
  const marker = v.indexOf('/webhooks/');
  if (marker >= 0) {
    const identifier = v.slice(marker + '/webhooks/'.length).split(/[/?#]/)[0] ?? '';
    if (!identifier) throw new Error(`--webhook ${v}: no identifier after /webhooks/`);
    return { kind: 'identifier', identifier: decodeURIComponent(identifier) };
  }
  if (/^https?:\/\//i.test(v)) {
    const u = new URL(v);
    const key = u.pathname.split('/').filter(Boolean).pop();
    if (!key) throw new Error(`--webhook ${v}: an ingest URL ends with the webhook key`);
    return { kind: 'ingest-url', url: `${u.origin}/${key}`, key };
  }
  if (!/^[A-Za-z0-9_-]{1,30}$/.test(v)) throw new Error(`--webhook ${v}: expected an identifier (≤30 letters, digits, _ or -), an ingest URL, or a …/webhooks/<id> URL`);
  return { kind: 'identifier', identifier: v };
}

export type Action = 'create' | 'update' | 'unchanged';

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Port fills these in on every blueprint it returns; treat them as set on our side too. */
function blueprintWithDefaults(bp: Record<string, unknown>): Record<string, unknown> {
  const schema = (bp.schema ?? {}) as Record<string, unknown>;
  return { ...bp, schema: { required: [], ...schema }, relations: bp.relations ?? {}, mirrorProperties: bp.mirrorProperties ?? {}, calculationProperties: bp.calculationProperties ?? {}, aggregationProperties: bp.aggregationProperties ?? {} };
}

/**
 * create when absent; unchanged when every field we manage already equals ours (fields Port
 * adds — createdAt, updatedAt, webhookKey, url… — are ignored); update otherwise.
 */
export function decide(desired: Record<string, unknown>, current: Record<string, unknown> | undefined, kind: 'blueprint' | 'webhook' | 'integration'): Action {
  if (!current) return 'create';
  const want = kind === 'blueprint' ? blueprintWithDefaults(desired) : desired;
  const keys = Object.keys(want).filter((k) => k !== 'identifier');
  return keys.every((k) => deepEqual(want[k], current[k])) ? 'unchanged' : 'update';
}

/** Fallback only: Port's own `url` in the webhook response is always preferred. */
function ingestHostFor(apiBaseUrl: string): string | undefined {
  const host = new URL(apiBaseUrl).host;
  const known: Record<string, string> = { 'api.port.io': 'https://ingest.port.io', 'api.us.port.io': 'https://ingest.us.port.io', 'api.getport.io': 'https://ingest.getport.io' };
  return known[host];
}

export function ingestUrlOf(webhook: Record<string, unknown>, apiBaseUrl: string): string {
  if (typeof webhook.url === 'string' && /^https?:\/\//.test(webhook.url)) return webhook.url;
  const host = ingestHostFor(apiBaseUrl);
  if (host && typeof webhook.webhookKey === 'string') return `${host}/${webhook.webhookKey}`;
  throw new Error('Port returned the webhook without `url` (and no webhookKey on a known host): cannot tell where to send events');
}

const shellQuote = (s: string): string => (/^[A-Za-z0-9_./:,@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export interface DeployCommand {
  env: Record<string, string>;
  args: string[];
  /** One line a user can paste into a shell. */
  line: string;
}

/** The SSM SecureStrings the installer writes: the forwarder's webhook, portResync's Port client credentials. */
export interface ParameterNames {
  webhookUrl: string;
  webhookSecret: string;
  clientId?: string;
  clientSecret?: string;
}

/**
 * The SSM SecureString parameters the installer writes (and the stack reads) unless others are given;
 * the same names as serverless.yml's defaults (`<secretsSsmPath>/port-…`).
 */
export function defaultParameterNames(stage: string): Required<ParameterNames> {
  const path = `/halo-jira-port/${stage}`;
  return { webhookUrl: `${path}/port-webhook-url`, webhookSecret: `${path}/port-webhook-secret`, clientId: `${path}/port-client-id`, clientSecret: `${path}/port-client-secret` };
}

/**
 * jiraSync's required settings that have no default (functions/jiraSync/config.ts; the credentials
 * come from SSM by default): with any of them unset the deployed function would fail on every run.
 */
export const JIRA_SYNC_REQUIRED = [
  'JIRA_API_URL', 'JIRA_PROJECT_KEY', 'JIRA_ISSUE_TYPE', 'JIRA_ISSUE_ID_FIELD',
  'ISSUE_CLOSE_TRANSITION', 'ISSUE_REOPEN_TRANSITION', 'ISSUE_STATUS_CLOSED',
] as const;

export const jiraSyncMissing = (env: Record<string, string | undefined>): string[] => JIRA_SYNC_REQUIRED.filter((name) => !(env[name] ?? '').trim());

/** The `functions` stage param for a deploy without jiraSync, keeping the caller's own FUNCTIONS choice. */
export function withoutJiraSync(functions: string | undefined): string {
  const kept = (functions ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== 'jiraSync' && s !== '-jiraSync');
  return kept.some((s) => !s.startsWith('-')) ? kept.join(',') : ['-jiraSync', ...kept].join(',');
}

/** The deploy names the parameters only: the command line carries no secret. */
export function deployCommand(params: ParameterNames, sources: readonly string[], stage: string, region?: string, functions?: string): DeployCommand {
  const env: Record<string, string> = { PORT_WEBHOOK_URL_SSM_PARAM: params.webhookUrl, PORT_WEBHOOK_SECRET_SSM_PARAM: params.webhookSecret };
  if (params.clientId) env.PORT_CLIENT_ID_SSM_PARAM = params.clientId;
  if (params.clientSecret) env.PORT_CLIENT_SECRET_SSM_PARAM = params.clientSecret;
  env.EVENT_SOURCES = sources.join(',');
  if (functions !== undefined) env.FUNCTIONS = functions;
  const args = ['sls', 'deploy', '--stage', stage, ...(region ? ['--region', region] : [])];
  const line = [...Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`), 'npx', ...args.map(shellQuote)].join(' ');
  return { env, args, line };
}

export type BlueprintJson = Record<string, unknown> & { schema?: { properties?: Record<string, Record<string, unknown>>; required?: string[] }; relations?: Record<string, Record<string, unknown>> };

export interface BlueprintConflict {
  blueprint: string;
  /** `properties.tags` or `relations.cluster`. */
  field: string;
  ours: string;
  theirs: string;
}

export interface BlueprintMerge {
  action: Action;
  /** What to send (create: ours; update: theirs plus what we add); undefined when unchanged. */
  body?: BlueprintJson;
  added: string[];
  conflicts: BlueprintConflict[];
}

const shapeOf = (p: Record<string, unknown> | undefined): string => [p?.type, p?.format].filter(Boolean).join('/') || '?';
const relationOf = (r: Record<string, unknown> | undefined): string => `${String(r?.target)}${r?.many ? '[]' : ''}`;

/**
 * Blueprints merge, never clobber: s3Bucket, ec2Instance… are shared with other tools (Port's Ocean
 * AWS integration, the exporter users migrate from). An existing blueprint keeps its title, its
 * properties and relations; ours are added when missing. A property of ours that exists with another
 * type (or format), or a relation to another target, is a conflict the installer stops on.
 */
export function mergeBlueprint(desired: BlueprintJson, current: BlueprintJson | undefined): BlueprintMerge {
  if (!current) return { action: 'create', body: desired, added: [], conflicts: [] };
  const id = String(desired.identifier);
  const conflicts: BlueprintConflict[] = [];
  const added: string[] = [];
  const theirProps = current.schema?.properties ?? {};
  const props = { ...theirProps };
  for (const [name, ours] of Object.entries(desired.schema?.properties ?? {})) {
    const theirs = theirProps[name];
    if (!theirs) {
      props[name] = ours;
      added.push(`properties.${name}`);
    } else if (shapeOf(theirs) !== shapeOf(ours)) conflicts.push({ blueprint: id, field: `properties.${name}`, ours: shapeOf(ours), theirs: shapeOf(theirs) });
  }
  const theirRels = current.relations ?? {};
  const rels = { ...theirRels };
  for (const [name, ours] of Object.entries(desired.relations ?? {})) {
    const theirs = theirRels[name];
    if (!theirs) {
      rels[name] = ours;
      added.push(`relations.${name}`);
    } else if (relationOf(theirs) !== relationOf(ours)) conflicts.push({ blueprint: id, field: `relations.${name}`, ours: relationOf(ours), theirs: relationOf(theirs) });
  }
  if (conflicts.length > 0 || added.length === 0) return { action: 'unchanged', added, conflicts };
  return { action: 'update', body: { schema: { ...current.schema, properties: props }, relations: rels }, added, conflicts };
}

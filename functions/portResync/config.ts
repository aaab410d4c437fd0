import { EnvReader, type Env } from '../../shared/config/env';
import { httpsRequired, readFunctionSettings, settingsReader, type FunctionSettings, type SecretName } from '../../shared/function/settings';
import type { Secrets } from '../../shared/middleware/secrets';
import { SOURCE_BLUEPRINTS } from '../../port/mappings/definitions';
import SETTINGS from './settings.json';

/**
 * Everything portResync reads from its environment, parsed once per container. Names, defaults
 * and which are secrets: settings.json (also read by resources/settings.js).
 */
export { SETTINGS };
export type ResyncSecret = SecretName<typeof SETTINGS>;

export interface ResyncConfig extends FunctionSettings {
  portApiUrl: string;
  sources: string[];
  region: string;
  /** SSM parameter holding the progress of an unfinished resync and the last summary; unset: no continuation. */
  stateParam?: string;
  /** Stop starting work this long before Lambda's deadline. */
  deadlineMarginMs: number;
  requestTimeoutMs: number;
  /** Per-resource AWS detail calls in flight at once. */
  awsConcurrency: number;
  /**
   * Which accounts to list: `own` (the function's account only), `organization` (Organizations
   * ListAccounts, ACTIVE) or account ids (docs/organization.md "Resync across accounts").
   */
  accounts: AccountSelection;
  /** Regions listed in each account; default the function's own. */
  regions: string[];
  /** The spoke's read-only role, the same name in every account (resources/spoke/spoke.yml ResyncRoleName). */
  roleName: string;
  /** Accounts (× regions) resynced at once. */
  accountConcurrency: number;
  /** Per account and region, AssumeRole included: a slower one is reported and deletes nothing. */
  accountDeadlineMs: number;
}

type AccountSelection = 'own' | 'organization' | string[];

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The resolved credentials (plain, KMS or SSM), checked for their form; never echoed in an error. */
export interface PortCredentials {
  clientId: string;
  clientSecret: string;
  /** When set, entities are written through the webhook's ingest (500 per request); else the bulk API (20). */
  webhookUrl?: string;
  /** The webhook's signing secret (the installer configures the webhook to require signed requests). */
  webhookSecret?: string;
}

const KNOWN_SOURCES = Object.keys(SOURCE_BLUEPRINTS);

export function readResyncConfig(env: Env): ResyncConfig {
  const r = settingsReader(env, SETTINGS);
  const settings = readFunctionSettings(r, SETTINGS);
  const config: ResyncConfig = {
    ...settings,
    portApiUrl: r.url('PORT_API_URL', {
      required: true,
      https: httpsRequired(settings),
      expected: 'the Port API base URL, e.g. https://api.getport.io (EU) or https://api.us.port.io (US)',
    }) ?? '',
    sources: r.list('EVENT_SOURCES', {
      default: KNOWN_SOURCES,
      item: new RegExp(`^(${KNOWN_SOURCES.map((s) => s.replace('.', '\\.')).join('|')})$`),
      expected: `a comma-separated subset of ${KNOWN_SOURCES.join(',')}`,
    }),
    region: r.string('AWS_REGION', { required: true, expected: 'the region to list (Lambda sets it)' }),
    stateParam: r.custom('RESYNC_STATE_PARAM', 'an SSM parameter name such as /halo-jira-port/prod/port-resync', (v) => (v.startsWith('/') ? v : undefined)),
    deadlineMarginMs: r.int('RESYNC_DEADLINE_MARGIN_MS', { required: true, min: 1000, max: 120_000 }),
    requestTimeoutMs: r.int('PORT_REQUEST_TIMEOUT_MS', { required: true, min: 500, max: 60_000 }),
    awsConcurrency: r.int('RESYNC_AWS_CONCURRENCY', { required: true, min: 1, max: 64 }),
    accounts: r.custom('RESYNC_ACCOUNTS', 'organization, or comma-separated 12-digit account ids (unset: this account only)', parseAccounts) ?? 'own',
    regions: [],
    roleName: r.string('RESYNC_ROLE_NAME', { required: true, expected: 'the spoke resync role name (ResyncRoleName)' }),
    accountConcurrency: r.int('RESYNC_ACCOUNT_CONCURRENCY', { required: true, min: 1, max: 32 }),
    accountDeadlineMs: 1000 * r.int('RESYNC_ACCOUNT_DEADLINE_SECONDS', { required: true, min: 30, max: 900 }),
  };
  config.regions = r.list('RESYNC_REGIONS', { item: REGION, expected: 'comma-separated region names such as eu-west-1,us-east-1 (unset: the function\'s region)' });
  if (config.regions.length === 0) config.regions = [config.region];
  r.done();
  return config;
}

function parseAccounts(raw: string): AccountSelection | undefined {
  if (raw === 'organization') return raw;
  const ids = [...new Set(raw.split(',').map((s) => s.trim()))];
  return ids.every((id) => ACCOUNT_ID.test(id)) ? ids : undefined;
}

/**
 * The external id the spoke roles require: needed as soon as other accounts than the function's
 * own are listed (the hub's own account needs no AssumeRole).
 */
export function readExternalId(secrets: Secrets<ResyncSecret>, config: ResyncConfig): string | undefined {
  if (config.accounts === 'own') return undefined;
  const r = new EnvReader({ RESYNC_EXTERNAL_ID: secrets.find('RESYNC_EXTERNAL_ID') });
  const externalId = r.string('RESYNC_EXTERNAL_ID', {
    required: true,
    secret: true,
    expected: 'the spoke stacks\' ExternalId (plain, KMS-encrypted, or via RESYNC_EXTERNAL_ID_SSM_PARAM) when RESYNC_ACCOUNTS lists other accounts',
  });
  r.done();
  return externalId;
}

export function readPortCredentials(secrets: Secrets<ResyncSecret>, config: FunctionSettings): PortCredentials {
  const https = httpsRequired(config);
  const viaSsm = (name: string): string => `(plain, KMS-encrypted, or via ${name}_SSM_PARAM)`;
  const r = new EnvReader({
    PORT_CLIENT_ID: secrets.get('PORT_CLIENT_ID'),
    PORT_CLIENT_SECRET: secrets.get('PORT_CLIENT_SECRET'),
    PORT_WEBHOOK_URL: secrets.find('PORT_WEBHOOK_URL'),
    PORT_WEBHOOK_SECRET: secrets.find('PORT_WEBHOOK_SECRET'),
  });
  const credentials: PortCredentials = {
    clientId: r.string('PORT_CLIENT_ID', { required: true, secret: true, expected: `the Port client id ${viaSsm('PORT_CLIENT_ID')}` }),
    clientSecret: r.string('PORT_CLIENT_SECRET', { required: true, secret: true, expected: `the Port client secret ${viaSsm('PORT_CLIENT_SECRET')}` }),
    webhookUrl: r.url('PORT_WEBHOOK_URL', {
      secret: true,
      https,
      expected: `the Port ingest URL ${https ? 'https' : 'http(s)'}://<ingest-host>/<webhookKey> ${viaSsm('PORT_WEBHOOK_URL')}, or unset to write through the bulk API`,
    }),
    webhookSecret: r.custom('PORT_WEBHOOK_SECRET', `at least 16 characters (the webhook security secret) ${viaSsm('PORT_WEBHOOK_SECRET')}`, (v) => (v.length >= 16 ? v : undefined), { secret: true }),
  };
  r.done();
  return credentials;
}

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
}

/** The resolved credentials (plain, KMS or SSM), checked for their form; never echoed in an error. */
export interface PortCredentials {
  clientId: string;
  clientSecret: string;
  /** When set, entities are written through the webhook's ingest (500 per request); else the bulk API (20). */
  webhookUrl?: string;
  /** The webhook's signing secret (as the forwarder's): each ingest request is signed with it. */
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
  };
  r.done();
  return config;
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
    webhookSecret: r.string('PORT_WEBHOOK_SECRET', { secret: true, expected: `the webhook's signing secret ${viaSsm('PORT_WEBHOOK_SECRET')}, or unset when the webhook has none` }),
  };
  r.done();
  return credentials;
}

import { EnvReader, type Env } from '../../shared/config/env';
import { SOURCE_BLUEPRINTS } from '../../port/mappings/definitions';

/** Everything portResync reads from its environment, parsed once per container. */
export interface ResyncConfig {
  portApiUrl: string;
  clientId: string;
  clientSecret: string;
  /** When set, entities are written through the webhook's ingest (500 per request); else the bulk API (20). */
  webhookUrl?: string;
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

export const CLIENT_ID = 'PORT_CLIENT_ID';
export const CLIENT_SECRET = 'PORT_CLIENT_SECRET';
export const WEBHOOK_URL = 'PORT_WEBHOOK_URL';
export const SECRET_NAMES = [CLIENT_ID, CLIENT_SECRET, WEBHOOK_URL] as const;
export type ResyncSecret = (typeof SECRET_NAMES)[number];

/** Port's EU API (the legacy host still answers; US organisations use https://api.us.port.io). */
export const DEFAULT_PORT_API_URL = 'https://api.getport.io';
const KNOWN_SOURCES = Object.keys(SOURCE_BLUEPRINTS);

/** `secrets` are the resolved values (plain, KMS or SSM), never echoed in an error. */
export function readResyncConfig(env: Env, secrets: Partial<Record<ResyncSecret, string>>): ResyncConfig {
  const r = new EnvReader({ ...env, ...secrets });
  const viaSsm = (name: string): string => `(plain, KMS-encrypted, or via ${name}_SSM_PARAM)`;
  const config: ResyncConfig = {
    portApiUrl: r.url('PORT_API_URL', { default: DEFAULT_PORT_API_URL, expected: 'the Port API base URL, e.g. https://api.getport.io or https://api.us.port.io' }) as string,
    clientId: r.string(CLIENT_ID, { required: true, secret: true, expected: `the Port client id ${viaSsm(CLIENT_ID)}` }),
    clientSecret: r.string(CLIENT_SECRET, { required: true, secret: true, expected: `the Port client secret ${viaSsm(CLIENT_SECRET)}` }),
    webhookUrl: r.url(WEBHOOK_URL, { secret: true, expected: `the Port ingest URL https://<ingest-host>/<webhookKey> ${viaSsm(WEBHOOK_URL)}` }),
    sources: r.list('EVENT_SOURCES', { default: KNOWN_SOURCES, item: new RegExp(`^(${KNOWN_SOURCES.map((s) => s.replace('.', '\\.')).join('|')})$`), expected: `a comma-separated subset of ${KNOWN_SOURCES.join(',')}` }),
    region: r.string('AWS_REGION', { required: true, expected: 'the region to list (Lambda sets it)' }),
    stateParam: r.string('RESYNC_STATE_PARAM', { expected: 'an SSM parameter name such as /halo-jira-port/prod/port-resync' }),
    deadlineMarginMs: r.int('RESYNC_DEADLINE_MARGIN_MS', { default: 10_000, min: 1000, max: 120_000 }),
    requestTimeoutMs: r.int('PORT_REQUEST_TIMEOUT_MS', { default: 10_000, min: 500, max: 60_000 }),
    awsConcurrency: r.int('RESYNC_AWS_CONCURRENCY', { default: 8, min: 1, max: 64 }),
  };
  r.done();
  return config;
}

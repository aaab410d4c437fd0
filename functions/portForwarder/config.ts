import { EnvReader, type Env } from '../../shared/config/env';
import { httpsRequired, readFunctionSettings, settingsReader, type FunctionSettings, type SecretName } from '../../shared/function/settings';
import type { Secrets } from '../../shared/middleware/secrets';
import { MAX_VISIBILITY_SECONDS, type RetrySchedule } from './retry-budget';
import SETTINGS from './settings.json';

/**
 * Everything the forwarder reads from its environment, parsed once per container. Names, defaults
 * and which are secrets: settings.json (also read by resources/settings.js).
 */
export { SETTINGS };
export type WebhookSecret = SecretName<typeof SETTINGS>;
const WEBHOOK_SECRET: WebhookSecret = 'PORT_WEBHOOK_URL';
const SIGNING_SECRET: WebhookSecret = 'PORT_WEBHOOK_SECRET';

export interface ForwarderConfig extends FunctionSettings {
  deadLetterQueueUrl: string;
  /** Port requests in flight at once. */
  concurrency: number;
  /** Stop sending this long before Lambda's deadline: room to dead-letter and return. */
  deadlineMarginMs: number;
  requestTimeoutMs: number;
  retry: RetrySchedule;
}

export function readForwarderConfig(env: Env): ForwarderConfig {
  const r = settingsReader(env, SETTINGS);
  const config = {
    ...readFunctionSettings(r, SETTINGS),
    deadLetterQueueUrl: r.url('DEAD_LETTER_QUEUE_URL', { required: true, expected: 'the SQS URL of the dead-letter queue' }) ?? '',
    concurrency: r.int('FORWARDER_CONCURRENCY', { required: true, min: 1, max: 64 }),
    deadlineMarginMs: r.int('FORWARDER_DEADLINE_MARGIN_MS', { required: true, min: 500, max: 60_000 }),
    requestTimeoutMs: r.int('PORT_REQUEST_TIMEOUT_MS', { required: true, min: 500, max: 60_000 }),
    retry: {
      budgetSeconds: r.int('FORWARDER_RETRY_BUDGET_SECONDS', { required: true, min: 1, max: 14 * 86400 }),
      firstDelaySeconds: r.int('FORWARDER_RETRY_FIRST_DELAY_SECONDS', { required: true, min: 0, max: MAX_VISIBILITY_SECONDS }),
      maxDelaySeconds: r.int('FORWARDER_RETRY_MAX_DELAY_SECONDS', { required: true, min: 0, max: MAX_VISIBILITY_SECONDS }),
    },
  };
  r.done();
  return config;
}

/** Where the forwarder sends, and the HMAC key of the webhook's signature header (unsigned when absent). */
export interface PortWebhook {
  url: string;
  signingSecret?: string;
}

/** The resolved secrets (SSM, KMS or plain), checked for their form; never echoed in an error. */
export function readPortWebhook(secrets: Secrets<WebhookSecret>, config: FunctionSettings): PortWebhook {
  const https = httpsRequired(config);
  const r = new EnvReader({ [WEBHOOK_SECRET]: secrets.get(WEBHOOK_SECRET), [SIGNING_SECRET]: secrets.find(SIGNING_SECRET) });
  const url = r.url(WEBHOOK_SECRET, {
    required: true,
    secret: true,
    https,
    expected: `the Port ingest URL ${https ? 'https' : 'http(s)'}://<ingest-host>/<webhookKey> (plain, KMS-encrypted, or via PORT_WEBHOOK_URL_SSM_PARAM)`,
  });
  const signingSecret = r.custom(
    SIGNING_SECRET,
    'at least 16 characters (the webhook security secret, via PORT_WEBHOOK_SECRET_SSM_PARAM)',
    (v) => (v.length >= 16 ? v : undefined),
    { secret: true },
  );
  r.done();
  return { url: url ?? '', ...(signingSecret ? { signingSecret } : {}) };
}

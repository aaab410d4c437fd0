import { EnvReader, type Env } from '../../shared/config/env';
import { httpsRequired, readFunctionSettings, settingsReader, type FunctionSettings, type SecretName } from '../../shared/function/settings';
import type { Secrets } from '../../shared/middleware/secrets';
import SETTINGS from './settings.json';

/**
 * Everything the forwarder reads from its environment, parsed once per container. Names, defaults
 * and which are secrets: settings.json (also read by resources/settings.js).
 */
export { SETTINGS };
export type WebhookSecret = SecretName<typeof SETTINGS>;
export const WEBHOOK_SECRET: WebhookSecret = 'PORT_WEBHOOK_URL';

export interface ForwarderConfig extends FunctionSettings {
  deadLetterQueueUrl: string;
  /** Port requests in flight at once. */
  concurrency: number;
  /** Stop sending this long before Lambda's deadline: room to dead-letter and return. */
  deadlineMarginMs: number;
  requestTimeoutMs: number;
}

export function readForwarderConfig(env: Env): ForwarderConfig {
  const r = settingsReader(env, SETTINGS);
  const config = {
    ...readFunctionSettings(r, SETTINGS),
    deadLetterQueueUrl: r.url('DEAD_LETTER_QUEUE_URL', { required: true, expected: 'the SQS URL of the dead-letter queue' }) ?? '',
    concurrency: r.int('FORWARDER_CONCURRENCY', { required: true, min: 1, max: 64 }),
    deadlineMarginMs: r.int('FORWARDER_DEADLINE_MARGIN_MS', { required: true, min: 500, max: 60_000 }),
    requestTimeoutMs: r.int('PORT_REQUEST_TIMEOUT_MS', { required: true, min: 500, max: 60_000 }),
  };
  r.done();
  return config;
}

/** The resolved webhook URL (SSM, KMS or plain), checked for its form; never echoed in an error. */
export function readWebhookUrl(secrets: Secrets<WebhookSecret>, config: FunctionSettings): string {
  const https = httpsRequired(config);
  const r = new EnvReader({ [WEBHOOK_SECRET]: secrets.get(WEBHOOK_SECRET) });
  const url = r.url(WEBHOOK_SECRET, {
    required: true,
    secret: true,
    https,
    expected: `the Port ingest URL ${https ? 'https' : 'http(s)'}://<ingest-host>/<webhookKey> (plain, KMS-encrypted, or via PORT_WEBHOOK_URL_SSM_PARAM)`,
  });
  r.done();
  return url ?? '';
}

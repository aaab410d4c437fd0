import { EnvReader, type Env } from '../../shared/config/env';
import type { Secrets } from '../../shared/middleware/secrets';
import { MAX_VISIBILITY_SECONDS, type RetrySchedule } from './retry-budget';

/** Everything the forwarder reads from its environment, parsed once per container. */
export interface ForwarderConfig {
  webhookUrl: string;
  /** HMAC key for the webhook's signature header; unsigned requests when absent. */
  signingSecret?: string;
  deadLetterQueueUrl: string;
  /** Port requests in flight at once. */
  concurrency: number;
  /** Stop sending this long before Lambda's deadline: room to dead-letter and return. */
  deadlineMarginMs: number;
  requestTimeoutMs: number;
  retry: RetrySchedule;
}

export const WEBHOOK_SECRET = 'PORT_WEBHOOK_URL';
export const SIGNING_SECRET = 'PORT_WEBHOOK_SECRET';
/** The secrets the forwarder resolves (each: `<NAME>_SSM_PARAM`, KMS-encrypted, or plain for local use). */
export const FORWARDER_SECRETS = [WEBHOOK_SECRET, SIGNING_SECRET] as const;
export type ForwarderSecret = (typeof FORWARDER_SECRETS)[number];

/** The secrets are the resolved values (SSM, KMS or plain), never echoed in an error. */
export function readForwarderConfig(env: Env, secrets: Partial<Secrets<ForwarderSecret>>): ForwarderConfig {
  const r = new EnvReader({ ...env, [WEBHOOK_SECRET]: secrets[WEBHOOK_SECRET], [SIGNING_SECRET]: secrets[SIGNING_SECRET] });
  const config = {
    webhookUrl: r.url(WEBHOOK_SECRET, {
      required: true,
      secret: true,
      expected: 'the Port ingest URL https://<ingest-host>/<webhookKey> (via PORT_WEBHOOK_URL_SSM_PARAM; plain only for local use)',
    }) as string,
    signingSecret: r.custom(SIGNING_SECRET, 'at least 16 characters (the webhook security secret, via PORT_WEBHOOK_SECRET_SSM_PARAM)', (v) => (v.length >= 16 ? v : undefined), {
      secret: true,
    }),
    deadLetterQueueUrl: r.url('DEAD_LETTER_QUEUE_URL', { required: true, expected: 'the SQS URL of the dead-letter queue' }) as string,
    concurrency: r.int('FORWARDER_CONCURRENCY', { default: 8, min: 1, max: 64 }),
    deadlineMarginMs: r.int('FORWARDER_DEADLINE_MARGIN_MS', { default: 3000, min: 500, max: 60_000 }),
    requestTimeoutMs: r.int('PORT_REQUEST_TIMEOUT_MS', { default: 10_000, min: 500, max: 60_000 }),
    retry: {
      budgetSeconds: r.int('FORWARDER_RETRY_BUDGET_SECONDS', { default: 6 * 3600, min: 1, max: 14 * 86400 }),
      firstDelaySeconds: r.int('FORWARDER_RETRY_FIRST_DELAY_SECONDS', { default: 30, min: 0, max: MAX_VISIBILITY_SECONDS }),
      maxDelaySeconds: r.int('FORWARDER_RETRY_MAX_DELAY_SECONDS', { default: 1800, min: 0, max: MAX_VISIBILITY_SECONDS }),
    },
  };
  r.done();
  return config;
}

import { EnvReader, type Env } from '../../shared/config/env';

/** Everything the forwarder reads from its environment, parsed once per container. */
export interface ForwarderConfig {
  webhookUrl: string;
  deadLetterQueueUrl: string;
  /** Port requests in flight at once. */
  concurrency: number;
  /** Stop sending this long before Lambda's deadline: room to dead-letter and return. */
  deadlineMarginMs: number;
  requestTimeoutMs: number;
}

export const WEBHOOK_SECRET = 'PORT_WEBHOOK_URL';

/** `webhookUrl` is the resolved secret (SSM, KMS or plain), never echoed in an error. */
export function readForwarderConfig(env: Env, webhookUrl: string | undefined): ForwarderConfig {
  const r = new EnvReader({ ...env, [WEBHOOK_SECRET]: webhookUrl });
  const config = {
    webhookUrl: r.url(WEBHOOK_SECRET, {
      required: true,
      secret: true,
      expected: 'the Port ingest URL https://<ingest-host>/<webhookKey> (plain, KMS-encrypted, or via PORT_WEBHOOK_URL_SSM_PARAM)',
    }) as string,
    deadLetterQueueUrl: r.url('DEAD_LETTER_QUEUE_URL', { required: true, expected: 'the SQS URL of the dead-letter queue' }) as string,
    concurrency: r.int('FORWARDER_CONCURRENCY', { default: 8, min: 1, max: 64 }),
    deadlineMarginMs: r.int('FORWARDER_DEADLINE_MARGIN_MS', { default: 3000, min: 500, max: 60_000 }),
    requestTimeoutMs: r.int('PORT_REQUEST_TIMEOUT_MS', { default: 10_000, min: 500, max: 60_000 }),
  };
  r.done();
  return config;
}

import type { SQSBatchResponse } from 'aws-lambda';
import type { Invocation } from '../../shared/function/handler';
import { lambdaDeadline } from '../../shared/http/retry';
import type { Secrets } from '../../shared/middleware/secrets';
import { count, logger } from '../../shared/observability';
import { PortIngestClient } from '../../shared/port-ingest';
import { readPortWebhook, type ForwarderConfig, type WebhookSecret } from './config';
import { SqsDeadLetterQueue } from './dead-letter';
import { forwardRecords } from './forward';
import { SqsRedeliveries } from './redelivery';
import type { SqsRecordLike } from './triage';

interface Clients {
  ingest: PortIngestClient;
  deadLetters: SqsDeadLetterQueue;
  redeliveries: SqsRedeliveries;
}

/**
 * Clients keep their connections across invocations, and are built again when the secrets change
 * (the secrets middleware hands on a new object only then, e.g. after a rotated webhook URL or key).
 */
const clientsFor = new WeakMap<Secrets<WebhookSecret>, Clients>();

function connect(config: ForwarderConfig, secrets: Secrets<WebhookSecret>): Clients {
  const webhook = readPortWebhook(secrets, config);
  return {
    ingest: new PortIngestClient({
      webhookUrl: webhook.url,
      signingSecret: webhook.signingSecret,
      timeoutMs: config.requestTimeoutMs,
      maxSockets: config.concurrency,
      onRetry: ({ attempt, delayMs, reason }) => {
        count('retried');
        logger.debug('retrying Port request', { attempt, delayMs, reason });
      },
    }),
    deadLetters: new SqsDeadLetterQueue(config.deadLetterQueueUrl),
    redeliveries: new SqsRedeliveries(),
  };
}

/** One SQS batch: forward it, then report the outcome as metrics and one log line. */
export async function forwardBatch(
  records: readonly SqsRecordLike[],
  { config, secrets, context }: Invocation<ForwarderConfig, WebhookSecret>,
): Promise<SQSBatchResponse> {
  const clients = clientsFor.get(secrets) ?? connect(config, secrets);
  clientsFor.set(secrets, clients);
  const { ingest, deadLetters, redeliveries } = clients;
  const report = await forwardRecords(records, {
    ingest,
    deadLetters,
    redeliveries,
    retry: config.retry,
    deadline: lambdaDeadline(context, config.deadlineMarginMs),
    concurrency: config.concurrency,
    onError: (message, details) => logger.error(message, details),
    // The reason comes from the HTTP client, which redacts the webhook key.
    onRequestFailed: ({ verdict, reason, items }) => logger.warn('Port request failed', { verdict, reason, items }),
  });
  count('forwarded', report.delivered);
  count('deadLettered', report.deadLettered);
  count('failed', report.failed);
  count('redelivered', report.redelivered);
  count('portAuthRejected', report.authRejected);
  logger.info('batch forwarded', { records: records.length, ...report, response: undefined });
  return report.response;
}

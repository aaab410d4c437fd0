import type { SQSBatchResponse } from 'aws-lambda';
import type { Invocation } from '../../shared/function/handler';
import { lambdaDeadline } from '../../shared/http/retry';
import type { Secrets } from '../../shared/middleware/secrets';
import { count, logger } from '../../shared/observability';
import { PortIngestClient } from './clients/port-ingest';
import { readWebhookUrl, type ForwarderConfig, type WebhookSecret } from './config';
import { SqsDeadLetterQueue } from './dead-letter';
import { forwardRecords } from './forward';
import type { SqsRecordLike } from './triage';

interface Clients {
  ingest: PortIngestClient;
  deadLetters: SqsDeadLetterQueue;
}

/**
 * Clients keep their connections across invocations, and are built again when the secrets change
 * (the secrets middleware hands on a new object only then, e.g. after a rotated webhook URL).
 */
const clientsFor = new WeakMap<Secrets<WebhookSecret>, Clients>();

function connect(config: ForwarderConfig, secrets: Secrets<WebhookSecret>): Clients {
  return {
    ingest: new PortIngestClient({
      webhookUrl: readWebhookUrl(secrets, config),
      timeoutMs: config.requestTimeoutMs,
      maxSockets: config.concurrency,
      onRetry: ({ attempt, delayMs, reason }) => {
        count('retried');
        logger.debug('retrying Port request', { attempt, delayMs, reason });
      },
    }),
    deadLetters: new SqsDeadLetterQueue(config.deadLetterQueueUrl),
  };
}

/** One SQS batch: forward it, then report the outcome as metrics and one log line. */
export async function forwardBatch(
  records: readonly SqsRecordLike[],
  { config, secrets, context }: Invocation<ForwarderConfig, WebhookSecret>,
): Promise<SQSBatchResponse> {
  const clients = clientsFor.get(secrets) ?? connect(config, secrets);
  clientsFor.set(secrets, clients);
  const { ingest, deadLetters } = clients;
  const report = await forwardRecords(records, {
    ingest,
    deadLetters,
    deadline: lambdaDeadline(context, config.deadlineMarginMs),
    concurrency: config.concurrency,
    onError: (message, details) => logger.error(message, details),
  });
  count('forwarded', report.delivered);
  count('deadLettered', report.deadLettered);
  count('failed', report.failed);
  logger.info('batch forwarded', { records: records.length, ...report, response: undefined });
  return report.response;
}

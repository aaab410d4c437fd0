import type { SQSBatchResponse } from 'aws-lambda';
import type { Env } from '../../shared/config/env';
import { lambdaDeadline } from '../../shared/http/retry';
import { count, logger } from '../../shared/observability';
import { PortIngestClient } from './clients/port-ingest';
import type { Secrets } from '../../shared/middleware/secrets';
import { readForwarderConfig, type ForwarderConfig, type ForwarderSecret } from './config';
import { SqsDeadLetterQueue } from './dead-letter';
import { forwardRecords } from './forward';
import { SqsRedeliveries } from './redelivery';
import type { SqsRecordLike } from './triage';

interface Wiring {
  config: ForwarderConfig;
  ingest: PortIngestClient;
  deadLetters: SqsDeadLetterQueue;
  redeliveries: SqsRedeliveries;
}

let wiring: Wiring | undefined;

/** Config and clients are built once per container, after the secrets middleware resolved the webhook URL and key. */
function wire(env: Env, secrets: Partial<Secrets<ForwarderSecret>>): Wiring {
  if (!wiring) {
    const config = readForwarderConfig(env, secrets);
    wiring = {
      config,
      ingest: new PortIngestClient({
        webhookUrl: config.webhookUrl,
        signingSecret: config.signingSecret,
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
  return wiring;
}

/** One SQS batch: forward it, then report the outcome as metrics and one log line. */
export async function forwardBatch(
  records: readonly SqsRecordLike[],
  env: Env,
  secrets: Partial<Secrets<ForwarderSecret>>,
  context: { getRemainingTimeInMillis(): number },
): Promise<SQSBatchResponse> {
  const { config, ingest, deadLetters, redeliveries } = wire(env, secrets);
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

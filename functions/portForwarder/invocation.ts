import type { SQSBatchResponse } from 'aws-lambda';
import type { Env } from '../../shared/config/env';
import { lambdaDeadline } from '../../shared/http/retry';
import { count, logger } from '../../shared/observability';
import { PortIngestClient } from './clients/port-ingest';
import { readForwarderConfig, type ForwarderConfig } from './config';
import { SqsDeadLetterQueue } from './dead-letter';
import { forwardRecords } from './forward';
import type { SqsRecordLike } from './triage';

interface Wiring {
  config: ForwarderConfig;
  ingest: PortIngestClient;
  deadLetters: SqsDeadLetterQueue;
}

let wiring: Wiring | undefined;

/** Config and clients are built once per container, after the secrets middleware resolved the webhook URL. */
function wire(env: Env, webhookUrl: string | undefined): Wiring {
  if (!wiring) {
    const config = readForwarderConfig(env, webhookUrl);
    wiring = {
      config,
      ingest: new PortIngestClient({
        webhookUrl: config.webhookUrl,
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
  return wiring;
}

/** One SQS batch: forward it, then report the outcome as metrics and one log line. */
export async function forwardBatch(
  records: readonly SqsRecordLike[],
  env: Env,
  webhookUrl: string | undefined,
  context: { getRemainingTimeInMillis(): number },
): Promise<SQSBatchResponse> {
  const { config, ingest, deadLetters } = wire(env, webhookUrl);
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

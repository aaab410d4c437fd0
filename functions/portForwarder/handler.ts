import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaDeadline } from '../../shared/http/retry';
import { secrets, ssmFetchData, type SecretsContext } from '../../shared/middleware/secrets';
import { count, logger, metrics } from '../../shared/observability';
import { PortIngestClient } from './clients/port-ingest';
import { readForwarderConfig, WEBHOOK_SECRET, type ForwarderConfig } from './config';
import { SqsDeadLetterQueue } from './dead-letter';
import { forwardRecords } from './forward';

type Context = SecretsContext<typeof WEBHOOK_SECRET>;

interface Wiring {
  config: ForwarderConfig;
  ingest: PortIngestClient;
  deadLetters: SqsDeadLetterQueue;
}

let wiring: Wiring | undefined;

/** Built once per container, after the secrets middleware resolved the webhook URL. */
function wire(context: Context): Wiring {
  if (!wiring) {
    const config = readForwarderConfig(process.env, context.secrets[WEBHOOK_SECRET]);
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

async function forward(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const { config, ingest, deadLetters } = wire(context);
  const report = await forwardRecords(event.Records, {
    ingest,
    deadLetters,
    deadline: lambdaDeadline(context, config.deadlineMarginMs),
    concurrency: config.concurrency,
    onError: (message, details) => logger.error(message, details),
  });
  count('forwarded', report.delivered);
  count('deadLettered', report.deadLettered);
  count('failed', report.failed);
  logger.info('batch forwarded', { records: event.Records.length, ...report, response: undefined });
  return report.response;
}

const fromSsm = ssmFetchData([WEBHOOK_SECRET], process.env);

/** Required only when used: a cold start without SSM never loads the SSM SDK. */
function ssmMiddleware(fetchData: Record<string, string>) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ssm = (require('@middy/ssm') as typeof import('@middy/ssm')).default;
  return ssm({ fetchData, setToContext: true, cacheExpiry: -1 });
}

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // Only when PORT_WEBHOOK_URL_SSM_PARAM is set; cacheExpiry -1: fetched once, no refresh timer.
  .use(Object.keys(fromSsm).length > 0 ? [ssmMiddleware(fromSsm)] : [])
  .use(secrets({ names: [WEBHOOK_SECRET], env: process.env }))
  .handler(forward);

import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { secrets, ssmFetchData, type SecretsContext } from '../../shared/middleware/secrets';
import { logger, metrics } from '../../shared/observability';
import { FORWARDER_SECRETS, type ForwarderSecret } from './config';
import { forwardBatch } from './invocation';

type Context = SecretsContext<ForwarderSecret>;

const fromSsm = ssmFetchData(FORWARDER_SECRETS, process.env);

/** Required only when used: a cold start without SSM never loads the SSM SDK. */
function ssmMiddleware(fetchData: Record<string, string>) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ssm = (require('@middy/ssm') as typeof import('@middy/ssm')).default;
  return ssm({ fetchData, setToContext: true, cacheExpiry: -1 });
}

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // Only when a <secret>_SSM_PARAM is set; cacheExpiry -1: fetched once, no refresh timer.
  .use(Object.keys(fromSsm).length > 0 ? [ssmMiddleware(fromSsm)] : [])
  .use(secrets({ names: FORWARDER_SECRETS, env: process.env }))
  .handler((event, context) => forwardBatch(event.Records, process.env, context.secrets, context));

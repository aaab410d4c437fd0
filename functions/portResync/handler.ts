import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { secrets, ssmFetchData, type SecretsContext } from '../../shared/middleware/secrets';
import { logger, metrics } from '../../shared/observability';
import { SECRET_NAMES, type ResyncSecret } from './config';
import { resyncAccount } from './invocation';
import type { ResyncResult } from './resync';

type Context = SecretsContext<ResyncSecret>;

const fromSsm = ssmFetchData(SECRET_NAMES, process.env);

/** Required only when used: a cold start without SSM never loads the SSM middleware. */
function ssmMiddleware(fetchData: Record<string, string>) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ssm = (require('@middy/ssm') as typeof import('@middy/ssm')).default;
  return ssm({ fetchData, setToContext: true, cacheExpiry: -1 });
}

export const handler = middy<unknown, ResyncResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // Only for the `<NAME>_SSM_PARAM` credentials (the installer stores them as SecureStrings).
  .use(Object.keys(fromSsm).length > 0 ? [ssmMiddleware(fromSsm)] : [])
  .use(secrets({ names: SECRET_NAMES, env: process.env }))
  .handler((_event, context) => resyncAccount(process.env, context.secrets, context));

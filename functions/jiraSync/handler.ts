import middy from '@middy/core';
import ssm from '@middy/ssm';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { lambdaDeadline } from '../../shared/http/retry';
import { secrets, ssmFetchData, type SecretsContext } from '../../shared/middleware/secrets';
import { logger, metrics } from '../../shared/observability';
import { CREDENTIALS, loadConfig, type Credential, type SyncConfig } from './config';
import { syncInvocation } from './invocation';
import type { SyncSummary } from './sync';

/** HTTP calls stop 20 s before Lambda would kill the run. */
const HTTP_MARGIN_MS = 20_000;

let config: SyncConfig | undefined;
const validateConfig = {
  // Fails fast at cold start, before any secret is fetched, naming every bad variable.
  before: (): void => {
    config ??= loadConfig(process.env);
  },
};

const wired = middy<unknown, SyncSummary, Error, SecretsContext<Credential>>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(validateConfig)
  .use(ssm({ fetchData: ssmFetchData(CREDENTIALS, process.env), setToContext: true, cacheExpiry: -1 }))
  .use(secrets({ names: CREDENTIALS, env: process.env }))
  .handler((_event, context) => syncInvocation(config!, context.secrets, lambdaDeadline(context, HTTP_MARGIN_MS)));

/** Lambda passes a plain Context; the middlewares above add `secrets` before the run starts. */
export const handler = wired as unknown as (event: unknown, context: Context) => Promise<SyncSummary>;

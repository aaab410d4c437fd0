import middy from '@middy/core';
import ssm from '@middy/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { lambdaDeadline } from '../../shared/http/retry';
import { secrets, ssmFetchData, type SecretsContext } from '../../shared/middleware/secrets';
import { count, logger, metrics } from '../../shared/observability';
import { ssmCheckpoint } from './checkpoint';
import { HaloClient } from './clients/halo';
import { JiraClient } from './clients/jira';
import { CREDENTIALS, loadConfig, type Credential, type SyncConfig } from './config';
import { runSync, type SyncSummary } from './sync';

/** Scheduled entry point: config + secrets middlewares, then one sync run. */
let config: SyncConfig | undefined;
const env = process.env;

// HTTP calls stop 20 s before Lambda would kill us; no chunk starts with less than 60 s left.
const HTTP_MARGIN_MS = 20_000;
const CHUNK_RESERVE_MS = 40_000;

export async function syncOnce(_event: unknown, context: SecretsContext<Credential>): Promise<SyncSummary> {
  config ??= loadConfig(env);
  const s = context.secrets;
  const deadline = lambdaDeadline(context, HTTP_MARGIN_MS);
  const summary = await runSync(config, {
    halo: new HaloClient({ baseUrl: config.haloBaseUrl, apiKey: s.HALO_API_KEY ?? '', apiSecret: s.HALO_API_SECRET_KEY ?? '', deadline }),
    jira: new JiraClient({ baseUrl: config.jiraBaseUrl, user: s.JIRA_API_USER ?? '', token: s.JIRA_API_TOKEN ?? '', deadline }),
    checkpoint: ssmCheckpoint(new SSMClient({}), config.checkpointParam, { readOnly: config.dryRun }),
    deadline,
    reserveMs: CHUNK_RESERVE_MS,
  });
  for (const [kind, n] of Object.entries(summary.actions)) count(`jiraSync.${kind}`, n);
  count('jiraSync.failures', summary.failures.length);
  metrics.publishStoredMetrics();
  const { planned, failures, ...totals } = summary;
  logger.info('jiraSync run finished', { ...totals, failureCount: failures.length, failures: failures.slice(0, 50), plannedCount: planned?.length });
  return summary;
}

const validateConfig = {
  // Fails fast, before any secret is fetched, naming every bad variable.
  before: (): void => {
    config ??= loadConfig(env);
  },
};

const wired = middy<unknown, SyncSummary, Error, SecretsContext<Credential>>()
  .use(validateConfig)
  .use(ssm({ fetchData: ssmFetchData(CREDENTIALS, env), setToContext: true, cacheExpiry: -1 }))
  .use(secrets({ names: CREDENTIALS, env }))
  .handler(syncOnce);

/** Lambda passes a plain Context; the middlewares above add `secrets` before syncOnce runs. */
export const handler = wired as unknown as (event: unknown, context: Context) => Promise<SyncSummary>;

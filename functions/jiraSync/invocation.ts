import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Invocation } from '../../shared/function/handler';
import { lambdaDeadline } from '../../shared/http/retry';
import { count, logger } from '../../shared/observability';
import { ssmCheckpoint } from './checkpoint';
import { HaloClient } from './clients/halo';
import { JiraClient } from './clients/jira';
import type { Credential, SyncConfig } from './config';
import { DynamoState } from './state/dynamodb';
import { runSync, type SyncSummary } from './sync';

/** HTTP calls stop 20 s before Lambda would kill the run. */
const HTTP_MARGIN_MS = 20_000;
/** Do not start a chunk of work with less than this left: room to finish it and checkpoint. */
const CHUNK_RESERVE_MS = 40_000;

/**
 * One scheduled invocation: connect the clients for this run's deadline, run the sync, and report
 * its summary as metrics and one log line.
 */
export async function syncInvocation({ config, secrets, context }: Invocation<SyncConfig, Credential>): Promise<SyncSummary> {
  const deadline = lambdaDeadline(context, HTTP_MARGIN_MS);
  const summary = await runSync(config, {
    halo: new HaloClient({ baseUrl: config.haloBaseUrl, apiKey: secrets.get('HALO_API_KEY'), apiSecret: secrets.get('HALO_API_SECRET_KEY'), deadline }),
    jira: new JiraClient({ baseUrl: config.jiraBaseUrl, user: secrets.get('JIRA_API_USER'), token: secrets.get('JIRA_API_TOKEN'), deadline }),
    checkpoint: ssmCheckpoint(new SSMClient({}), config.checkpointParam, { readOnly: config.dryRun }),
    // Short timeouts: an unreachable state table fails the run at once, before any Jira write.
    state: new DynamoState(new DynamoDBClient({ requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } }), { table: config.stateTable, autoCreate: config.stateTableAutoCreate }),
    deadline,
    reserveMs: CHUNK_RESERVE_MS,
  });
  for (const [kind, n] of Object.entries(summary.actions)) count(`jiraSync.${kind}`, n);
  count('jiraSync.failures', summary.failures.length);
  count('jiraSync.retrySet', summary.retrySet.size);
  // The refused-items alarm (resources/alarms.yml): items Jira refused in this run, now in the retry set.
  count('jiraSync.refused', summary.refused);
  // Published only when a run completes: its absence drives the "no successful run" alarm (resources/alarms.yml).
  count('jiraSync.heartbeat');
  const { planned, failures, ...totals } = summary;
  if (summary.retrySet.size > 0) logger.warn(`${summary.retrySet.size} Halo issues wait in the retry set (npm run jira:failures -- list)`, { retrySet: summary.retrySet });
  logger.info('jiraSync run finished', { ...totals, failureCount: failures.length, failures: failures.slice(0, 50), plannedCount: planned?.length });
  return summary;
}

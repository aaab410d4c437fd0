import { SSMClient } from '@aws-sdk/client-ssm';
import type { Deadline } from '../../shared/http/retry';
import type { Secrets } from '../../shared/middleware/secrets';
import { count, logger } from '../../shared/observability';
import { ssmCheckpoint } from './checkpoint';
import { HaloClient } from './clients/halo';
import { JiraClient } from './clients/jira';
import type { Credential, SyncConfig } from './config';
import { runSync, type SyncSummary } from './sync';

/** Do not start a chunk of work with less than this left: room to finish it and checkpoint. */
const CHUNK_RESERVE_MS = 40_000;

/**
 * One scheduled invocation: connect the clients for this run's deadline, run the sync, and report
 * its summary as metrics and one log line.
 */
export async function syncInvocation(config: SyncConfig, secrets: Secrets<Credential>, deadline: Deadline): Promise<SyncSummary> {
  const summary = await runSync(config, {
    halo: new HaloClient({ baseUrl: config.haloBaseUrl, apiKey: secrets.HALO_API_KEY ?? '', apiSecret: secrets.HALO_API_SECRET_KEY ?? '', deadline }),
    jira: new JiraClient({ baseUrl: config.jiraBaseUrl, user: secrets.JIRA_API_USER ?? '', token: secrets.JIRA_API_TOKEN ?? '', deadline }),
    checkpoint: ssmCheckpoint(new SSMClient({}), config.checkpointParam, { readOnly: config.dryRun }),
    deadline,
    reserveMs: CHUNK_RESERVE_MS,
  });
  for (const [kind, n] of Object.entries(summary.actions)) count(`jiraSync.${kind}`, n);
  count('jiraSync.failures', summary.failures.length);
  // Published only when a run completes: its absence drives the "no successful run" alarm (resources/alarms.yml).
  count('jiraSync.heartbeat');
  const { planned, failures, ...totals } = summary;
  logger.info('jiraSync run finished', { ...totals, failureCount: failures.length, failures: failures.slice(0, 50), plannedCount: planned?.length });
  return summary;
}

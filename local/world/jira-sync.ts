import { ssmCheckpoint } from '../../functions/jiraSync/checkpoint';
import { HaloClient } from '../../functions/jiraSync/clients/halo';
import { JiraClient } from '../../functions/jiraSync/clients/jira';
import { loadConfig } from '../../functions/jiraSync/config';
import { DynamoState } from '../../functions/jiraSync/state/dynamodb';
import { runSync, type SyncSummary } from '../../functions/jiraSync/sync';
import { NO_DEADLINE } from '../../shared/http/retry';
import { HALO_ISSUE_ID_FIELD, type JiraStub, type TicketView } from '../jira';
import type { World } from './index';

/**
 * The world jiraSync's suites and benchmark run in: Halo and Jira stand-ins, moto for the SSM
 * checkpoint, no Port. Jira's search lag is short so runs can follow each other quickly (real
 * runs are minutes apart), and the first run looks back far enough to see the demo data, which
 * spans the 30 days before 2026-11-20.
 */
export const JIRA_SYNC_WORLD = {
  port: false,
  moto: true,
  searchLagMs: 300,
  checkpointParam: '/halo-jira-port/test/checkpoint',
  stateTable: 'halo-jira-port-test-sync-state',
  timeRangeMinutes: 5 * 365 * 24 * 60,
} as const;

export type JiraSyncWorld = World<typeof JIRA_SYNC_WORLD>;

/** One sync run in this process, with the real clients and the SSM checkpoint in moto. */
export async function syncIn(world: JiraSyncWorld, extraEnv: Record<string, string> = {}): Promise<SyncSummary> {
  const env = { ...world.jiraSyncEnv, ...extraEnv };
  const config = loadConfig(env);
  const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
  const summary = await runSync(config, {
    halo: new HaloClient({ baseUrl: config.haloBaseUrl, apiKey: env.HALO_API_KEY!, apiSecret: env.HALO_API_SECRET_KEY! }),
    jira: new JiraClient({ baseUrl: config.jiraBaseUrl, user: env.JIRA_API_USER!, token: env.JIRA_API_TOKEN! }),
    checkpoint: ssmCheckpoint(world.ssm, config.checkpointParam, { readOnly: config.dryRun }),
    state: new DynamoState(world.dynamo, { table: config.stateTable, autoCreate: config.stateTableAutoCreate }),
    deadline: NO_DEADLINE,
    log: quiet,
  });
  await settle(world);
  return summary;
}

/** Waits out Jira's search lag, so the next run sees every ticket the last one wrote. */
export const settle = (world: { jira: JiraStub }): Promise<void> => new Promise((r) => setTimeout(r, world.jira.config.searchLagMs + 50));

/** Tickets by Halo id (the id field), for "exactly one ticket per issue" checks. */
export function ticketsByHalo(jira: JiraStub): Map<string, TicketView[]> {
  const out = new Map<string, TicketView[]>();
  for (const t of jira.tickets()) {
    const id = String(t.fields[HALO_ISSUE_ID_FIELD] ?? '');
    out.set(id, [...(out.get(id) ?? []), t]);
  }
  return out;
}

/** Jira write requests (create, bulk create, transition, comment) seen by the stand-in so far. */
export function jiraWrites(jira: JiraStub): number {
  const c = jira.counts();
  return c.create + c.bulkCreate + c.transition + c.comment;
}

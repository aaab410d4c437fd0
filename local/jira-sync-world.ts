import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { ssmCheckpoint } from '../functions/jiraSync/checkpoint';
import { HaloClient } from '../functions/jiraSync/clients/halo';
import { JiraClient } from '../functions/jiraSync/clients/jira';
import { loadConfig } from '../functions/jiraSync/config';
import { DynamoState } from '../functions/jiraSync/state/dynamodb';
import { runSync, type SyncSummary } from '../functions/jiraSync/sync';
import { NO_DEADLINE } from '../shared/http/retry';
import { startMoto, type Moto } from './aws/moto';
import { startHaloStub, type HaloStub } from './halo';
import { jiraSyncEnv, startJiraStub, type JiraStub, type TicketView } from './jira';

/**
 * Halo and Jira stand-ins plus moto (SSM checkpoint), and the environment a jiraSync run needs,
 * for the end-to-end style suites: in-process runs, killed child processes, `sls invoke local`.
 */
export const CHECKPOINT_PARAM = '/halo-jira-port/test/checkpoint';
/** The state table (ledger, retry set, lease) in moto; jiraSync creates it on first use, as in the local stage. */
export const STATE_TABLE = 'halo-jira-port-test-sync-state';
/** Search lag of the Jira stand-in; runs in tests are spaced by more than this (real runs: minutes). */
export const SEARCH_LAG_MS = 300;

export interface World {
  halo: HaloStub;
  jira: JiraStub;
  moto: Moto;
  env: Record<string, string>;
  ssm: SSMClient;
  dynamo: DynamoDBClient;
  /** The state store as jiraSync sees it (for assertions on the retry set and the lease). */
  state: DynamoState;
  stop(): Promise<void>;
}

export async function startWorld(opts: { latencyMs?: number; searchLagMs?: number } = {}): Promise<World> {
  const [halo, jira, moto] = await Promise.all([startHaloStub(), startJiraStub({ searchLagMs: opts.searchLagMs ?? SEARCH_LAG_MS, latencyMs: opts.latencyMs ?? 0 }), startMoto()]);
  halo.faults.latencyMs = opts.latencyMs ?? 0;
  const env: Record<string, string> = {
    ...moto.env,
    HALO_API_KEY: halo.apiKey,
    HALO_API_SECRET_KEY: halo.apiSecret,
    HALO_API_HOSTNAME: halo.url,
    ...jiraSyncEnv(jira),
    AWS_SSM_TIMESTAMP_PARAM: CHECKPOINT_PARAM,
    JIRA_SYNC_STATE_TABLE: STATE_TABLE,
    JIRA_SYNC_STATE_TABLE_AUTOCREATE: 'true',
    // Demo data spans 30 days before 2026-11-20; the first run looks back far enough to see it all.
    TIME_RANGE: String(5 * 365 * 24 * 60),
  };
  const aws = { endpoint: moto.endpoint, region: moto.env.AWS_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const ssm = new SSMClient(aws);
  const dynamo = new DynamoDBClient(aws);
  return {
    halo,
    jira,
    moto,
    env,
    ssm,
    dynamo,
    state: new DynamoState(dynamo, { table: STATE_TABLE, autoCreate: true }),
    stop: async () => {
      ssm.destroy();
      dynamo.destroy();
      await Promise.all([halo.stop(), jira.stop(), moto.stop()]);
    },
  };
}

/** One sync run in this process, with the real clients and the SSM checkpoint in moto. */
export async function syncIn(world: World, extraEnv: Record<string, string> = {}): Promise<SyncSummary> {
  const config = loadConfig({ ...world.env, ...extraEnv });
  const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
  const summary = await runSync(config, {
    halo: new HaloClient({ baseUrl: config.haloBaseUrl, apiKey: world.env.HALO_API_KEY!, apiSecret: world.env.HALO_API_SECRET_KEY! }),
    jira: new JiraClient({ baseUrl: config.jiraBaseUrl, user: world.env.JIRA_API_USER!, token: world.env.JIRA_API_TOKEN! }),
    checkpoint: ssmCheckpoint(world.ssm, config.checkpointParam, { readOnly: config.dryRun }),
    state: new DynamoState(world.dynamo, { table: config.stateTable, autoCreate: config.stateTableAutoCreate }),
    deadline: NO_DEADLINE,
    log: quiet,
  });
  await settle();
  return summary;
}

export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, SEARCH_LAG_MS + 50));

export async function readCheckpoint(world: World): Promise<string | undefined> {
  try {
    return (await world.ssm.send(new GetParameterCommand({ Name: CHECKPOINT_PARAM }))).Parameter?.Value;
  } catch {
    return undefined;
  }
}

export async function writeCheckpoint(world: World, iso: string): Promise<void> {
  await world.ssm.send(new PutParameterCommand({ Name: CHECKPOINT_PARAM, Value: iso, Type: 'String', Overwrite: true }));
}

/** Tickets by Halo id (the id field), for "exactly one ticket per issue" checks. */
export function ticketsByHalo(jira: JiraStub): Map<string, TicketView[]> {
  const out = new Map<string, TicketView[]>();
  for (const t of jira.tickets()) {
    const id = String(t.fields.customfield_10050 ?? '');
    out.set(id, [...(out.get(id) ?? []), t]);
  }
  return out;
}

/** Jira write requests (create, bulk create, transition, comment) seen by the stand-in so far. */
export function jiraWrites(jira: JiraStub): number {
  const c = jira.counts();
  return c.create + c.bulkCreate + c.transition + c.comment;
}

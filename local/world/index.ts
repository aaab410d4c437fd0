import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoState } from '../../functions/jiraSync/state/dynamodb';
import { startMoto, type Moto } from '../aws/moto';
import { demoIssues, startHaloStub, type HaloStub } from '../halo';
import { jiraSyncEnv as jiraEnvFor, startJiraStub, type JiraStub } from '../jira';
import { startPortStub, type PortStub } from '../port';
import { entityRows, haloRows, ticketRows, type BlueprintEntities, type HaloIssueRow, type TicketRow } from './rows';

/**
 * The simulated world, as tests, the sandbox and the benchmarks all build it: Halo, Jira and Port
 * stand-ins (real HTTP servers on 127.0.0.1), optionally moto_server as the local AWS, optional
 * demo data; the environment jiraSync needs to reach it; row readers; one stop().
 */
export interface WorldOptions {
  /** Demo Halo issues seeded at start (default none): how many, the seed, their spread before `now`. */
  issues?: { count: number; seed?: number; now?: Date; spanDays?: number };
  /** Delay on every Halo and Jira stand-in response (default 0). */
  latencyMs?: number;
  /** How long a new Jira ticket stays out of search results (default: the stand-in's, like Jira Cloud). */
  searchLagMs?: number;
  /** Which stand-ins run (each default true). */
  halo?: boolean;
  jira?: boolean;
  port?: boolean;
  /** moto_server as the local AWS (SSM checkpoint, secrets, queues), optionally in a region (default off). */
  moto?: boolean | { region?: string };
  /** SSM parameter of jiraSync's checkpoint, in moto (default: jiraSync's own default). */
  checkpointParam?: string;
  /** jiraSync's state table (ledger, retry set, lease) in moto, created on first use as in the local stage. */
  stateTable?: string;
  /** jiraSync's TIME_RANGE: minutes a first run (no checkpoint) looks back (default: jiraSync's). */
  timeRangeMinutes?: number;
  /** Wraps the start of each piece; the sandbox shows each as a start-up step. */
  around?: StartHook;
}

export type WorldPiece = 'stand-ins' | 'moto';
type StartHook = <T>(piece: WorldPiece, start: () => Promise<T>, describe: (started: T) => string) => Promise<T>;

interface Checkpoint {
  param: string;
  read(): Promise<string | undefined>;
  write(at: Date | string): Promise<void>;
}

interface WorldCore {
  /** Everything jiraSync needs to reach this world (the variable names users migrate with). */
  jiraSyncEnv: Record<string, string>;
  /** Rows for the dashboard, read straight from the stand-ins ([] for one not running). */
  rows: { halo(): HaloIssueRow[]; tickets(): TicketRow[]; entities(): BlueprintEntities[] };
  /** Earliest creation among Halo's issues (a checkpoint before it lets the next run see them all). */
  earliestChange(): Date | undefined;
  stop(): Promise<void>;
}

type Part<O, K extends 'halo' | 'jira' | 'port', T> = O extends { [P in K]: false } ? { [P in K]?: undefined } : { [P in K]: T };
type MotoPart<O> = O extends { moto: true | { region?: string } } ? { moto: Moto; ssm: SSMClient; checkpoint: Checkpoint; dynamo: DynamoDBClient; state: DynamoState } : { moto?: undefined };
export type World<O extends WorldOptions = WorldOptions> = WorldCore & Part<O, 'halo', HaloStub> & Part<O, 'jira', JiraStub> & Part<O, 'port', PortStub> & MotoPart<O>;

const JIRA_SYNC_DEFAULT_CHECKPOINT = '/CloudPassage-Jira/issues/timestamp';
const JIRA_SYNC_LOCAL_STATE_TABLE = 'halo-jira-port-local-sync-state';
const directly: StartHook = (_piece, start) => start();

export async function startWorld<const O extends WorldOptions>(opts: O = {} as O): Promise<World<O>> {
  const around = opts.around ?? directly;
  const started: Array<{ stop(): Promise<void> }> = [];
  const motoOpts = opts.moto === true ? {} : opts.moto || undefined;
  let standIns: StandIns;
  let moto: Moto | undefined;
  try {
    [standIns, moto] = await allStarted([
      around('stand-ins', () => startStandIns(opts, started), describeStandIns),
      motoOpts ? around('moto', () => track(started, startMoto(motoOpts.region)), (m) => m.endpoint) : undefined,
    ]);
  } catch (err) {
    await stopAll(started);
    throw err;
  }
  const { halo, jira, port } = standIns;
  const ssm = moto ? new SSMClient(moto.aws.client) : undefined;
  const dynamo = moto ? new DynamoDBClient(moto.aws.client) : undefined;
  const checkpointParam = opts.checkpointParam ?? JIRA_SYNC_DEFAULT_CHECKPOINT;
  const stateTable = opts.stateTable ?? JIRA_SYNC_LOCAL_STATE_TABLE;

  const jiraSyncEnv: Record<string, string> = {
    ...moto?.env,
    ...(halo ? { HALO_API_HOSTNAME: halo.url, HALO_API_KEY: halo.apiKey, HALO_API_SECRET_KEY: halo.apiSecret } : {}),
    ...(jira ? jiraEnvFor(jira) : {}),
    ...(moto ? { AWS_SSM_TIMESTAMP_PARAM: checkpointParam, JIRA_SYNC_STATE_TABLE: stateTable, JIRA_SYNC_STATE_TABLE_AUTOCREATE: 'true' } : {}),
    ...(opts.timeRangeMinutes ? { TIME_RANGE: String(opts.timeRangeMinutes) } : {}),
  };
  const world: WorldCore & Record<string, unknown> = {
    halo,
    jira,
    port,
    moto,
    ssm,
    checkpoint: ssm ? ssmCheckpoint(ssm, checkpointParam) : undefined,
    dynamo,
    state: dynamo ? new DynamoState(dynamo, { table: stateTable, autoCreate: true }) : undefined,
    jiraSyncEnv,
    rows: {
      halo: () => (halo ? haloRows(halo, jira) : []),
      tickets: () => (jira ? ticketRows(jira) : []),
      entities: () => (port ? entityRows(port) : []),
    },
    earliestChange: () => {
      const created = (halo?.issues() ?? []).map((i) => Date.parse(i.created_at));
      return created.length ? new Date(created.reduce((a, b) => Math.min(a, b))) : undefined;
    },
    stop: async () => {
      ssm?.destroy();
      dynamo?.destroy();
      await stopAll(started);
    },
  };
  // The parts present are exactly the ones the options asked for (World<O> spells that out).
  return world as unknown as World<O>;
}

interface StandIns {
  halo?: HaloStub;
  jira?: JiraStub;
  port?: PortStub;
}

async function startStandIns(opts: WorldOptions, started: Array<{ stop(): Promise<void> }>): Promise<StandIns> {
  const latencyMs = opts.latencyMs ?? 0;
  const issues = opts.issues && demoIssues(opts.issues.count, opts.issues.seed, { now: opts.issues.now, spanDays: opts.issues.spanDays });
  const [halo, jira, port] = await allStarted([
    opts.halo === false ? undefined : track(started, startHaloStub({ issues })),
    opts.jira === false ? undefined : track(started, startJiraStub({ searchLagMs: opts.searchLagMs, latencyMs })),
    opts.port === false ? undefined : track(started, startPortStub()),
  ]);
  if (halo) halo.faults.latencyMs = latencyMs;
  return { halo, jira, port };
}

function describeStandIns({ halo, jira, port }: StandIns): string {
  return [
    halo && `${halo.issues().length} Halo issues`,
    jira && `Jira project ${jira.config.project.key}`,
    port && 'empty Port organisation',
  ].filter(Boolean).join(', ');
}

/**
 * Every value, or the first failure once all have settled: a piece still starting when another
 * fails is tracked (and so stopped) before anyone stops them all.
 */
async function allStarted<const T extends readonly unknown[]>(starting: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

async function track<T extends { stop(): Promise<void> }>(started: Array<{ stop(): Promise<void> }>, starting: Promise<T>): Promise<T> {
  const piece = await starting;
  started.push(piece);
  return piece;
}

async function stopAll(started: Array<{ stop(): Promise<void> }>): Promise<void> {
  await Promise.allSettled(started.splice(0).reverse().map((s) => s.stop()));
}

function ssmCheckpoint(ssm: SSMClient, param: string): Checkpoint {
  return {
    param,
    read: async () => {
      try {
        return (await ssm.send(new GetParameterCommand({ Name: param }))).Parameter?.Value;
      } catch {
        return undefined;
      }
    },
    write: async (at) => {
      await ssm.send(new PutParameterCommand({ Name: param, Value: typeof at === 'string' ? at : at.toISOString(), Type: 'String', Overwrite: true }));
    },
  };
}

export type { BlueprintEntities, HaloIssueRow, TicketRow } from './rows';

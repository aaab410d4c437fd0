import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SSMClient } from '@aws-sdk/client-ssm';
import { assumeSpokeRole, resolveTargets, type Target } from '../../shared/aws/accounts';
import type { Invocation } from '../../shared/function/handler';
import type { Secrets } from '../../shared/middleware/secrets';
import { scopeOf, type PortEntity } from '../../port/mappings/definitions';
import { partitionOfArn } from '../../port/mappings/partition';
import { lambdaDeadline, type Deadline } from '../../shared/http/retry';
import { count, logger } from '../../shared/observability';
import { PortApiClient } from './clients/port-api';
import { PortIngestWriter } from './clients/port-ingest';
import { resyncTargets, type AccountsResult, type TargetRun } from './accounts';
import { readExternalId, readPortCredentials, type PortCredentials, type ResyncConfig, type ResyncSecret } from './config';
import { LISTERS, awsClients } from './inventory';
import { resync, type EntityWriter, type ResyncResult } from './resync';
import { memoryState, ssmState, type StateStore } from './state';

export interface PortClients {
  port: PortApiClient;
  writer: EntityWriter & { close(): void };
  writes: 'ingest' | 'bulk-api';
}

/** The hub's own AWS clients (the targets' listing clients are made per invocation, with their credentials). */
interface Aws {
  ssm: SSMClient;
  sts: STSClient;
  /** Without RESYNC_STATE_PARAM: progress kept in this container only. */
  memory: Map<string, StateStore>;
  organizations?: OrganizationsClient;
}

/**
 * Port clients keep their connections across invocations, and are built again when the secrets
 * change (the secrets middleware hands on a new object only then, e.g. after a rotated credential).
 */
const portClientsFor = new WeakMap<Secrets<ResyncSecret>, PortClients>();
const awsFor = new WeakMap<ResyncConfig, Aws>();

/** Bulk API writes, grouped per blueprint in the order given (relation targets first). */
export function bulkWriter(port: PortApiClient): EntityWriter & { close(): void } {
  return {
    async write(entities, deadline) {
      const byBlueprint = new Map<string, PortEntity[]>();
      for (const e of entities) byBlueprint.set(e.blueprint, [...(byBlueprint.get(e.blueprint) ?? []), e]);
      const refused = [];
      for (const [bp, group] of byBlueprint) refused.push(...(await port.upsert(bp, group, deadline)));
      return refused;
    },
    close: () => undefined,
  };
}

export function ingestWriter(ingest: PortIngestWriter): EntityWriter & { close(): void } {
  return {
    async write(entities, deadline) {
      await ingest.upsert(entities, deadline);
      return [];
    },
    close: () => ingest.close(),
  };
}

/** The Port side: the bulk API client, and the writer (ingest when a webhook URL is configured). */
export function portClients(config: ResyncConfig, credentials: PortCredentials): PortClients {
  const onRetry = ({ attempt, delayMs, reason }: { attempt: number; delayMs: number; reason: string }): void => {
    count('retried');
    logger.debug('retrying Port request', { attempt, delayMs, reason });
  };
  const port = new PortApiClient({ baseUrl: config.portApiUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret, timeoutMs: config.requestTimeoutMs, onRetry });
  return credentials.webhookUrl
    ? { port, writer: ingestWriter(new PortIngestWriter({ webhookUrl: credentials.webhookUrl, signingSecret: credentials.webhookSecret, timeoutMs: config.requestTimeoutMs, onRetry })), writes: 'ingest' }
    : { port, writer: bulkWriter(port), writes: 'bulk-api' };
}

function awsOf(config: ResyncConfig): Aws {
  const aws = awsFor.get(config) ?? {
    ssm: new SSMClient({ region: config.region }),
    sts: new STSClient({ region: config.region }),
    memory: new Map(),
    ...(config.accounts === 'organization' ? { organizations: new OrganizationsClient({ region: config.region }) } : {}),
  };
  awsFor.set(config, aws);
  return aws;
}

/**
 * Where a target's progress is kept: the hub's own account and region in RESYNC_STATE_PARAM itself
 * (as before there were several targets), every other one in `<RESYNC_STATE_PARAM>/<account>/<region>`.
 */
function stateOf(config: ResyncConfig, aws: Aws, hub: string, target: Target): StateStore {
  const own = target.accountId === hub && target.region === config.region;
  const key = own ? '' : `/${target.accountId}/${target.region}`;
  if (config.stateParam) return ssmState(aws.ssm, `${config.stateParam}${key}`);
  const memory = aws.memory.get(key) ?? memoryState();
  aws.memory.set(key, memory);
  return memory;
}

/** The account and partition the function runs in (from its own identity: no configuration to get wrong). */
async function whoAmI(sts: STSClient): Promise<{ account: string; partition?: string }> {
  const me = await sts.send(new GetCallerIdentityCommand({}));
  if (!me.Account) throw new Error('STS GetCallerIdentity returned no account');
  return { account: me.Account, partition: partitionOfArn(me.Arn) };
}

/** One invocation (the handler's last step): resync or continue, then report. */
export async function resyncInvocation({ config, secrets, context }: Invocation<ResyncConfig, ResyncSecret>): Promise<AccountsResult> {
  const clients = portClientsFor.get(secrets) ?? portClients(config, readPortCredentials(secrets, config));
  portClientsFor.set(secrets, clients);
  return resyncAccounts(config, clients, context, readExternalId(secrets, config));
}

/** One target: its listers on clients with its credentials, then the resync core. */
async function resyncTarget(config: ResyncConfig, partition: string | undefined, run: TargetRun): Promise<ResyncResult> {
  const scope = scopeOf(run.target.accountId, run.target.region, partition);
  const clients = awsClients(run.clientConfig);
  try {
    return await resync({
      sources: config.sources,
      scope,
      list: (source, d) => (LISTERS[source] as NonNullable<(typeof LISTERS)[string]>)({ clients, scope, deadline: d, concurrency: config.awsConcurrency }),
      port: run.port,
      writer: run.writer,
      state: run.state,
      deadline: run.deadline,
      log: (message, details) => logger.info(message, { account: scope.account, region: scope.region, ...details }),
    });
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}

/**
 * One resync (or its continuation) of every configured account × region with the given Port
 * clients, reported as metrics and log lines; `npm run port:resync` calls this with clients of its own.
 */
export async function resyncAccounts(
  config: ResyncConfig,
  { port, writer, writes }: PortClients,
  context: { getRemainingTimeInMillis(): number },
  externalId?: string,
): Promise<AccountsResult> {
  const aws = awsOf(config);
  const deadline: Deadline = lambdaDeadline(context, config.deadlineMarginMs);
  const me = await whoAmI(aws.sts);
  const accounts = config.accounts === 'own' ? [me.account] : config.accounts === 'organization' ? [] : config.accounts;
  const targets = await resolveTargets({ accounts, regions: config.regions, organizations: aws.organizations });
  const result = await resyncTargets({
    targets,
    sources: config.sources,
    access: assumeSpokeRole({ sts: aws.sts, hubAccountId: me.account, roleName: config.roleName, externalId: externalId ?? '', partition: me.partition }),
    concurrency: config.accountConcurrency,
    ...(targets.length > 1 ? { targetDeadlineMs: config.accountDeadlineMs } : {}),
    deadline,
    stateOf: (t) => stateOf(config, aws, me.account, t),
    port,
    writer,
    resyncTarget: (run) => resyncTarget(config, me.partition, run),
  });
  for (const k of ['created', 'updated', 'deleted', 'unchanged', 'failed', 'targetsFailed'] as const) count(k, result[k]);
  if (result.failures.length > 0) logger.warn('Port refused some entities', { failures: result.failures.slice(0, 20) });
  // One failed account is reported here and nothing of it was deleted; the others went on.
  for (const t of result.targets.filter((x) => x.outcome === 'failed')) logger.warn('account not resynced: nothing of it deleted', { account: t.account, region: t.region, failure: t.failure });
  logger.info(result.complete ? 'resync finished' : 'resync continues on the next invocation', { ...result, targets: result.targets.length, failures: result.failures.length, writes });
  return result;
}

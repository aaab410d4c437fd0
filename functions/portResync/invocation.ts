import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Invocation } from '../../shared/function/handler';
import type { Secrets } from '../../shared/middleware/secrets';
import { scopeOf, type PortEntity } from '../../port/mappings/definitions';
import { partitionOfArn } from '../../port/mappings/partition';
import { lambdaDeadline, type Deadline } from '../../shared/http/retry';
import { count, logger } from '../../shared/observability';
import { PortApiClient } from './clients/port-api';
import { PortIngestWriter } from './clients/port-ingest';
import { readPortCredentials, type PortCredentials, type ResyncConfig, type ResyncSecret } from './config';
import { LISTERS, awsClients } from './inventory';
import type { AwsClients } from './inventory/types';
import { resync, type EntityWriter, type ResyncResult } from './resync';
import { memoryState, ssmState, type StateStore } from './state';

export interface PortClients {
  port: PortApiClient;
  writer: EntityWriter & { close(): void };
  writes: 'ingest' | 'bulk-api';
}

interface Aws {
  clients: AwsClients;
  state: StateStore;
  sts: STSClient;
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
    clients: awsClients(config.region),
    state: config.stateParam ? ssmState(new SSMClient({ region: config.region }), config.stateParam) : memoryState(),
    sts: new STSClient({ region: config.region }),
  };
  awsFor.set(config, aws);
  return aws;
}

/** The account and partition the function runs in (from its own identity: no configuration to get wrong). */
async function whoAmI(sts: STSClient): Promise<{ account: string; partition?: string }> {
  const me = await sts.send(new GetCallerIdentityCommand({}));
  if (!me.Account) throw new Error('STS GetCallerIdentity returned no account');
  return { account: me.Account, partition: partitionOfArn(me.Arn) };
}

/** One invocation (the handler's last step): resync or continue, then report. */
export async function resyncInvocation({ config, secrets, context }: Invocation<ResyncConfig, ResyncSecret>): Promise<ResyncResult> {
  const clients = portClientsFor.get(secrets) ?? portClients(config, readPortCredentials(secrets, config));
  portClientsFor.set(secrets, clients);
  return resyncAccount(config, clients, context);
}

/**
 * One resync (or its continuation) with the given Port clients, reported as metrics and one log
 * line; `npm run port:resync` calls this with clients of its own.
 */
export async function resyncAccount(
  config: ResyncConfig,
  { port, writer, writes }: PortClients,
  context: { getRemainingTimeInMillis(): number },
): Promise<ResyncResult> {
  const { clients, state, sts } = awsOf(config);
  const deadline: Deadline = lambdaDeadline(context, config.deadlineMarginMs);
  const me = await whoAmI(sts);
  const scope = scopeOf(me.account, config.region, me.partition);
  const result = await resync({
    sources: config.sources,
    scope,
    list: (source, d) => (LISTERS[source] as NonNullable<(typeof LISTERS)[string]>)({ clients, scope, deadline: d, concurrency: config.awsConcurrency }),
    port,
    writer,
    state,
    deadline,
    log: (message, details) => logger.info(message, details),
  });
  for (const k of ['created', 'updated', 'deleted', 'unchanged', 'failed'] as const) count(k, result[k]);
  if (result.failures.length > 0) logger.warn('Port refused some entities', { failures: result.failures.slice(0, 20) });
  logger.info(result.complete ? 'resync finished' : 'resync continues on the next invocation', { ...result, failures: result.failures.length, writes });
  return result;
}

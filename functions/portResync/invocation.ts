import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Env } from '../../shared/config/env';
import { scopeOf, type PortEntity } from '../../port/mappings/definitions';
import { partitionOfArn } from '../../port/mappings/partition';
import { lambdaDeadline, type Deadline } from '../../shared/http/retry';
import { count, logger } from '../../shared/observability';
import { PortApiClient } from './clients/port-api';
import { PortIngestWriter } from './clients/port-ingest';
import { readResyncConfig, type ResyncConfig, type ResyncSecret } from './config';
import { LISTERS, awsClients } from './inventory';
import type { AwsClients } from './inventory/types';
import { resync, type EntityWriter, type ResyncResult } from './resync';
import { memoryState, ssmState, type StateStore } from './state';

interface Wiring {
  config: ResyncConfig;
  port: PortApiClient;
  writer: EntityWriter & { close(): void };
  clients: AwsClients;
  state: StateStore;
  sts: STSClient;
}

let wiring: Wiring | undefined;

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

function wire(env: Env, secrets: Partial<Record<ResyncSecret, string>>): Wiring {
  if (!wiring) {
    const config = readResyncConfig(env, secrets);
    const onRetry = ({ attempt, delayMs, reason }: { attempt: number; delayMs: number; reason: string }): void => {
      count('retried');
      logger.debug('retrying Port request', { attempt, delayMs, reason });
    };
    const port = new PortApiClient({ baseUrl: config.portApiUrl, clientId: config.clientId, clientSecret: config.clientSecret, timeoutMs: config.requestTimeoutMs, onRetry });
    wiring = {
      config,
      port,
      writer: config.webhookUrl ? ingestWriter(new PortIngestWriter({ webhookUrl: config.webhookUrl, timeoutMs: config.requestTimeoutMs, onRetry })) : bulkWriter(port),
      clients: awsClients(config.region),
      state: config.stateParam ? ssmState(new SSMClient({ region: config.region }), config.stateParam) : memoryState(),
      sts: new STSClient({ region: config.region }),
    };
  }
  return wiring;
}

/** The account and partition the function runs in (from its own identity: no configuration to get wrong). */
async function whoAmI(sts: STSClient): Promise<{ account: string; partition?: string }> {
  const me = await sts.send(new GetCallerIdentityCommand({}));
  if (!me.Account) throw new Error('STS GetCallerIdentity returned no account');
  return { account: me.Account, partition: partitionOfArn(me.Arn) };
}

/** One invocation: resync (or continue) and report the counts as metrics and one log line. */
export async function resyncAccount(
  env: Env,
  secrets: Partial<Record<ResyncSecret, string>>,
  context: { getRemainingTimeInMillis(): number },
): Promise<ResyncResult> {
  const { config, port, writer, clients, state, sts } = wire(env, secrets);
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
  logger.info(result.complete ? 'resync finished' : 'resync continues on the next invocation', { ...result, failures: result.failures.length, writes: config.webhookUrl ? 'ingest' : 'bulk-api' });
  return result;
}

import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type BatchWriteItemCommandOutput,
  type QueryCommandOutput,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { AppError, reasonOf } from '../../../shared/errors';
import type { Lease, LedgerEntry, RetryItem, SyncStateStore } from './store';

/**
 * The sync state in one DynamoDB table (resources/state-table.yml): key `pk` (kind: lease, ledger,
 * retry) + `sk` (Halo id, or `run` for the lease), TTL attribute `ttl` (epoch seconds). Reads are
 * strongly consistent; the lease is a conditional write. Only I/O here: the rules are in rules.ts.
 */
const TTL_ATTRIBUTE = 'ttl';

/** The state table could not be used (missing, throttled, unreachable): the run must stop. */
export class StateStoreError extends AppError {}

type Item = Record<string, AttributeValue>;
const S = (v: string): AttributeValue => ({ S: v });
const N = (v: number): AttributeValue => ({ N: String(Math.round(v)) });
const str = (item: Item, k: string): string => item[k]?.S ?? '';
const num = (item: Item, k: string): number => Number(item[k]?.N ?? 0);
const key = (pk: string, sk: string): Item => ({ pk: S(pk), sk: S(sk) });
const seconds = (ms: number): AttributeValue => N(Math.ceil(ms / 1000));
const LEASE = key('lease', 'run');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function ledgerItem(entry: LedgerEntry, expiresAt?: number): Item {
  return {
    ...key('ledger', entry.haloId),
    state: S(entry.state),
    runId: S(entry.runId),
    at: N(entry.at),
    ...(entry.state === 'created' ? { ticketId: S(entry.ticketId), ticketKey: S(entry.ticketKey) } : {}),
    ...(expiresAt !== undefined ? { [TTL_ATTRIBUTE]: seconds(expiresAt) } : {}),
  };
}

function ledgerEntry(item: Item): LedgerEntry {
  const base = { haloId: str(item, 'sk'), runId: str(item, 'runId'), at: num(item, 'at') };
  return str(item, 'state') === 'created'
    ? { ...base, state: 'created', ticketId: str(item, 'ticketId'), ticketKey: str(item, 'ticketKey') }
    : { ...base, state: 'intent' };
}

function retryItem(i: RetryItem): Item {
  return {
    ...key('retry', i.haloId),
    action: S(i.action),
    reason: S(i.reason || '-'),
    attempts: N(i.attempts),
    nextTryAt: N(i.nextTryAt),
    settingsHash: S(i.settingsHash),
    firstFailedAt: N(i.firstFailedAt),
    lastFailedAt: N(i.lastFailedAt),
  };
}

function retryOf(item: Item): RetryItem {
  return {
    haloId: str(item, 'sk'),
    action: str(item, 'action'),
    reason: str(item, 'reason'),
    attempts: num(item, 'attempts'),
    nextTryAt: num(item, 'nextTryAt'),
    settingsHash: str(item, 'settingsHash'),
    firstFailedAt: num(item, 'firstFailedAt'),
    lastFailedAt: num(item, 'lastFailedAt'),
  };
}

export interface DynamoStateOptions {
  table: string;
  /** Create the table when it is missing (the `local` stage; deployed stages may not create tables). */
  autoCreate?: boolean;
}

export class DynamoState implements SyncStateStore {
  private requests = 0;

  constructor(private readonly db: Pick<DynamoDBClient, 'send'>, private readonly opts: DynamoStateOptions) {}

  get requestCount(): number {
    return this.requests;
  }

  async ready(): Promise<void> {
    if (!this.opts.autoCreate) return; // a deployed stage: the first request names a missing table
    try {
      await this.call('describe', () => this.db.send(new DescribeTableCommand({ TableName: this.opts.table })));
    } catch (err) {
      if (!(err instanceof StateStoreError && err.cause instanceof ResourceNotFoundException)) throw err;
      await this.create();
    }
  }

  async acquireLease(lease: Lease, nowMs: number): Promise<boolean> {
    return this.conditional(() =>
      this.db.send(
        new PutItemCommand({
          TableName: this.opts.table,
          Item: { ...LEASE, owner: S(lease.owner), expiresAt: N(lease.expiresAt), [TTL_ATTRIBUTE]: seconds(lease.expiresAt + 86_400_000) },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': N(nowMs), ':owner': S(lease.owner) },
        }),
      ),
    );
  }

  async renewLease(lease: Lease): Promise<boolean> {
    return this.conditional(() =>
      this.db.send(
        new UpdateItemCommand({
          TableName: this.opts.table,
          Key: LEASE,
          UpdateExpression: 'SET expiresAt = :exp, #ttl = :ttl',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':exp': N(lease.expiresAt), ':ttl': seconds(lease.expiresAt + 86_400_000), ':owner': S(lease.owner) },
        }),
      ),
    );
  }

  async releaseLease(owner: string): Promise<void> {
    await this.conditional(() =>
      this.db.send(
        new DeleteItemCommand({
          TableName: this.opts.table,
          Key: LEASE,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': S(owner) },
        }),
      ),
    );
  }

  async readLease(): Promise<Lease | undefined> {
    const out = await this.call('read the lease', () => this.db.send(new GetItemCommand({ TableName: this.opts.table, Key: LEASE, ConsistentRead: true })));
    return out.Item ? { owner: str(out.Item, 'owner'), expiresAt: num(out.Item, 'expiresAt') } : undefined;
  }

  async readLedger(haloIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    const found = new Map<string, LedgerEntry>();
    const ids = [...new Set(haloIds)];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Item[] | undefined = ids.slice(i, i + 100).map((id) => key('ledger', id));
      for (let round = 0; keys && keys.length > 0; round++) {
        const request: Item[] = keys;
        const out: BatchGetItemCommandOutput = await this.call('read the create ledger', () =>
          this.db.send(new BatchGetItemCommand({ RequestItems: { [this.opts.table]: { Keys: request, ConsistentRead: true } } })),
        );
        for (const item of out.Responses?.[this.opts.table] ?? []) found.set(str(item, 'sk'), ledgerEntry(item));
        keys = out.UnprocessedKeys?.[this.opts.table]?.Keys;
        if (keys?.length) await this.backoff(round, 'read the create ledger');
      }
    }
    return found;
  }

  async writeLedger(entries: ReadonlyArray<{ entry: LedgerEntry; expiresAt?: number }>): Promise<void> {
    await this.batchWrite('write the create ledger', entries.map((e) => ({ PutRequest: { Item: ledgerItem(e.entry, e.expiresAt) } })));
  }

  async deleteLedger(haloIds: readonly string[]): Promise<void> {
    await this.batchWrite('clear the create ledger', haloIds.map((id) => ({ DeleteRequest: { Key: key('ledger', id) } })));
  }

  async retrySet(): Promise<RetryItem[]> {
    const items: RetryItem[] = [];
    let start: Item | undefined;
    do {
      const from: Item | undefined = start;
      const out: QueryCommandOutput = await this.call('read the retry set', () =>
        this.db.send(
          new QueryCommand({
            TableName: this.opts.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': S('retry') },
            ConsistentRead: true,
            ...(from ? { ExclusiveStartKey: from } : {}),
          }),
        ),
      );
      items.push(...(out.Items ?? []).map(retryOf));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async putRetry(items: readonly RetryItem[]): Promise<void> {
    await this.batchWrite('write the retry set', items.map((i) => ({ PutRequest: { Item: retryItem(i) } })));
  }

  async deleteRetry(haloIds: readonly string[]): Promise<void> {
    await this.batchWrite('clear the retry set', haloIds.map((id) => ({ DeleteRequest: { Key: key('retry', id) } })));
  }

  private async create(): Promise<void> {
    const table = this.opts.table;
    try {
      await this.call('create the table', () =>
        this.db.send(
          new CreateTableCommand({
            TableName: table,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
            SSESpecification: { Enabled: true },
          }),
        ),
      );
    } catch (err) {
      if (!(err instanceof StateStoreError && err.cause instanceof ResourceInUseException)) throw err; // another run created it
    }
    for (let round = 0; ; round++) {
      const out = await this.call('wait for the table', () => this.db.send(new DescribeTableCommand({ TableName: table })));
      if (out.Table?.TableStatus === 'ACTIVE') break;
      if (round >= 60) throw new StateStoreError(`state table ${table} did not become ACTIVE`, { table });
      await sleep(1000);
    }
    await this.call('enable TTL', () =>
      this.db.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } })),
    ).catch(() => undefined); // already enabled, or not supported by the local stand-in: expiry is housekeeping only
  }

  /** BatchWriteItem in 25s, resending what DynamoDB left unprocessed (throttling) with backoff. */
  private async batchWrite(what: string, requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: WriteRequest[] | undefined = requests.slice(i, i + 25);
      for (let round = 0; pending && pending.length > 0; round++) {
        const batch: WriteRequest[] = pending;
        const out: BatchWriteItemCommandOutput = await this.call(what, () => this.db.send(new BatchWriteItemCommand({ RequestItems: { [this.opts.table]: batch } })));
        pending = out.UnprocessedItems?.[this.opts.table];
        if (pending?.length) await this.backoff(round, what);
      }
    }
  }

  private async backoff(round: number, what: string): Promise<void> {
    if (round >= 8) throw new StateStoreError(`state table ${this.opts.table}: could not ${what}: DynamoDB kept items unprocessed (throttled)`, { table: this.opts.table });
    await sleep(Math.min(2000, 50 * 2 ** round) * Math.random());
  }

  /** A conditional write: false when the condition failed (the lease is someone else's). */
  private async conditional(op: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.call('write the run lease', op);
      return true;
    } catch (err) {
      if (err instanceof StateStoreError && err.cause instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  private async call<T>(what: string, op: () => Promise<T>): Promise<T> {
    this.requests++;
    try {
      return await op();
    } catch (err) {
      const hint = err instanceof ResourceNotFoundException ? ' (the table does not exist: deploy the stack, or set JIRA_SYNC_STATE_TABLE)' : '';
      throw new StateStoreError(`state table ${this.opts.table}: could not ${what}: ${reasonOf(err)}${hint}`, { table: this.opts.table }, { cause: err });
    }
  }
}

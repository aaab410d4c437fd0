import { partitionOf } from './partition';

/**
 * The per-source definitions shared by the event mappings (port/mappings/sources/<source>.json,
 * jq) and the resync (port/mappings/listing/<source>.ts, from AWS listings): which blueprints a
 * source fills, and which properties every write carries. Identifiers and property names must agree
 * on both sides; tests/unit/port/listing-parity.test.ts maps a sample event and the matching
 * listing of each source and compares them.
 */
export interface PortEntity {
  blueprint: string;
  identifier: string;
  title: string;
  /** Only what the producer knows: a property absent here is never written (never null). */
  properties: Record<string, unknown>;
  relations: Record<string, string | string[]>;
}

/** Where a listing was taken: every entity carries the account (relation) and region (property). */
export interface Scope {
  account: string;
  region: string;
  partition: string;
}

export const scopeOf = (account: string, region: string, partition = partitionOf(region)): Scope => ({ account, region, partition });

/**
 * Written by every upsert of a mapping; every other property is written only when the event
 * carries it (the generator splits it into its own mapping guarded by `!= null`).
 */
export const KEY_PROPERTIES: readonly string[] = ['arn', 'region'];

/** Blueprints per source, in delete order (dependents first). */
export const SOURCE_BLUEPRINTS: Readonly<Record<string, readonly string[]>> = {
  'aws.ec2': ['ec2Instance'],
  'aws.s3': ['s3Bucket'],
  'aws.rds': ['rdsDbInstance'],
  'aws.sqs': ['sqsQueue'],
  'aws.ecs': ['ecsTask', 'ecsService', 'ecsCluster'],
  'aws.eks': ['eksCluster'],
  'aws.lambda': ['lambdaFunction'],
};

export const ACCOUNT_BLUEPRINT = 'awsAccount';

export function accountEntity(scope: Scope): PortEntity {
  return { blueprint: ACCOUNT_BLUEPRINT, identifier: scope.account, title: scope.account, properties: {}, relations: {} };
}

/** Drops undefined/null values: a listing never writes what it does not know. */
export function known(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

/** `[{Key, Value}]` (EC2, RDS, S3) → `{key: value}`. */
export function tagMap(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key as string, t.Value ?? '']));
}

export const lastSegment = (arn: string, sep = '/'): string => arn.split(sep).pop() ?? arn;

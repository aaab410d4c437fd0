import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { PortEntity, Scope } from '../../../port/mappings/definitions';
import type { Deadline } from '../../../shared/http/retry';

/** The account's resources of one source, as Port entities; `complete` is false when the deadline cut the listing short. */
export interface Listing {
  entities: PortEntity[];
  complete: boolean;
}

export interface AwsClients {
  ec2: EC2Client;
  s3: S3Client;
  rds: RDSClient;
  sqs: SQSClient;
  ecs: ECSClient;
  eks: EKSClient;
  lambda: LambdaClient;
}

export interface ListContext {
  clients: AwsClients;
  scope: Scope;
  deadline: Deadline;
  /** Per-resource detail calls in flight at once (tags, attributes, describes). */
  concurrency: number;
}

export type Lister = (ctx: ListContext) => Promise<Listing>;

/** Stop listing this long before the deadline: room to write what was listed. */
const LISTING_RESERVE_MS = 5_000;

export const outOfTime = (deadline: Deadline): boolean => deadline.remainingMs() < LISTING_RESERVE_MS;

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const chunk = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** AWS error names meaning "this resource has no such sub-resource" (e.g. a bucket without tags). */
export const isMissing = (err: unknown, ...names: string[]): boolean => names.includes((err as { name?: string }).name ?? '');

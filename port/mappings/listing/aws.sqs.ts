import { known, lastSegment, type PortEntity, type Scope } from '../definitions';

/**
 * Configured attributes only: counters such as ApproximateNumberOfMessages change all the time and
 * would make every resync write every queue.
 */
export const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'KmsMasterKeyId',
  'SqsManagedSseEnabled',
] as const;

/** Same identifier (queue ARN) and properties as `aws.sqs.json`. */
export function sqsQueue(url: string, attributes: Record<string, string>, tags: Record<string, string>, scope: Scope): PortEntity {
  const name = lastSegment(url);
  const arn = attributes.QueueArn ?? `arn:${scope.partition}:sqs:${scope.region}:${scope.account}:${name}`;
  const configured = Object.fromEntries(QUEUE_ATTRIBUTES.filter((k) => attributes[k] !== undefined).map((k) => [k, attributes[k]]));
  return {
    blueprint: 'sqsQueue',
    identifier: arn,
    title: name,
    properties: known({ url, arn, region: scope.region, fifo: name.endsWith('.fifo'), attributes: configured, tags }),
    relations: { account: scope.account },
  };
}

import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { NotFoundError, UsageError } from '../../shared/cli';

/**
 * Where the events queue and its DLQ are: explicit URLs (options, then EVENTS_QUEUE_URL /
 * DEAD_LETTER_QUEUE_URL), else the outputs of the deployed stack `halo-jira-port-<stage>`.
 * Every location is resolved through GetQueueUrl, which proves the queue exists and yields a URL
 * on the endpoint the SDK talks to (a stack output may name the public host of another endpoint).
 */
export interface QueueRef {
  /** Where it came from, for messages: "--dlq-url", "stack halo-jira-port-dev output DeadLetterQueueArn". */
  origin: string;
  name: string;
  accountId?: string;
}

export interface Queue {
  url: string;
  arn: string;
  name: string;
}

export const stackName = (stage: string): string => `halo-jira-port-${stage}`;

/** Output keys of resources/outputs.yml, ARN first: it gives name, account and region in one string. */
export const STACK_OUTPUTS = {
  events: ['EventsQueueArn', 'EventsQueueUrl'],
  deadLetter: ['DeadLetterQueueArn', 'DeadLetterQueueUrl'],
} as const;

/** `https://sqs.eu-west-1.amazonaws.com/123456789012/name` or `arn:aws:sqs:eu-west-1:123456789012:name`. */
export function parseQueueLocation(location: string, origin: string): QueueRef & { region?: string } {
  const arn = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(location);
  if (arn) return { origin, region: arn[1], accountId: arn[2], name: arn[3] as string };
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new UsageError(`${origin}: "${location}" is neither a queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>) nor a queue ARN`);
  }
  const parts = url.pathname.split('/').filter(Boolean);
  const name = parts.at(-1);
  if (!name) throw new UsageError(`${origin}: "${location}" has no queue name in its path`);
  const accountId = parts.length >= 2 && /^\d{12}$/.test(parts.at(-2) as string) ? parts.at(-2) : undefined;
  const region = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.host)?.[1];
  return { origin, name, accountId, region };
}

export async function stackOutputs(cfn: Pick<CloudFormationClient, 'send'>, stage: string): Promise<Record<string, string>> {
  const name = stackName(stage);
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    const stack = out.Stacks?.[0];
    if (!stack) throw new Error('no stack returned');
    return Object.fromEntries((stack.Outputs ?? []).filter((o) => o.OutputKey && o.OutputValue).map((o) => [o.OutputKey as string, o.OutputValue as string]));
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (e.name === 'ValidationError' || /does not exist/i.test(e.message ?? '')) {
      throw new NotFoundError(
        `stack ${name} not found (stage "${stage}"): deploy with \`sls deploy --stage ${stage}\`, pick the stage with --stage, ` +
          'or pass the queues with --dlq-url / --queue-url (env DEAD_LETTER_QUEUE_URL / EVENTS_QUEUE_URL)',
      );
    }
    throw err;
  }
}

export function pickOutput(outputs: Record<string, string>, keys: readonly string[], stage: string): { key: string; value: string } {
  for (const key of keys) {
    const value = outputs[key];
    if (value) return { key, value };
  }
  throw new NotFoundError(
    `stack ${stackName(stage)} has none of the outputs ${keys.join(', ')} (it has: ${Object.keys(outputs).join(', ') || 'none'}): ` +
      'redeploy it with this version, or pass --dlq-url / --queue-url',
  );
}

export async function resolveQueue(sqs: Pick<SQSClient, 'send'>, ref: QueueRef): Promise<Queue> {
  let url: string | undefined;
  try {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: ref.name, QueueOwnerAWSAccountId: ref.accountId }))).QueueUrl;
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    if (/QueueDoesNotExist|NonExistentQueue/.test(name)) {
      throw new NotFoundError(`queue "${ref.name}" (from ${ref.origin}) does not exist in this account/region: check --region, --stage or the URL`);
    }
    throw err;
  }
  if (!url) throw new NotFoundError(`queue "${ref.name}" (from ${ref.origin}) has no URL`);
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: attrs.Attributes?.QueueArn ?? '', name: ref.name };
}

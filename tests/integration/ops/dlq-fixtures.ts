import { drainQueue } from '../../../local/aws/sqs';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SqsDeadLetterQueue } from '../../../functions/portForwarder/dead-letter';

/** The stack shape of resources/queues.yml + outputs.yml, reduced to what `npm run dlq` reads. */
export function queueStackTemplate(stage: string): string {
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `halo-jira-port-${stage}-events-dlq` } },
      EventsQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: `halo-jira-port-${stage}-events`,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }, maxReceiveCount: 1 },
        },
      },
    },
    Outputs: {
      EventsQueueUrl: { Value: { Ref: 'EventsQueue' } },
      EventsQueueArn: { Value: { 'Fn::GetAtt': ['EventsQueue', 'Arn'] } },
      DeadLetterQueueUrl: { Value: { Ref: 'DeadLetterQueue' } },
      DeadLetterQueueArn: { Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    },
  });
}

export async function deployQueueStack(cfn: CloudFormationClient, sqs: SQSClient, stage: string): Promise<{ eventsUrl: string; dlqUrl: string }> {
  const StackName = `halo-jira-port-${stage}`;
  await cfn.send(new CreateStackCommand({ StackName, TemplateBody: queueStackTemplate(stage) }));
  const status = (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks?.[0]?.StackStatus;
  if (status !== 'CREATE_COMPLETE') throw new Error(`stack ${StackName}: ${status}`);
  // Stack outputs name the public SQS host; the API answers with URLs on the local endpoint.
  const url = async (QueueName: string): Promise<string> => (await sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl as string;
  return { eventsUrl: await url(`${StackName}-events`), dlqUrl: await url(`${StackName}-events-dlq`) };
}

export const ebEvent = (source: string, id: string): string =>
  JSON.stringify({
    version: '0',
    id,
    'detail-type': 'Test Event',
    source,
    account: '123456789012',
    time: '2026-11-23T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: { n: id },
  });

/** Dead letters exactly as portForwarder writes them (its own SqsDeadLetterQueue). */
export async function forwarderDeadLetter(
  sqs: SQSClient,
  dlqUrl: string,
  letter: { messageId: string; body: string; reason: string; errorClass: 'PortRejected' | 'InvalidJson'; source: string; receiveCount?: string },
  failedAt: Date,
): Promise<void> {
  const unsent = await new SqsDeadLetterQueue(dlqUrl, sqs, () => failedAt).send([
    {
      record: { messageId: letter.messageId, body: letter.body, attributes: { ApproximateReceiveCount: letter.receiveCount ?? '1' } },
      reason: letter.reason,
      errorClass: letter.errorClass,
      source: letter.source,
    },
  ]);
  if (unsent.size > 0) throw new Error('forwarder could not dead-letter the fixture');
}

/** A message SQS itself moves to the DLQ: received maxReceiveCount (1) times, never deleted. */
export async function redrivenLetter(sqs: SQSClient, eventsUrl: string, dlqUrl: string, body: string): Promise<void> {
  const before = await visibleCount(sqs, dlqUrl);
  await sqs.send(new SendMessageCommand({ QueueUrl: eventsUrl, MessageBody: body }));
  for (let i = 0; i < 5 && (await visibleCount(sqs, dlqUrl)) === before; i++) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: eventsUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
    for (const m of got.Messages ?? []) {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: eventsUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    }
  }
  if ((await visibleCount(sqs, dlqUrl)) === before) throw new Error('SQS redrive did not move the fixture to the DLQ');
}

/** What EventBridge puts in a target DLQ: the event plus its error attributes (rule-dlq docs). */
export async function eventBridgeLetter(sqs: SQSClient, dlqUrl: string, body: string): Promise<void> {
  const s = (v: string) => ({ DataType: 'String', StringValue: v });
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: dlqUrl,
      MessageBody: body,
      MessageAttributes: {
        RULE_ARN: s('arn:aws:events:eu-west-1:123456789012:rule/halo-jira-port-itest-events'),
        TARGET_ARN: s('arn:aws:sqs:eu-west-1:123456789012:halo-jira-port-itest-events'),
        ERROR_CODE: s('SDK_CLIENT_ERROR'),
        ERROR_MESSAGE: s('Unable to invoke target: KMS access denied'),
        RETRY_ATTEMPTS: s('2'),
      },
    }),
  );
}

export async function counts(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number }> {
  const a = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))
  ).Attributes ?? {};
  return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}

const visibleCount = async (sqs: SQSClient, url: string): Promise<number> => (await counts(sqs, url)).visible;

/** Drains a queue (test-side consumer), returning what it held. */
export const drain = drainQueue;

import { drainQueue } from '../../../local/aws/sqs';
import { deployLocalStack, type RenderedResources } from '../../../local/aws/stack';
import type { AwsTarget } from '../../../local/aws/target';
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SqsDeadLetterQueue } from '../../../functions/portForwarder/dead-letter';

/**
 * The stack's own queues (resources/, deployed as `halo-jira-port-<stage>` so `npm run dlq --stage`
 * finds them by its outputs), with maxReceiveCount 1 so one failed receive redrives a message.
 */
export async function deployQueueStack(aws: AwsTarget, resources: RenderedResources, stage: string): Promise<{ eventsUrl: string; dlqUrl: string }> {
  const stack = await deployLocalStack(aws, { resources, stage, queuesOnly: true, eventsQueue: { maxReceiveCount: 1 } });
  return { eventsUrl: stack.events.url, dlqUrl: stack.deadLetter.url };
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

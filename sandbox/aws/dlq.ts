import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterRow } from '../snapshot';
import type { AwsTarget } from './stack';

/**
 * Reads the dead-letter queue for the dashboard without consuming it: messages are received with
 * VisibilityTimeout 0, so they stay available to the operator's DLQ commands.
 */
export class DeadLetterPeek {
  private readonly sqs: SQSClient;
  private readonly seen = new Map<string, DeadLetterRow>();

  constructor(aws: AwsTarget, private readonly queueUrl: string) {
    this.sqs = new SQSClient(aws.client);
  }

  async read(max = 50): Promise<{ count: number; messages: DeadLetterRow[] }> {
    const attrs = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    const count = Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    // Someone redrove or purged the queue: forget what we listed.
    if (count < this.seen.size) this.seen.clear();
    if (count > this.seen.size && this.seen.size < max) {
      const out = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      for (const m of out.Messages ?? []) {
        if (!m.MessageId || this.seen.has(m.MessageId)) continue;
        const sent = Number(m.Attributes?.SentTimestamp ?? Date.now());
        this.seen.set(m.MessageId, {
          messageId: m.MessageId,
          sentAt: new Date(sent).toISOString(),
          reason: m.MessageAttributes?.reason?.StringValue ?? '(no reason attribute: delivered here by SQS redrive or the rule)',
          excerpt: (m.Body ?? '').slice(0, 240),
        });
      }
    }
    const messages = [...this.seen.values()].sort((a, b) => b.sentAt.localeCompare(a.sentAt)).slice(0, max);
    return { count, messages };
  }

  close(): void {
    this.sqs.destroy();
  }
}

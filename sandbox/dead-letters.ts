import { SQSClient } from '@aws-sdk/client-sqs';
import { depth, peekLetters, type ReceiveOptions } from '../ops/dlq/peek';
import type { AwsTarget } from '../local/aws/target';
import type { DeadLetterRow } from './snapshot';

/**
 * The dead-letter queue as the dashboard shows it, read with `npm run dlq`'s own reader (ops/dlq):
 * the same reason for each letter, nothing consumed. Letters are peeked again only when the
 * queue's depth changes, so a dashboard refresh does not receive every message each time.
 */
const DASHBOARD_PEEK: ReceiveOptions = { holdSeconds: 5, waitSeconds: 0 };
const EXCERPT = 240;

export class DeadLetters {
  private readonly sqs: SQSClient;
  private last: { count: number; messages: DeadLetterRow[] } = { count: 0, messages: [] };

  constructor(aws: AwsTarget, private readonly queueUrl: string, private readonly now: () => Date = () => new Date()) {
    this.sqs = new SQSClient(aws.client);
  }

  async read(max = 50): Promise<{ count: number; messages: DeadLetterRow[] }> {
    const d = await depth(this.sqs, this.queueUrl);
    const count = d.visible + d.inFlight + d.delayed;
    // Unchanged depth and every letter listed: nothing new to show.
    if (count === this.last.count && this.last.messages.length >= Math.min(count, max)) return this.last;
    const letters = count === 0 ? [] : await peekLetters(this.sqs, this.queueUrl, max, this.now(), DASHBOARD_PEEK);
    const messages = letters
      .map((l) => ({ messageId: l.messageId, sentAt: (l.since ?? this.now()).toISOString(), reason: l.reason, excerpt: l.body.slice(0, EXCERPT) }))
      .sort((a, b) => b.sentAt.localeCompare(a.sentAt));
    this.last = { count, messages };
    return this.last;
  }

  close(): void {
    this.sqs.destroy();
  }
}

import type { MessageAttributeValue, SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '../../shared/observability';
import type { Redelivery } from './retry-budget';
import type { RejectClass, SqsRecordLike } from './triage';

/**
 * Permanently undeliverable records go to the DLQ explicitly, body unchanged (so they can be
 * redriven once fixed), with the reason in message attributes.
 */
type DeadLetterClass = RejectClass | Extract<Redelivery, { kind: 'dead-letter' }>['errorClass'];

export interface DeadLetter {
  record: SqsRecordLike;
  reason: string;
  errorClass: DeadLetterClass;
  source: string;
}

export interface DeadLetterQueue {
  /** Sends the letters; resolves with the messageIds that could NOT be dead-lettered. */
  send(letters: readonly DeadLetter[]): Promise<Set<string>>;
}

/** Message attribute names on a dead letter; `npm run dlq` reads them back. */
export const DEAD_LETTER_ATTRIBUTE = {
  reason: 'reason',
  errorClass: 'errorClass',
  originalMessageId: 'originalMessageId',
  source: 'source',
  firstFailureTime: 'firstFailureTime',
  receiveCount: 'receiveCount',
} as const;

/** A redriven record keeps the time it first failed. */
export function deadLetterAttributes(letter: DeadLetter, now: Date): Record<string, MessageAttributeValue> {
  const r = letter.record;
  const A = DEAD_LETTER_ATTRIBUTE;
  const earlier = r.messageAttributes?.[A.firstFailureTime]?.stringValue;
  const attr = (v: string): MessageAttributeValue => ({ DataType: 'String', StringValue: v.slice(0, 1024) || '-' });
  return {
    [A.reason]: attr(letter.reason),
    [A.errorClass]: attr(letter.errorClass),
    [A.originalMessageId]: attr(r.messageId),
    [A.source]: attr(letter.source),
    [A.firstFailureTime]: attr(earlier ?? now.toISOString()),
    [A.receiveCount]: { DataType: 'Number', StringValue: r.attributes?.ApproximateReceiveCount ?? '1' },
  };
}

// SendMessageBatch: ≤ 10 entries and ≤ 256 KiB in total; a bigger message goes alone.
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024 - 8 * 1024;

export function chunkLetters(letters: readonly DeadLetter[]): DeadLetter[][] {
  const chunks: DeadLetter[][] = [];
  let current: DeadLetter[] = [];
  let bytes = 0;
  for (const l of letters) {
    const size = Buffer.byteLength(l.record.body) + 2048;
    if (current.length > 0 && (current.length >= MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(l);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly queueUrl: string,
    private sqs?: Pick<SQSClient, 'send'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<Set<string>> {
    // Loaded on first use: most invocations never dead-letter, so cold starts skip the SDK.
    const { SendMessageBatchCommand, SQSClient } = await import('@aws-sdk/client-sqs');
    // The queue URL's host may not be the SQS endpoint (moto, VPC endpoints): use the configured one.
    this.sqs ??= new SQSClient({ useQueueUrlAsEndpoint: false, maxAttempts: 3 });
    const sqs = this.sqs;
    const unsent = new Set<string>();
    await Promise.all(
      chunkLetters(letters).map(async (chunk) => {
        const entries: SendMessageBatchRequestEntry[] = chunk.map((l, i) => ({
          Id: String(i),
          MessageBody: l.record.body === '' ? '(empty body)' : l.record.body,
          MessageAttributes: deadLetterAttributes(l, this.now()),
        }));
        try {
          const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
          for (const f of out.Failed ?? []) {
            const letter = chunk[Number(f.Id)];
            if (letter) unsent.add(letter.record.messageId);
          }
        } catch (err) {
          logger.warn('dead-letter send failed; records stay on the queue', { error: (err as Error).name, records: chunk.length });
          for (const l of chunk) unsent.add(l.record.messageId);
        }
      }),
    );
    return unsent;
  }
}

import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { readLetter, type Letter } from './letter';

/**
 * Reading a queue without consuming it. SQS has no real peek: we receive with a short visibility
 * timeout and hand every message back at once (visibility 0). A crash in between only hides the
 * messages for `holdSeconds`; nothing is ever deleted here.
 */
export type Sqs = Pick<SQSClient, 'send'>;

export interface ReceiveOptions {
  /** How long received messages stay hidden from other consumers. */
  holdSeconds: number;
  /** Long-poll wait: > 0 asks every SQS server, so an empty answer means "nothing left". */
  waitSeconds: number;
}

export const PEEK_DEFAULTS: ReceiveOptions = { holdSeconds: 30, waitSeconds: 1 };

export async function receive(sqs: Sqs, queueUrl: string, max: number, opts: ReceiveOptions): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
      VisibilityTimeout: opts.holdSeconds,
      WaitTimeSeconds: opts.waitSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
}

/** Makes messages visible again now. Returns how many SQS refused (they reappear after their timeout anyway). */
export async function release(sqs: Sqs, queueUrl: string, messages: readonly Message[]): Promise<number> {
  let refused = 0;
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    const out = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
    refused += out.Failed?.length ?? 0;
  }
  return refused;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

export async function depth(sqs: Sqs, queueUrl: string): Promise<QueueDepth> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = out.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** Up to `limit` letters, each once, all handed back before returning (even on error). */
export async function peekLetters(sqs: Sqs, queueUrl: string, limit: number, now: Date, opts: ReceiveOptions = PEEK_DEFAULTS): Promise<Letter[]> {
  const held: Message[] = [];
  const seen = new Set<string>();
  const letters: Letter[] = [];
  try {
    while (letters.length < limit) {
      const batch = await receive(sqs, queueUrl, limit - letters.length, opts);
      if (batch.length === 0) break;
      held.push(...batch);
      for (const m of batch) {
        if (seen.has(m.MessageId ?? '') || letters.length >= limit) continue;
        seen.add(m.MessageId ?? '');
        letters.push(readLetter(m, now));
      }
    }
  } finally {
    await release(sqs, queueUrl, held);
  }
  return letters;
}

import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { chunkLetters, deadLetterAttributes, SqsDeadLetterQueue, type DeadLetter } from '../../../functions/portForwarder/dead-letter';
import { sqsRecord } from './factories';

const letter = (body = 'not json', extra: Partial<DeadLetter> = {}): DeadLetter => ({
  record: sqsRecord(body, { attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1' } }),
  reason: 'body is not JSON',
  errorClass: 'InvalidJson',
  source: 'unknown',
  ...extra,
});

describe('deadLetterAttributes', () => {
  const now = new Date('2026-11-23T12:00:00.000Z');

  it('carries reason, error class, original id, source, first-failure time and receive count', () => {
    const l = letter();
    expect(deadLetterAttributes(l, now)).toEqual({
      reason: { DataType: 'String', StringValue: 'body is not JSON' },
      errorClass: { DataType: 'String', StringValue: 'InvalidJson' },
      originalMessageId: { DataType: 'String', StringValue: l.record.messageId },
      source: { DataType: 'String', StringValue: 'unknown' },
      firstFailureTime: { DataType: 'String', StringValue: '2026-11-23T12:00:00.000Z' },
      receiveCount: { DataType: 'Number', StringValue: '3' },
    });
  });

  it('keeps the first-failure time of a redriven record', () => {
    const l = letter();
    l.record.messageAttributes = { firstFailureTime: { stringValue: '2026-01-01T00:00:00.000Z' } };
    expect(deadLetterAttributes(l, now).firstFailureTime?.StringValue).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('chunkLetters', () => {
  it('keeps SendMessageBatch within 10 entries and 256 KiB', () => {
    const small = Array.from({ length: 23 }, () => letter());
    expect(chunkLetters(small).map((c) => c.length)).toEqual([10, 10, 3]);
    const big = Array.from({ length: 5 }, () => letter('x'.repeat(100_000)));
    const chunks = chunkLetters(big);
    expect(chunks.flat()).toEqual(big);
    for (const c of chunks) expect(c.reduce((n, l) => n + l.record.body.length, 0)).toBeLessThan(256 * 1024);
  });
});

describe('SqsDeadLetterQueue', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('sends bodies unchanged with attributes and returns the ids SQS refused', async () => {
    const letters = Array.from({ length: 12 }, (_, i) => letter(`body-${i}`));
    sqs.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: [],
      Failed: input.Entries[0].MessageBody === 'body-10' ? [{ Id: '1', Code: 'X', SenderFault: false }] : [],
    }));
    const unsent = await new SqsDeadLetterQueue('http://q/dlq').send(letters);
    expect([...unsent]).toEqual([letters[11]!.record.messageId]);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(2);
    const first = calls[0]!.args[0].input;
    expect(first.QueueUrl).toBe('http://q/dlq');
    expect(first.Entries?.[3]?.MessageBody).toBe('body-3');
    expect(first.Entries?.[3]?.MessageAttributes?.reason?.StringValue).toBe('body is not JSON');
  });

  it('reports a whole chunk as unsent when the call fails', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('network down'));
    const letters = [letter(), letter()];
    const unsent = await new SqsDeadLetterQueue('http://q/dlq').send(letters);
    expect(unsent).toEqual(new Set(letters.map((l) => l.record.messageId)));
  });
});

import type { SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '../../shared/observability';
import type { SqsRecordLike } from './triage';

/**
 * The events queue as the retry budget needs it: its redrive maxReceiveCount (read once per
 * container from the queue itself, so it can never disagree with the deployed RedrivePolicy) and
 * ChangeMessageVisibility for the records put back with a delay.
 */
export interface Redeliveries {
  maxReceiveCount(record: SqsRecordLike): Promise<number | undefined>;
  /** Best effort: a record whose change fails keeps the queue's visibility timeout. */
  delay(changes: ReadonlyArray<{ record: SqsRecordLike; seconds: number }>): Promise<void>;
}

/** `arn:aws:sqs:eu-west-1:123456789012:name` → `https://sqs.eu-west-1.amazonaws.com/123456789012/name`. */
function queueUrlOf(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(arn);
  return m ? `https://sqs.${m[1]}.amazonaws.com/${m[2]}/${m[3]}` : undefined;
}

function maxReceiveCountOf(redrivePolicy: string | undefined): number | undefined {
  if (!redrivePolicy) return undefined;
  try {
    const n = Number((JSON.parse(redrivePolicy) as { maxReceiveCount?: unknown }).maxReceiveCount);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

const MAX_BATCH = 10;

export class SqsRedeliveries implements Redeliveries {
  private readonly redrive = new Map<string, Promise<number | undefined>>();

  constructor(private sqs?: Pick<SQSClient, 'send'>) {}

  private async client(): Promise<Pick<SQSClient, 'send'>> {
    // Loaded on first use: most invocations deliver everything and never need it.
    const { SQSClient: Client } = await import('@aws-sdk/client-sqs');
    // The URL is built from the ARN; requests go to the configured endpoint (moto, VPC endpoints).
    this.sqs ??= new Client({ useQueueUrlAsEndpoint: false, maxAttempts: 3 });
    return this.sqs;
  }

  maxReceiveCount(record: SqsRecordLike): Promise<number | undefined> {
    const url = queueUrlOf(record.eventSourceARN ?? '');
    if (!url) return Promise.resolve(undefined);
    let known = this.redrive.get(url);
    if (!known) {
      known = this.readRedrive(url);
      this.redrive.set(url, known);
    }
    return known;
  }

  private async readRedrive(url: string): Promise<number | undefined> {
    try {
      const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
      const out = await (await this.client()).send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }));
      return maxReceiveCountOf(out.Attributes?.RedrivePolicy);
    } catch (err) {
      this.redrive.delete(url); // ask again next invocation
      logger.warn('could not read the events queue redrive policy; retrying on the time budget only', { error: (err as Error).name });
      return undefined;
    }
  }

  async delay(changes: ReadonlyArray<{ record: SqsRecordLike; seconds: number }>): Promise<void> {
    const byQueue = new Map<string, Array<{ handle: string; seconds: number }>>();
    for (const { record, seconds } of changes) {
      const url = queueUrlOf(record.eventSourceARN ?? '');
      if (!url || !record.receiptHandle) continue;
      byQueue.set(url, [...(byQueue.get(url) ?? []), { handle: record.receiptHandle, seconds }]);
    }
    if (byQueue.size === 0) return;
    const { ChangeMessageVisibilityBatchCommand } = await import('@aws-sdk/client-sqs');
    const sqs = await this.client();
    const sends: Array<Promise<unknown>> = [];
    for (const [url, all] of byQueue) {
      for (let i = 0; i < all.length; i += MAX_BATCH) {
        const Entries = all.slice(i, i + MAX_BATCH).map((c, j) => ({ Id: String(j), ReceiptHandle: c.handle, VisibilityTimeout: c.seconds }));
        sends.push(
          sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries })).then(
            (out) => {
              if (out.Failed?.length) logger.warn('some redelivery delays were not applied; those records return after the queue visibility timeout', { failed: out.Failed.length });
            },
            (err: Error) => logger.warn('redelivery delays not applied; records return after the queue visibility timeout', { error: err.name, records: Entries.length }),
          ),
        );
      }
    }
    await Promise.all(sends);
  }
}

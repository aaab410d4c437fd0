import { drainQueue } from '../../../local/aws/sqs';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Moto } from '../../../local/aws/moto';
import { deployLocalStack, renderResources, type RenderedResources } from '../../../local/aws/stack';
import type { AwsTarget } from '../../../local/aws/target';

/**
 * Test harness around the real handler: loads it in a fresh module registry (a cold start) with
 * the given environment, and plays Lambda's SQS event source mapping against moto's SQS.
 */
export type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function coldStart(env: Record<string, string>): Handler {
  Object.assign(process.env, env);
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    handler = (require('../../../functions/portForwarder/handler') as { handler: Handler }).handler;
  });
  return handler as Handler;
}

/** A Lambda context whose deadline is `budgetMs` from now. */
export function lambdaContext(budgetMs: number, functionName = 'halo-jira-port-test-portForwarder'): Context & { deadlineAt: number } {
  const deadlineAt = Date.now() + budgetMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => deadlineAt - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    deadlineAt,
  };
}

export function sqsClient(moto: Moto): SQSClient {
  return new SQSClient({ endpoint: moto.endpoint, region: moto.env.AWS_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

let rendered: Promise<RenderedResources> | undefined;

/**
 * The stack's own events queue and DLQ (resources/), deployed as stage `name` (queues
 * `halo-jira-port-<name>-events[-dlq]`), with faster redelivery so tests need not wait minutes.
 */
export async function createQueues(aws: AwsTarget, name: string, opts: { maxReceiveCount?: number; visibilityTimeout?: number } = {}) {
  rendered ??= renderResources();
  const stack = await deployLocalStack(aws, {
    resources: await rendered,
    stage: name,
    queuesOnly: true,
    eventsQueue: { maxReceiveCount: opts.maxReceiveCount, visibilityTimeout: opts.visibilityTimeout },
  });
  return { queueUrl: stack.events.url, dlqUrl: stack.deadLetter.url, queueArn: stack.events.arn };
}

export function toRecord(m: Message, queueArn: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId as string,
    receiptHandle: m.ReceiptHandle as string,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? '0',
      SenderId: a.SenderId ?? 'test',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '0',
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { stringValue: v.StringValue, dataType: v.DataType as string }]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'eu-west-1',
  };
}

/** Everything left in a queue (visible and in flight). */
export async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const a = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

export const receiveAll = drainQueue;

export interface Invocation {
  records: number;
  failures: number;
  /** ms left before the Lambda deadline when the handler returned (negative = overran). */
  slackMs: number;
}

/**
 * Lambda's SQS poller, as AWS runs it with ReportBatchItemFailures: receive a batch, invoke,
 * delete every record not listed in batchItemFailures. Failures reappear after the visibility
 * timeout and moto's redrive moves them to the DLQ after maxReceiveCount receives.
 */
export async function pollUntilEmpty(
  sqs: SQSClient,
  q: { queueUrl: string; queueArn: string },
  handler: Handler,
  opts: { batchSize: number; budgetMs: number; parallel: number; giveUpAfterMs: number },
): Promise<Invocation[]> {
  const invocations: Invocation[] = [];
  const end = Date.now() + opts.giveUpAfterMs;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const r = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: q.queueUrl,
          MaxNumberOfMessages: opts.batchSize,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          AttributeNames: ['All'],
        }),
      );
      const messages = r.Messages ?? [];
      if (messages.length === 0) {
        if ((await queueDepth(sqs, q.queueUrl)) === 0) return;
        continue;
      }
      const records = messages.map((m) => toRecord(m, q.queueArn));
      const context = lambdaContext(opts.budgetMs);
      const response = await handler({ Records: records }, context);
      invocations.push({ records: records.length, failures: response.batchItemFailures.length, slackMs: context.deadlineAt - Date.now() });
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      const done = records.filter((rec) => !failed.has(rec.messageId));
      if (done.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: q.queueUrl,
            Entries: done.map((rec, i) => ({ Id: String(i), ReceiptHandle: rec.receiptHandle })),
          }),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: opts.parallel }, worker));
  return invocations;
}

import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Receives everything a queue holds (a test-side consumer), with attributes. Messages stay
 * invisible for 5 minutes, so none comes round twice during the drain; none is deleted.
 */
export async function drainQueue(sqs: SQSClient, url: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 300, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
    );
    if (!got.Messages?.length) return out;
    out.push(...got.Messages);
  }
}

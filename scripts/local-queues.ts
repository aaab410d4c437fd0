/**
 * Creates the local stage's events queue and DLQ (with redrive) in the local AWS named by
 * AWS_ENDPOINT_URL — for `sls invoke local --stage local` and `sls offline` without `npm start`.
 *   AWS_ENDPOINT_URL=http://127.0.0.1:5000 npx tsx scripts/local-queues.ts
 * Refuses to run without AWS_ENDPOINT_URL, so it can never touch a real account by accident.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

const PREFIX = 'halo-jira-port-local-events';

async function main(): Promise<void> {
  if (!process.env.AWS_ENDPOINT_URL) {
    process.stderr.write('AWS_ENDPOINT_URL is not set: point it at the local AWS (e.g. http://127.0.0.1:5000 for moto_server)\n');
    process.exit(2);
  }
  const sqs = new SQSClient({ region: process.env.AWS_REGION ?? 'eu-west-1' });
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${PREFIX}-dlq`, Attributes: { MessageRetentionPeriod: '1209600' } }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const events = await sqs.send(
    new CreateQueueCommand({
      QueueName: PREFIX,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 5 }), VisibilityTimeout: '185' },
    }),
  );
  process.stdout.write(`EVENTS_QUEUE_URL=${events.QueueUrl}\nDEAD_LETTER_QUEUE_URL=${dlq.QueueUrl}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});

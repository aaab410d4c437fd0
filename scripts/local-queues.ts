/**
 * Deploys the local stage's queues, DLQ and EventBridge rule — the stack's own resources/, as
 * `npm start` does — into the local AWS named by AWS_ENDPOINT_URL, for `sls invoke local --stage
 * local` and `sls offline` without `npm start`. Prints the queue URLs; run again, it prints them again.
 *   AWS_ENDPOINT_URL=http://127.0.0.1:5000 npx tsx scripts/local-queues.ts
 * Refuses to run without AWS_ENDPOINT_URL, so it can never touch a real account by accident.
 */
import { deployLocalStack, describeLocalStack, renderResources, type LocalStack } from '../local/aws/stack';
import { awsTarget } from '../local/aws/target';

const STACK_NAME = 'halo-jira-port-local';

async function main(): Promise<void> {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) {
    process.stderr.write('AWS_ENDPOINT_URL is not set: point it at the local AWS (e.g. http://127.0.0.1:5000 for moto_server)\n');
    process.exit(2);
  }
  const aws = awsTarget(endpoint, process.env.AWS_REGION ?? 'eu-west-1');
  let stack: LocalStack;
  try {
    stack = await deployLocalStack(aws, { resources: await renderResources(), stackName: STACK_NAME });
  } catch (err) {
    if ((err as { name?: string }).name !== 'AlreadyExistsException') throw err;
    stack = await describeLocalStack(aws, STACK_NAME);
  }
  process.stdout.write(`EVENTS_QUEUE_URL=${stack.events.url}\nDEAD_LETTER_QUEUE_URL=${stack.deadLetter.url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});

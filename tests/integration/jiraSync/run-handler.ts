/**
 * Runs the jiraSync Lambda handler once in this process, configured by environment variables
 * only, as a scheduler would; prints the summary as one JSON line. Used by the kill test.
 */
import type { Context } from 'aws-lambda';
import { handler } from '../../../functions/jiraSync/handler';

const budgetMs = Number(process.env.RUN_BUDGET_MS ?? 900_000);
const end = Date.now() + budgetMs;
const context = {
  functionName: 'halo-jira-port-test-jiraSync',
  awsRequestId: `run-${process.pid}`,
  getRemainingTimeInMillis: () => end - Date.now(),
} as unknown as Context;

handler({}, context)
  .then((summary) => {
    const { planned: _planned, ...rest } = summary;
    process.stdout.write(`${JSON.stringify(rest)}\n`);
    process.exit(0);
  })
  .catch((err: unknown) => {
    process.stderr.write(`${(err as Error).name}: ${(err as Error).message}\n`);
    process.exit(1);
  });

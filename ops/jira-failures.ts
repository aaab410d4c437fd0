import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Command } from 'commander';
import { DynamoState } from '../functions/jiraSync/state/dynamodb';
import { failuresTable, forgetFailures, listFailures, retryFailures } from './failures/commands';

/**
 * `npm run jira:failures -- list|retry|forget` — jiraSync's retry set (docs/operations.md).
 * Thin entry: the work is in ops/failures/commands.ts. Reaches the table with the usual AWS
 * settings (AWS_PROFILE / AWS_REGION, AWS_ENDPOINT_URL for a local AWS).
 */
const DEFAULT_TABLE = process.env.JIRA_SYNC_STATE_TABLE || 'halo-jira-port-sync-state';

function store(table: string): DynamoState {
  return new DynamoState(new DynamoDBClient({}), { table });
}

const program = new Command('jira:failures')
  .description("Halo issues Jira refused (or whose create waits for search): jiraSync's retry set")
  .option('--table <name>', 'the state table (the stack output / JIRA_SYNC_STATE_TABLE)', DEFAULT_TABLE)
  .addHelpText(
    'after',
    `
Examples:
  npm run jira:failures -- list
  npm run jira:failures -- list --action create --json
  npm run jira:failures -- retry 80f2df5e-0f77-11e9-b78d-17c524a28aab   # tried first by the next run
  npm run jira:failures -- retry --all                                    # after fixing a Jira setting
  npm run jira:failures -- forget 80f2df5e-0f77-11e9-b78d-17c524a28aab  # never tried again (until Halo changes it)
  AWS_PROFILE=prod npm run jira:failures -- list --table halo-jira-port-prod-SyncStateTable-ABC123`,
  );

program
  .command('list')
  .description('what is in the retry set, soonest first')
  .option('--action <kind>', 'only this action (create, close, reopen, comment, describe)')
  .option('--json', 'one JSON array instead of a table')
  .action(async (opts: { action?: string; json?: boolean }) => {
    const rows = await listFailures(store(program.opts<{ table: string }>().table), Date.now(), { action: opts.action });
    process.stdout.write(`${opts.json ? JSON.stringify(rows, null, 2) : failuresTable(rows)}\n`);
  });

for (const [name, description] of [
  ['retry', 'make items due now: the next run tries them first'],
  ['forget', 'drop items from the retry set'],
] as const) {
  program
    .command(name)
    .description(description)
    .argument('[haloIds...]', 'Halo issue ids')
    .option('--all', 'every item in the retry set')
    .action(async (ids: string[], opts: { all?: boolean }) => {
      if (ids.length === 0 && !opts.all) program.error(`${name}: give Halo issue ids, or --all`, { exitCode: 2 });
      const s = store(program.opts<{ table: string }>().table);
      const out = name === 'retry' ? await retryFailures(s, ids, opts) : await forgetFailures(s, ids, opts);
      const done = 'retried' in out ? out.retried : out.forgotten;
      process.stdout.write(`${name === 'retry' ? 'due for the next run' : 'forgotten'}: ${done.length}\n`);
      if (out.missing.length) {
        process.stderr.write(`not in the retry set: ${out.missing.join(', ')}\n`);
        process.exitCode = 3;
      }
    });
}

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`jira:failures: ${(err as Error).message}\n`);
  process.exit(1);
});

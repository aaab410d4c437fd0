import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { DynamoState } from '../../functions/jiraSync/state/dynamodb';
import type { SyncStateStore } from '../../functions/jiraSync/state/store';
import { EnvReader } from '../../shared/config/env';
import { addCommand, createProgram, envFileOption, EXIT, type Io, main, onRun, runProgram, UsageError, withEnvFile } from '../../shared/cli';
import { failuresTable, forgetFailures, listFailures, retryFailures } from './commands';

/**
 * `npm run jira:failures -- list|retry|forget`: jiraSync's retry set (docs/operations.md). The work
 * is in ./commands.ts; this builds the commands on the CLI kit. The table comes from --table, else
 * JIRA_SYNC_STATE_TABLE, reached with the usual AWS settings (AWS_PROFILE / AWS_REGION,
 * AWS_ENDPOINT_URL for a local AWS).
 */
export interface FailuresDeps {
  /** The state store of `table` (default: DynamoDB). */
  store?: (table: string) => SyncStateStore;
  now?: () => number;
}

interface Common {
  table?: string;
  envFile?: string;
}

const SCRIPT = 'jira:failures';
const DEFAULT_TABLE = 'halo-jira-port-sync-state';

function withCommon(cmd: Command): Command {
  return cmd
    .option('--table <name>', `the state table (the stack output; default JIRA_SYNC_STATE_TABLE, else ${DEFAULT_TABLE})`)
    .addOption(envFileOption());
}

function storeFor(opts: Common, io: Io, deps: FailuresDeps): SyncStateStore {
  const env = new EnvReader(withEnvFile(io.env, opts.envFile));
  const table = opts.table ?? env.raw('JIRA_SYNC_STATE_TABLE') ?? DEFAULT_TABLE;
  return deps.store ? deps.store(table) : new DynamoState(new DynamoDBClient({}), { table });
}

export function failuresProgram(io: Io, deps: FailuresDeps = {}): Command {
  const program = createProgram({
    script: SCRIPT,
    description: "Halo issues Jira refused (or whose create or bulk transition waits): jiraSync's retry set",
    examples: [
      { command: 'npm run jira:failures -- list', does: 'what waits in the retry set, soonest first' },
      { command: 'npm run jira:failures -- retry --all', does: 'after fixing a Jira setting: the next run tries them first' },
    ],
  }, io);
  const list = addCommand(program, {
    name: 'list',
    description: 'what is in the retry set, soonest first',
    examples: [
      { command: 'npm run jira:failures -- list', does: 'table: Halo id, action, attempts, next try, reason' },
      { command: 'npm run jira:failures -- list --action create --json', does: 'only refused creates, as JSON' },
      { command: 'npm run jira:failures -- list --table halo-jira-port-prod-SyncStateTable-ABC123', does: 'the table of a deployed stage (with AWS_PROFILE / AWS_REGION set)' },
    ],
  });
  onRun<Common & { action?: string; json?: boolean }>(
    withCommon(list).option('--action <kind>', 'only this action (create, close, reopen, comment, describe)').option('--json', 'one JSON array instead of a table'),
    async (opts) => {
      const rows = await listFailures(storeFor(opts, io, deps), (deps.now ?? Date.now)(), { action: opts.action });
      io.out(opts.json ? JSON.stringify(rows, null, 2) : failuresTable(rows));
      return EXIT.ok;
    },
  );
  for (const [name, description, examples] of [
    ['retry', 'make items due now: the next run tries them first', [
      { command: 'npm run jira:failures -- retry 80f2df5e-0f77-11e9-b78d-17c524a28aab', does: 'tried first by the next run' },
      { command: 'npm run jira:failures -- retry --all', does: 'every item, after fixing a Jira setting' },
    ]],
    ['forget', 'drop items from the retry set (not tried again until Halo changes them)', [
      { command: 'npm run jira:failures -- forget 80f2df5e-0f77-11e9-b78d-17c524a28aab', does: 'never tried again, until Halo changes the issue' },
    ]],
  ] as const) {
    const cmd = addCommand(program, { name, description, examples: [...examples] }).argument('[haloIds...]', 'Halo issue ids').option('--all', 'every item in the retry set');
    onRun<Common & { all?: boolean }>(withCommon(cmd), async (opts, args) => {
      const ids = (args[0] as string[] | undefined) ?? [];
      if (ids.length === 0 && !opts.all) throw new UsageError(`${name}: give Halo issue ids, or --all`);
      const store = storeFor(opts, io, deps);
      const out = name === 'retry' ? await retryFailures(store, ids, opts) : await forgetFailures(store, ids, opts);
      const done = 'retried' in out ? out.retried : out.forgotten;
      io.out(`${name === 'retry' ? 'due for the next run' : 'forgotten'}: ${done.length}`);
      if (out.missing.length === 0) return EXIT.ok;
      io.err(`not in the retry set: ${out.missing.join(', ')}`);
      return done.length > 0 ? EXIT.partial : EXIT.notFound;
    });
  }
  return program;
}

export const runFailures = (argv: readonly string[], io: Io, deps: FailuresDeps = {}): Promise<number> => runProgram(failuresProgram(io, deps), argv, io);

if (require.main === module) main(runFailures);

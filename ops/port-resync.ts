import { Command } from 'commander';
import { resyncAccount } from '../functions/portResync/invocation';
import { EXIT, exitCodeFor, main, quietCommander, type Io } from './cli';

/**
 * `npm run port:resync [-- --sources aws.ec2,aws.s3] [--minutes 15]`: one resync from this
 * machine with the function's own code and configuration variables (docs/port.md "Resync").
 * Credentials as plain PORT_CLIENT_ID / PORT_CLIENT_SECRET (and PORT_WEBHOOK_URL to write via ingest).
 */
export async function runPortResync(argv: string[], io: Io): Promise<number> {
  const program = quietCommander(new Command('port:resync'), io)
    .description('list the AWS account, write what changed to Port, delete what is gone')
    .option('--sources <list>', 'comma-separated event sources (default: EVENT_SOURCES or all)')
    .option('--minutes <n>', 'time box; an unfinished resync continues on the next run', '15');
  try {
    const o = program.parse(argv, { from: 'user' }).opts<{ sources?: string; minutes: string }>();
    const end = Date.now() + Number(o.minutes) * 60_000;
    const env: Record<string, string | undefined> = { ...io.env, ...(o.sources ? { EVENT_SOURCES: o.sources } : {}) };
    const secrets = { PORT_CLIENT_ID: env.PORT_CLIENT_ID, PORT_CLIENT_SECRET: env.PORT_CLIENT_SECRET, PORT_WEBHOOK_URL: env.PORT_WEBHOOK_URL };
    const result = await resyncAccount(env, secrets, { getRemainingTimeInMillis: () => end - Date.now() });
    io.out(JSON.stringify({ ...result, failures: result.failures.slice(0, 20) }, null, 2));
    return result.failed > 0 ? EXIT.failure : EXIT.ok;
  } catch (err) {
    return exitCodeFor(err, io);
  }
}

if (require.main === module) main(runPortResync);

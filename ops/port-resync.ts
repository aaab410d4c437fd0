import type { Command } from 'commander';
import { createProgram, envFileOption, EXIT, type Io, main, onRun, parse, PartialError, runProgram, withEnvFile } from '../shared/cli';
import { ConfigError } from '../shared/errors';
import { secretNames, secretSources } from '../shared/function/settings';
import { Secrets, ssmParameters, type ParameterReader } from '../shared/middleware/secrets';
import { readExternalId, readPortCredentials, readResyncConfig, SETTINGS, type ResyncSecret } from '../functions/portResync/config';
import { portClients, resyncAccounts } from '../functions/portResync/invocation';
import type { AccountsResult } from '../functions/portResync/accounts';

/**
 * `npm run port:resync -- [--sources aws.ec2,aws.s3] [--minutes 15]`: one resync from this machine
 * with the function's own code and settings (functions/portResync/settings.json; docs/port.md
 * "Resync"). Credentials: plain PORT_CLIENT_ID / PORT_CLIENT_SECRET (and PORT_WEBHOOK_URL to write
 * through the ingest), or `<NAME>_SSM_PARAM` naming the installer's SecureStrings.
 */
interface ResyncCliOptions {
  envFile?: string;
  sources?: string[];
  minutes: number;
  json?: boolean;
}

export interface ResyncDeps {
  /** Reads SSM SecureStrings for `<NAME>_SSM_PARAM` credentials; default: the SDK over the usual AWS chain. */
  ssm?: ParameterReader;
}

export function resyncProgram(io: Io, deps: ResyncDeps = {}): Command {
  const program = createProgram({
    script: 'port:resync',
    description: 'List the AWS account (region AWS_REGION), write what changed to Port, delete what is gone. An unfinished resync continues on the next run.',
    examples: [
      { command: 'npm run port:resync -- --env-file .env', does: 'a full resync of every source in EVENT_SOURCES (or all)' },
      { command: 'npm run port:resync -- --sources aws.ec2,aws.s3 --minutes 5', does: 'only these sources, at most 5 minutes' },
      { command: 'npm run port:resync -- --json', does: 'the result as one JSON object' },
    ],
  }, io)
    .addOption(envFileOption('PORT_CLIENT_ID / PORT_CLIENT_SECRET / AWS_REGION…'))
    .option('--sources <list>', 'comma-separated event sources (default: EVENT_SOURCES, or all)', parse.list)
    .option('--minutes <n>', 'time box; an unfinished resync continues on the next run', parse.positiveInt, 15)
    .option('--json', 'print the result as JSON');
  return onRun<ResyncCliOptions>(program, (opts) => run(opts, io, deps));
}

export function runPortResync(argv: readonly string[], io: Io, deps: ResyncDeps = {}): Promise<number> {
  return runProgram(resyncProgram(io, deps), argv, io);
}

async function run(o: ResyncCliOptions, io: Io, deps: ResyncDeps): Promise<number> {
  const env = { ...withEnvFile(io.env, o.envFile), ...(o.sources ? { EVENT_SOURCES: o.sources.join(',') } : {}) };
  const config = readResyncConfig(env);
  const secrets = await resolveSecrets(env, deps);
  const clients = portClients(config, readPortCredentials(secrets, config));
  const end = Date.now() + o.minutes * 60_000;
  try {
    const result = await resyncAccounts(config, clients, { getRemainingTimeInMillis: () => end - Date.now() }, readExternalId(secrets, config));
    io.out(o.json ? JSON.stringify({ ...result, failures: result.failures.slice(0, 20) }, null, 2) : summary(result, clients.writes));
    if (!result.complete) throw new PartialError(`time box reached: ${result.pending.join(', ')} left; run again to continue (progress kept in RESYNC_STATE_PARAM when set)`);
    return result.failed > 0 || result.targetsFailed > 0 ? EXIT.failure : EXIT.ok;
  } finally {
    clients.writer.close();
    clients.port.close();
  }
}

/** Plain values as they are; `<NAME>_SSM_PARAM` read from SSM (decrypted). KMS ciphertext is the function's business. */
async function resolveSecrets(env: Readonly<Record<string, string | undefined>>, deps: ResyncDeps): Promise<Secrets<ResyncSecret>> {
  const sources = secretSources(secretNames(SETTINGS), env);
  const inSsm = sources.flatMap((s) => ('ssmParam' in s ? [s] : []));
  const values = new Map<ResyncSecret, string>(sources.flatMap((s) => ('value' in s ? [[s.name, s.value] as const] : [])));
  if (inSsm.length > 0) {
    const read = deps.ssm ?? ssmParameters(require('@aws-sdk/client-ssm'));
    const fetched = await read(inSsm.map((s) => s.ssmParam));
    const missing = inSsm.filter((s) => !fetched.values.get(s.ssmParam));
    if (missing.length > 0) {
      throw new ConfigError(missing.map((s) => ({ variable: `${s.name}_SSM_PARAM`, value: s.ssmParam, expected: 'an existing, non-empty SSM parameter you may read (the installer stores it)' })));
    }
    for (const s of inSsm) values.set(s.name, fetched.values.get(s.ssmParam) as string);
  }
  return new Secrets(values);
}

function summary(r: AccountsResult, writes: string): string {
  const lines = [
    `${r.complete ? 'resync finished' : 'resync not finished'} in ${(r.durationMs / 1000).toFixed(1)} s (writes via ${writes}):`,
    `  created ${r.created}, updated ${r.updated}, deleted ${r.deleted}, unchanged ${r.unchanged}, failed ${r.failed}`,
    ...(r.targets.length > 1 ? r.targets.map((t) => `  ${t.account} ${t.region}: ${t.outcome}${t.failure ? ` (${t.failure.kind}: ${t.failure.message}; nothing of it deleted)` : ''}`) : []),
    ...r.failures.slice(0, 20).map((f) => `  refused: ${f.blueprint} ${f.identifier}: ${f.error}`),
  ];
  return lines.join('\n');
}

if (require.main === module) main(runPortResync);

import { type Command, Option } from 'commander';
import { EnvReader } from '../../shared/config/env';
import { AuthError, createProgram, envFileOption, type Io, main, NotFoundError, onRun, parse, PartialError, runProgram, withEnvFile } from '../../shared/cli';
import { loadSources } from '../mappings/build';
import { BlueprintConflictError, DeployError, install, type InstallOptions } from './install';
import { PortApiError } from './port-api';

/**
 * `npm run port:install -- [options]`: sets up Port (blueprints, webhook with mappings,
 * integration record) and deploys the AWS side with `sls deploy`. Exit codes: the kit's table
 * (docs/operations.md#exit-codes); docs/port.md lists what each means here.
 */
interface InstallCliOptions {
  envFile?: string;
  portBaseUrl: string;
  integrationId?: string;
  webhook: string;
  eventSources: string[];
  stage: string;
  awsRegion?: string;
  webhookUrlParam?: string;
  webhookSecretParam?: string;
  clientIdParam?: string;
  clientSecretParam?: string;
  portOnly: boolean;
  dryRun: boolean;
}

type Deploy = InstallOptions['deploy'];

export function installProgram(io: Io, deploy?: Deploy): Command {
  const allSources = Object.keys(loadSources());
  const program = createProgram({
    script: 'port:install',
    description: 'Set up Port (blueprints, signed webhook + mappings), store the ingest URL, the signing secret and the Port client credentials as SSM SecureStrings, and deploy the AWS side. Re-running writes nothing when Port already matches.',
    examples: [
      { command: 'npm run port:install -- --dry-run', does: 'print the plan; send nothing (no credentials needed)' },
      { command: 'npm run port:install -- --env-file .env --port-only', does: 'set up Port, print the sls deploy command' },
      { command: 'npm run port:install -- --event-sources aws.ec2,aws.s3 --stage prod --aws-region eu-west-1', does: 'Port, then sls deploy' },
      { command: 'npm run port:install -- --stage prod --webhook-url-param /team/port/url --webhook-secret-param /team/port/secret', does: 'store the ingest URL and signing secret under these SSM names' },
    ],
  }, io)
    .addOption(envFileOption('PORT_CLIENT_ID / PORT_CLIENT_SECRET'))
    .option('--port-base-url <url>', 'Port API (api.port.io, api.us.port.io, legacy api.getport.io)', 'https://api.port.io')
    .option('--integration-id <id>', 'existing Port integration record to update')
    .option('--webhook <id|url>', 'webhook identifier, ingest URL, or …/webhooks/<id> URL', 'aws_ingest')
    .addOption(new Option('--event-sources <list>', 'comma-separated AWS sources').argParser(parse.list).default(allSources, allSources.join(',')))
    .option('--stage <stage>', 'Serverless stage', 'dev')
    .option('--aws-region <region>', 'AWS region for sls deploy (default: serverless.yml)')
    .addOption(new Option('--webhook-url-param <name>', 'SSM SecureString for the ingest URL (default /halo-jira-port/<stage>/port-webhook-url)').argParser(parse.ssmParameter))
    .addOption(new Option('--webhook-secret-param <name>', 'SSM SecureString for the signing secret (default /halo-jira-port/<stage>/port-webhook-secret)').argParser(parse.ssmParameter))
    .addOption(new Option('--client-id-param <name>', "SSM SecureString for the Port client id portResync uses (default /halo-jira-port/<stage>/port-client-id)").argParser(parse.ssmParameter))
    .addOption(new Option('--client-secret-param <name>', "SSM SecureString for the Port client secret portResync uses (default /halo-jira-port/<stage>/port-client-secret)").argParser(parse.ssmParameter))
    .option('--port-only', 'set up Port, then print the sls deploy command instead of running it', false)
    .option('--dry-run', 'send nothing; print the plan', false);
  return onRun<InstallCliOptions>(program, (opts) => run(opts, io, deploy).catch(rethrowAsExitKind));
}

/** `deploy` replaces the `npx sls deploy` child process (tests). */
export function runInstall(argv: readonly string[], io: Io, deps: { deploy?: Deploy } = {}): Promise<number> {
  return runProgram(installProgram(io, deps.deploy), argv, io);
}

async function run(o: InstallCliOptions, io: Io, deploy: Deploy): Promise<number> {
  const env = withEnvFile(io.env, o.envFile);
  const reader = new EnvReader(env);
  // A dry run writes nothing, so it does not need credentials (with them it reads Port to show the merge).
  const required = !o.dryRun;
  const clientId = reader.string('PORT_CLIENT_ID', { required, expected: 'your Port client id (Settings → Credentials)' } as { required: true });
  const clientSecret = reader.string('PORT_CLIENT_SECRET', { required, secret: true, expected: 'your Port client secret' } as { required: true });
  reader.done();
  const result = await install({
    clientId: clientId ?? '',
    clientSecret: clientSecret ?? '',
    portBaseUrl: o.portBaseUrl,
    webhook: o.webhook,
    integrationId: o.integrationId,
    eventSources: o.eventSources,
    stage: o.stage,
    awsRegion: o.awsRegion,
    webhookUrlParam: o.webhookUrlParam,
    webhookSecretParam: o.webhookSecretParam,
    clientIdParam: o.clientIdParam,
    clientSecretParam: o.clientSecretParam,
    portOnly: o.portOnly,
    dryRun: o.dryRun,
    out: io.out,
    env,
    deploy,
  });
  const changed = Object.values(result.actions).filter((a) => a === 'create' || a === 'update').length;
  if (!o.dryRun) io.out(changed === 0 ? 'Done: Port was already up to date (no writes).' : `Done: ${changed} Port object(s) created or updated.`);
  return 0;
}

/** The installer's failures as rows of the exit-code table; anything else is a plain failure (1). */
function rethrowAsExitKind(err: unknown): never {
  if (err instanceof PortApiError && (err.status === 401 || err.status === 403)) throw new AuthError(err.message, { call: err.call }, { cause: err });
  if (err instanceof PortApiError && err.status === 404) throw new NotFoundError(err.message, { call: err.call }, { cause: err });
  if (err instanceof DeployError) throw new PartialError(err.message, { deployExitCode: err.exitCode }, { cause: err });
  // Row 5's "conflict": Port holds data our blueprints would break; nothing was written (fix, then rerun).
  if (err instanceof BlueprintConflictError) throw new PartialError(err.message, { conflicts: err.conflicts.length }, { cause: err });
  throw err;
}

if (require.main === module) main(runInstall);

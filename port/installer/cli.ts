import fs from 'node:fs';
import { Command } from 'commander';
import { EnvReader } from '../../shared/config/env';
import { ConfigError } from '../../shared/errors';
import { loadSources } from '../mappings/build';
import { BlueprintConflictError, DeployError, install, UsageError } from './install';
import { PortApiError } from './port-api';

/**
 * `npm run port:install -- [options]`: sets up Port (blueprints, webhook with mappings,
 * integration record) and deploys the AWS side with `sls deploy`. Exit codes: see EXIT.
 */
export const EXIT = { ok: 0, unexpected: 1, usage: 2, auth: 3, portApi: 4, deploy: 5, blueprintConflict: 6, interrupted: 130 } as const;

/** KEY=VALUE lines; `#` comments; surrounding quotes stripped. Does not override the real env. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    out[m[1] as string] = (m[2] as string).replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const program = new Command('port:install')
    .description('Set up Port (blueprints, webhook + mappings) and deploy the AWS forwarder')
    .option('--env-file <path>', 'read PORT_CLIENT_ID / PORT_CLIENT_SECRET from this file')
    .option('--port-base-url <url>', 'Port API (api.port.io, api.us.port.io, legacy api.getport.io)', 'https://api.port.io')
    .option('--integration-id <id>', 'existing Port integration record to update')
    .option('--webhook <id|url>', 'webhook identifier, ingest URL, or …/webhooks/<id> URL', 'aws_ingest')
    .option('--event-sources <list>', 'comma-separated AWS sources', Object.keys(loadSources()).join(','))
    .option('--stage <stage>', 'Serverless stage', 'dev')
    .option('--aws-region <region>', 'AWS region for sls deploy (default: serverless.yml)')
    .option('--port-only', 'set up Port, then print the sls deploy command instead of running it', false)
    .option('--dry-run', 'send nothing; print the plan', false)
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });
  let o: Record<string, string | boolean | undefined>;
  try {
    o = program.parse(argv, { from: 'user' }).opts();
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code === 0 ? EXIT.ok : EXIT.usage;
  }
  try {
    const fileEnv = typeof o.envFile === 'string' ? readEnvFile(o.envFile) : {};
    const reader = new EnvReader({ ...fileEnv, ...env });
    // A dry run writes nothing, so it does not need credentials (with them it reads Port to show the merge).
    const required = !o.dryRun;
    const clientId = reader.string('PORT_CLIENT_ID', { required, expected: 'your Port client id (Settings → Credentials)' } as { required: true });
    const clientSecret = reader.string('PORT_CLIENT_SECRET', { required, secret: true, expected: 'your Port client secret' } as { required: true });
    reader.done();
    const result = await install({
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
      portBaseUrl: String(o.portBaseUrl),
      webhook: o.webhook as string | undefined,
      integrationId: o.integrationId as string | undefined,
      eventSources: String(o.eventSources).split(',').map((s) => s.trim()).filter(Boolean),
      stage: String(o.stage),
      awsRegion: o.awsRegion as string | undefined,
      portOnly: Boolean(o.portOnly),
      dryRun: Boolean(o.dryRun),
      out,
    });
    const changed = Object.values(result.actions).filter((a) => a === 'create' || a === 'update').length;
    if (!o.dryRun) out(changed === 0 ? 'Done: Port was already up to date (no writes).' : `Done: ${changed} Port object(s) created or updated.`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError) return err(`error: ${e.message}`), EXIT.usage;
    if (e instanceof PortApiError) return err(`error: ${e.message}`), e.status === 401 && e.call.includes('access_token') ? EXIT.auth : EXIT.portApi;
    if (e instanceof DeployError) return err(`error: ${e.message}`), EXIT.deploy;
    if (e instanceof BlueprintConflictError) return err(`error: ${e.message}`), EXIT.blueprintConflict;
    err(`unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return EXIT.unexpected;
  }
}

function readEnvFile(file: string): Record<string, string> {
  if (!fs.existsSync(file)) throw new UsageError(`--env-file ${file}: no such file`);
  return parseEnvFile(fs.readFileSync(file, 'utf8'));
}

if (require.main === module) {
  process.on('SIGINT', () => process.exit(EXIT.interrupted));
  main(process.argv.slice(2), process.env, (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`), (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`)).then((code) => process.exit(code));
}

import { KMSClient } from '@aws-sdk/client-kms';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Command } from 'commander';
import { JiraClient } from '../../functions/jiraSync/clients/jira';
import { loadConfig } from '../../functions/jiraSync/config';
import { ConfigError } from '../../shared/errors';
import { deadlineIn } from '../../shared/http/retry';
import { decryptOrPlain } from '../../shared/middleware/secrets';
import { createProgram, envFileOption, EXIT, type Io, onRun, runProgram, UsageError, withEnvFile } from '../../shared/cli';
import { runChecks, type CheckResult } from './checks';

/** `npm run jira:doctor [-- --env-file .env] [--json]`: see docs/operations.md. */
interface DoctorOptions {
  envFile?: string;
  stage: string;
  region?: string;
  json?: boolean;
}

const MARK: Record<CheckResult['status'], string> = { pass: '✔', fail: '✘', warn: '!', skip: '-' };

/** The command of `npm run jira:doctor`; `runDoctor` parses and runs it. */
export function doctorProgram(io: Io): Command {
  const program = createProgram({
    script: 'jira:doctor',
    description: 'Check the live Jira configuration jiraSync will use, the way an admin would (reads only, never writes)',
    examples: [
      { command: 'npm run jira:doctor', does: 'check with the variables of the current environment' },
      { command: 'npm run jira:doctor -- --env-file prod.env', does: 'fill unset variables from prod.env' },
      { command: 'npm run jira:doctor -- --stage prod --region eu-west-1 --json', does: 'KMS/SSM secrets of stage prod; JSON report' },
    ],
  }, io)
    .addOption(envFileOption())
    .option('--stage <stage>', 'stage whose jiraSync function name is the KMS encryption context of encrypted secrets', 'dev')
    .option('--region <region>', 'AWS region for SSM/KMS secrets (default: AWS_REGION)')
    .option('--json', 'machine-readable output');
  return onRun<DoctorOptions>(program, (opts) => doctor(opts, io));
}

export function runDoctor(argv: readonly string[], io: Io): Promise<number> {
  return runProgram(doctorProgram(io), argv, io);
}

async function doctor(opts: DoctorOptions, io: Io): Promise<number> {
  const env = withEnvFile(io.env, opts.envFile);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError && opts.json) io.out(JSON.stringify({ ok: false, configProblems: err.problems }, null, 2));
    throw err;
  }
  const { user, token } = await jiraCredentials(env, opts);
  const jira = new JiraClient({ baseUrl: config.jiraBaseUrl, user, token, deadline: deadlineIn(60_000), maxSockets: 4 });
  const results = await runChecks(config, jira, user);
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  if (opts.json) {
    io.out(JSON.stringify({ ok: failed === 0, jira: config.jiraBaseUrl, project: config.jiraProjectKey, user, checks: results }, null, 2));
  } else {
    io.out(`Jira doctor: ${config.jiraBaseUrl}, project ${config.jiraProjectKey}, issue type "${config.jiraIssueType}", as ${user}`);
    for (const r of results) {
      io.out(`${MARK[r.status]} ${r.title}: ${r.detail}`);
      if (r.fix && r.status !== 'pass') io.out(`    fix: ${r.fix}`);
    }
    const passed = results.filter((r) => r.status === 'pass').length;
    io.out(`${results.length} checks: ${passed} passed, ${failed} failed, ${warned} warning(s)`);
  }
  return failed > 0 ? EXIT.failure : EXIT.ok;
}

/** The Jira credentials as jiraSync resolves them: `<NAME>_SSM_PARAM`, else KMS ciphertext, else plain. */
async function jiraCredentials(env: Record<string, string | undefined>, opts: DoctorOptions): Promise<{ user: string; token: string }> {
  const region = opts.region ?? env.AWS_REGION;
  let ssm: SSMClient | undefined;
  let kms: KMSClient | undefined;
  const lazyKms = {
    send: ((cmd: never) => {
      kms ??= new KMSClient({ region, maxAttempts: 2 });
      return kms.send(cmd);
    }) as KMSClient['send'],
  };
  const functionName = `halo-jira-port-${opts.stage}-jiraSync`;
  const one = async (name: 'JIRA_API_USER' | 'JIRA_API_TOKEN'): Promise<string> => {
    const param = env[`${name}_SSM_PARAM`]?.trim();
    if (param) {
      try {
        ssm ??= new SSMClient({ region });
        const out = await ssm.send(new GetParameterCommand({ Name: param, WithDecryption: true }));
        return out.Parameter?.Value ?? '';
      } catch (err) {
        throw new UsageError(`${name}_SSM_PARAM=${param}: ${(err as Error).name}: ${(err as Error).message} (check the name, --region and ssm:GetParameter/kms:Decrypt access)`);
      }
    }
    const raw = env[name]?.trim() ?? '';
    return (await decryptOrPlain(name, raw, lazyKms, functionName)).value;
  };
  try {
    return { user: await one('JIRA_API_USER'), token: await one('JIRA_API_TOKEN') };
  } finally {
    ssm?.destroy();
    kms?.destroy();
  }
}

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EnvReader } from '../../shared/config/env';
import { AuthError, createProgram, envFileOption, EXIT, type Io, main, onRun, parse, PartialError, runProgram, UsageError, withEnvFile } from '../../shared/cli';
import { createInstances, createStackSet, listInstances, orgClients, readOrgState, updateStackSet, waitForOperation, type OrgClients } from './aws';
import { checkRequest, equivalentCommands, planOrgInstall, type OrgInstallRequest } from './plan';

/**
 * `npm run org:install -- --regions … --ous …`: one hub, every account of the organisation feeding
 * it (docs/organization.md). Dry run unless `--apply`: prints what it would do and the equivalent
 * `aws cloudformation …` commands. Idempotent: a re-run changes nothing that is already in place.
 */
const SPOKE_TEMPLATE = path.resolve(__dirname, '..', '..', 'resources', 'spoke', 'spoke.yml');

interface OrgCliOptions {
  envFile?: string;
  stage: string;
  hubRegion?: string;
  regions: string[];
  ous: string[];
  accounts: string[];
  stackSetName?: string;
  resyncRoleName: string;
  hubResyncRoleArn: string;
  deployHub: boolean;
  apply: boolean;
  timeoutMinutes: number;
  pollSeconds: number;
}

export interface HubDeploy {
  env: Record<string, string>;
  args: string[];
  line: string;
}

export interface OrgDeps {
  /** AWS clients (default: ambient credentials in the hub region). */
  clients?: OrgClients;
  /** Runs `npx sls deploy` for the hub (default spawns it in the project root). */
  deploy?: (cmd: HubDeploy) => number;
  sleep?: (ms: number) => Promise<void>;
}

export function orgProgram(io: Io, deps: OrgDeps = {}): Command {
  const program = createProgram(
    {
      script: 'org:install',
      description: 'Hub + spokes for an AWS Organization: the hub stack with the organisation bus, the spoke StackSet and its instances. Dry run unless --apply.',
      examples: [
        { command: 'npm run org:install -- --regions eu-west-1,us-east-1 --ous r-ab12', does: 'print the plan and the aws commands; change nothing' },
        { command: 'npm run org:install -- --env-file .env --regions eu-west-1 --ous ou-ab12-34cd56ef --stage prod --deploy-hub --apply', does: 'deploy the hub, create the StackSet and its instances, wait (ORG_EXTERNAL_ID from .env)' },
      ],
    },
    io,
  )
    .addOption(envFileOption('ORG_EXTERNAL_ID (and AWS_*)'))
    .option('--stage <stage>', 'Serverless stage of the hub', 'dev')
    .option('--hub-region <region>', 'region of the hub stack (default AWS_REGION)')
    .requiredOption('--regions <list>', 'regions of every spoke, comma-separated', parse.list)
    .option('--ous <list>', 'organisational units (or the root r-…) to deploy spokes to, comma-separated', parse.list, [])
    .option('--accounts <list>', 'only these accounts of those OUs, comma-separated', parse.list, [])
    .option('--stack-set-name <name>', 'StackSet name (default halo-jira-port-<stage>-spoke)')
    .option('--resync-role-name <name>', 'name of the read-only role in each spoke', 'halo-jira-port-resync')
    .option('--hub-resync-role-arn <arn>', "the hub portResync function's role (empty: no resync role in the spokes)", '')
    .option('--deploy-hub', 'run `sls deploy` for the hub with ORG_ID (otherwise the command is printed)', false)
    .option('--apply', 'act (without it: dry run)', false)
    .option('--timeout-minutes <n>', 'stop waiting for a StackSet operation after this long', parse.positiveInt, 60)
    .option('--poll-seconds <n>', 'seconds between DescribeStackSetOperation calls', parse.positiveInt, 15);
  return onRun<OrgCliOptions>(program, (opts) => run(opts, io, deps).catch(rethrowAsExitKind));
}

export const runOrgInstall = (argv: readonly string[], io: Io, deps: OrgDeps = {}): Promise<number> => runProgram(orgProgram(io, deps), argv, io);

async function run(o: OrgCliOptions, io: Io, deps: OrgDeps): Promise<number> {
  const env = withEnvFile(io.env, o.envFile);
  const reader = new EnvReader(env);
  const externalId = reader.string('ORG_EXTERNAL_ID', { secret: true, expected: 'the external id the hub passes to sts:AssumeRole (2–1224 characters)' });
  const ambientRegion = reader.string('AWS_REGION');
  reader.done();
  const req: OrgInstallRequest = {
    stage: o.stage,
    hubRegion: o.hubRegion ?? ambientRegion ?? 'eu-west-1',
    regions: o.regions,
    ous: o.ous,
    accounts: o.accounts,
    stackSetName: o.stackSetName ?? `halo-jira-port-${o.stage}-spoke`,
    resyncRoleName: o.resyncRoleName,
    hubResyncRoleArn: o.hubResyncRoleArn,
    deployHub: o.deployHub,
  };
  const problems = checkRequest(req);
  if (problems.length) throw new UsageError(problems.join('\n'));

  const owned = deps.clients ? undefined : orgClients(req.hubRegion);
  const clients = deps.clients ?? owned!;
  try {
    return await install(req, externalId, clients, o, io, deps);
  } finally {
    owned?.destroy();
  }
}

async function install(req: OrgInstallRequest, externalId: string | undefined, c: OrgClients, o: OrgCliOptions, io: Io, deps: OrgDeps): Promise<number> {
  const out = io.out;
  const template = fs.readFileSync(SPOKE_TEMPLATE, 'utf8');
  const state = await readOrgState(c, req.stackSetName);
  const plan = planOrgInstall(req, state, template, Boolean(externalId));
  const hub = hubDeployCommand(state.orgId, req);

  out(`${o.apply ? 'Applying' : 'Dry run (nothing is changed; --apply to act)'}: organisation ${state.orgId}, hub account ${state.callerAccount}`);
  out(`[1/4] access: ${plan.callAs === 'SELF' ? 'management account' : 'delegated administrator'}; StackSets trusted access ${state.trustedAccess === undefined ? 'implied by the delegation' : state.trustedAccess ? 'on' : 'OFF'}`);
  out(`[2/4] hub stack: ${req.deployHub ? 'run' : 'print'} ${hub.line}`);
  out(`[3/4] StackSet ${req.stackSetName}: ${plan.stackSet} (service-managed, automatic deployment to new accounts; hub bus ${plan.hubBusArn})`);
  out(
    `[4/4] instances: ${plan.newInstances ? `add ${plan.newInstances.ous.join(', ')} × ${plan.newInstances.regions.join(', ')}` : 'none to add'} (${state.instances.length} existing)` +
      (plan.excludeAccounts.length ? `; the hub account ${plan.excludeAccounts.join(', ')} is left out` : ''),
  );
  for (const b of plan.blockers) out(`  ✗ ${b}`);
  out('Equivalent commands (for a pipeline):');
  for (const line of equivalentCommands(req, plan, state)) out(`  ${line}`);
  if (!o.apply) return plan.blockers.length ? EXIT.failure : EXIT.ok;
  if (plan.blockers.length) throw new Error(`nothing applied: ${plan.blockers.length} problem(s) above`);

  if (req.deployHub) {
    out(`hub: ${hub.line}`);
    const code = (deps.deploy ?? defaultDeploy)(hub);
    if (code !== 0) throw new PartialError(`sls deploy of the hub exited with ${code}: fix it and re-run (nothing else was changed)`);
  }
  const wait = (id: string) =>
    waitForOperation(c, req.stackSetName, id, plan.callAs, {
      progress: out,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      pollMs: o.pollSeconds * 1000,
      timeoutMs: o.timeoutMinutes * 60_000,
    });
  const write = { name: req.stackSetName, templateBody: template, parameters: { ...plan.parameters, ExternalId: externalId! }, callAs: plan.callAs };
  const failures: string[] = [];
  if (plan.stackSet === 'create') {
    await createStackSet(c, write);
    out(`StackSet ${req.stackSetName}: created`);
  } else if (plan.stackSet === 'update') {
    out(`StackSet ${req.stackSetName}: updating every instance`);
    const r = await wait(await updateStackSet(c, write));
    failures.push(...r.failures.map((f) => `${f.account}/${f.region}: ${f.status} ${f.reason}`));
  } else out(`StackSet ${req.stackSetName}: unchanged`);
  if (plan.newInstances) {
    out(`instances: adding ${plan.newInstances.ous.join(', ')} × ${plan.newInstances.regions.join(', ')}`);
    const id = await createInstances(c, req.stackSetName, plan.callAs, { ...plan.newInstances, accounts: req.accounts, excludeAccounts: plan.excludeAccounts });
    const r = await wait(id);
    failures.push(...r.failures.map((f) => `${f.account}/${f.region}: ${f.status} ${f.reason}`));
  }
  const instances = await listInstances(c, req.stackSetName, plan.callAs);
  out(`instances now (${instances.length}):`);
  for (const i of instances) out(`  ${i.account} ${i.region} ${i.ou ?? ''} ${i.status}`);
  if (failures.length) throw new PartialError(`${failures.length} account/region(s) failed:\n  ${failures.join('\n  ')}\nfix them and re-run (what succeeded stays)`);
  out('Done.');
  return EXIT.ok;
}

export function hubDeployCommand(orgId: string, req: Pick<OrgInstallRequest, 'stage' | 'hubRegion'>): HubDeploy {
  const env = { ORG_ID: orgId };
  const args = ['sls', 'deploy', '--stage', req.stage, '--region', req.hubRegion];
  return { env, args, line: `ORG_ID=${orgId} npx ${args.join(' ')}` };
}

function defaultDeploy(cmd: HubDeploy): number {
  const res = spawnSync('npx', cmd.args, { stdio: 'inherit', cwd: path.resolve(__dirname, '..', '..'), env: { ...process.env, ...cmd.env } });
  return res.status ?? 1;
}

function rethrowAsExitKind(err: unknown): never {
  const name = (err as { name?: string }).name ?? '';
  if (name === 'AWSOrganizationsNotInUseException') throw new UsageError('this account is not in an AWS Organization: run from the management account (or a delegated administrator) of one');
  if (/AccessDenied|UnrecognizedClient|InvalidClientTokenId|ExpiredToken/.test(name)) throw new AuthError(`AWS refused the credentials: ${(err as Error).message}`, {}, { cause: err });
  throw err;
}

if (require.main === module) main(runOrgInstall);

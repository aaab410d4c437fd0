import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_WEBHOOK_ID } from '../port/installer/plan';
import { asAccount, createMemberAccounts } from '../local/aws/accounts';
import { seedInventory, type Seeded } from '../local/aws/inventory';
import { kmsEncryptForFunction, putSecureString } from '../local/aws/seed';
import { deployLocalStack, renderResources, type LocalStack } from '../local/aws/stack';
import { startWorld, type World } from '../local/world';
import { DeadLetters } from './dead-letters';
import { EventEmitter, sampleEffects, type SampleEffect, type SampleEvent } from './events';
import { startOffline, type Offline } from './offline';
import { installPort } from './port-install';
import type { ResyncRow } from './snapshot';
import { MEMBER_INVENTORY, SANDBOX_INVENTORY } from './resync';
import type { RunLog } from './runs';
import type { StartupSteps } from './steps';

/** The world the sandbox runs in: every stand-in, and moto. */
export type SandboxWorld = World<{ moto: { region: string } }>;

/** What is up so far; stop() takes down whatever is set. */
export interface SandboxState {
  world?: SandboxWorld;
  stack?: LocalStack;
  offline?: Offline;
  emitter?: EventEmitter;
  deadLetters?: DeadLetters;
  webhookUrl?: string;
  /** What each sample event does to Port's catalog under the installed mappings. */
  sampleEffects?: SampleEffect[];
  runs: RunLog;
  /** The AWS resources seeded into moto for portResync to list. */
  inventory?: Seeded;
  /** A second simulated account of the organisation (moto multi-account), with resources of its own. */
  member?: { account: string; inventory: Seeded };
  /** The last portResync (counts, duration), for the dashboard. */
  lastResync?: ResyncRow;
}

export const FUNCTION_PREFIX = 'halo-jira-port-local-';
const CHECKPOINT_PARAM = '/CloudPassage-Jira/issues/timestamp';
const JIRA_TOKEN_PARAM = '/halo-jira-port/local/jira-api-token';
// Where the installer keeps portResync's Port client secret (serverless.yml portClientSecretSsmParam).
const PORT_CLIENT_SECRET_PARAM = '/halo-jira-port/local/port-client-secret';
// The spokes' external id (resources/spoke ExternalId); moto does not check it, AWS does.
const RESYNC_EXTERNAL_ID = 'sandbox-external-id';

export interface BootOptions {
  projectDir: string;
  region: string;
  schedule: string;
  issues: number;
  seed: number;
  samples: readonly SampleEvent[];
  /** Our own esbuild folder, relative to projectDir. */
  buildFolder: string;
  onOfflineLine: (line: string) => void;
}

/** The start-up steps, in order; each records itself in `steps` and what it started in `state`. */
export async function boot(opts: BootOptions, steps: StartupSteps, state: SandboxState): Promise<void> {
  const { projectDir, region } = opts;
  // sls print needs no AWS for --stage local: it runs while the world starts.
  const rendered = renderResources({ projectDir, env: { AWS_REGION: region } });
  rendered.catch(() => undefined); // awaited in the stack step; no unhandled rejection if an earlier step fails
  const world = await startWorld({
    issues: { count: opts.issues, seed: opts.seed, now: new Date(), spanDays: 14 },
    moto: { region },
    checkpointParam: CHECKPOINT_PARAM,
    around: (piece, start, describe) => steps.run(piece, start, describe),
  });
  state.world = world;
  const aws = world.moto.aws;

  const stack = await steps.run('stack', async () => deployLocalStack(aws, { resources: await rendered }), describeStack);
  state.stack = stack;
  const secretEnv = await steps.run('secrets', () => seedSecrets(world), () => 'JIRA_API_TOKEN and PORT_CLIENT_SECRET from SSM, HALO_API_SECRET_KEY KMS-encrypted, checkpoint before the oldest demo issue');
  state.inventory = await steps.run('inventory', () => seedInventory(aws, SANDBOX_INVENTORY, 'demo'), describeInventory);
  state.member = await steps.run('member-account', () => seedMember(aws), (m) => `account ${m.account} (organisation member, reached by AssumeRole): ${describeInventory(m.inventory)}`);
  // portResync lists both accounts: its own with its own credentials, the member through the spoke role.
  secretEnv.RESYNC_ACCOUNTS = `${aws.account},${state.member.account}`;
  secretEnv.RESYNC_EXTERNAL_ID = RESYNC_EXTERNAL_ID;

  const installed = await steps.run('port-install', () => installPort({ port: world.port }), (r) => {
    const created = Object.entries(r.actions).filter(([, a]) => a === 'create').map(([k]) => k);
    return `created ${created.length} object(s): ${created.join(', ')}`;
  });
  state.webhookUrl = installed.webhookUrl;
  state.sampleEffects = await sampleEffects(opts.samples, world.port.webhook(DEFAULT_WEBHOOK_ID)?.mappings ?? [], aws);

  state.deadLetters = new DeadLetters(aws, stack.deadLetter.url);
  fs.mkdirSync(path.join(projectDir, '.sandbox'), { recursive: true });
  state.emitter = new EventEmitter(aws, opts.samples);
  state.offline = await steps.run(
    'offline',
    () => startOffline({ projectDir, onLine: opts.onOfflineLine, env: offlineEnv(world, secretEnv, { webhookUrl: installed.webhookUrl, webhookSecret: installed.webhookSecret, deadLetterUrl: stack.deadLetter.url, buildFolder: opts.buildFolder }) }),
    (o) => `Lambda endpoint ${o.lambdaEndpoint}, jiraSync ${opts.schedule}, portForwarder on ${stack.events.name}, portResync on start and on demand`,
  );
}

function describeStack(s: LocalStack): string {
  return `${s.queues.map((q) => q.name).join(', ')}; rule ${s.rules.map((r) => r.name).join(', ')}${s.dropped.length ? `; left out: ${s.dropped.join(', ')}` : ''}`;
}

/** A second account in moto's organisation, with a few resources of its own. */
async function seedMember(aws: SandboxWorld['moto']['aws']): Promise<{ account: string; inventory: Seeded }> {
  const [account] = await createMemberAccounts(aws, ['sandbox-member']);
  const inventory = await seedInventory(await asAccount(aws, account as string), MEMBER_INVENTORY, 'member');
  return { account: account as string, inventory };
}

function describeInventory(s: Seeded): string {
  const n = (k: keyof Seeded): number => s[k].length;
  return `${n('ec2')} EC2, ${n('s3')} S3, ${n('rds')} RDS, ${n('sqs')} SQS, ${n('ecsClusters')} ECS clusters (+ a service each), ${n('eks')} EKS, ${n('lambda')} Lambda`;
}

/**
 * The three ways an operator provides a secret, all exercised: SSM SecureString (Jira token), KMS
 * ciphertext (Halo secret), plain (the rest). The checkpoint starts before every demo issue, so
 * the first run reconciles all of them. Returns the environment that replaces the plain values.
 */
async function seedSecrets(world: SandboxWorld): Promise<Record<string, string>> {
  const aws = world.moto.aws;
  await putSecureString(aws, JIRA_TOKEN_PARAM, world.jiraSyncEnv.JIRA_API_TOKEN!);
  const haloSecret = await kmsEncryptForFunction(aws, `${FUNCTION_PREFIX}jiraSync`, world.jiraSyncEnv.HALO_API_SECRET_KEY!);
  await world.checkpoint.write(new Date((world.earliestChange() ?? new Date()).getTime() - 60_000));
  // portResync reads its Port client secret from SSM, as the installer stores it in AWS.
  await putSecureString(aws, PORT_CLIENT_SECRET_PARAM, world.port.credentials.clientSecret);
  return {
    JIRA_API_TOKEN: '',
    JIRA_API_TOKEN_SSM_PARAM: JIRA_TOKEN_PARAM,
    HALO_API_SECRET_KEY: haloSecret,
    PORT_API_URL: world.port.apiUrl,
    PORT_CLIENT_ID: world.port.credentials.clientId,
    PORT_CLIENT_SECRET_SSM_PARAM: PORT_CLIENT_SECRET_PARAM,
  };
}

/** Levels at which the functions still print their INFO lines, which the run log reads (runs.ts). */
const AT_LEAST_INFO = new Set(['TRACE', 'DEBUG', 'INFO']);

/** The environment `sls offline` runs the functions with. */
export function offlineEnv(
  world: Pick<SandboxWorld, 'jiraSyncEnv'>,
  secretEnv: Record<string, string>,
  opts: { webhookUrl: string; webhookSecret: string; deadLetterUrl: string; buildFolder: string },
  parent: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return {
    ...parent,
    ...world.jiraSyncEnv, // stand-ins, moto's endpoint and region, the checkpoint parameter
    ...secretEnv,
    // The sandbox invokes jiraSync on its schedule itself, serialised with manual runs (SyncGate).
    JIRA_SYNC_SCHEDULE_ENABLED: 'false',
    // portResync runs on start and on the dashboard's demand (its 6-hour schedule would never fire here).
    PORT_RESYNC_SCHEDULE_ENABLED: 'false',
    // A stuck run is ended (and shown as failed) after 2 minutes instead of AWS's 15, freeing the queue.
    JIRA_SYNC_TIMEOUT: parent.JIRA_SYNC_TIMEOUT ?? '120',
    PORT_WEBHOOK_URL: opts.webhookUrl,
    // The installer configured the webhook to verify signatures with it: the forwarder signs.
    PORT_WEBHOOK_SECRET: opts.webhookSecret,
    DEAD_LETTER_QUEUE_URL: opts.deadLetterUrl,
    NODE_NO_WARNINGS: '1',
    // The dashboard's run list comes from the forwarder's INFO line 'batch forwarded': a quieter level
    // inherited from the shell (or SILENT under jest) would leave it empty.
    POWERTOOLS_LOG_LEVEL: AT_LEAST_INFO.has(String(parent.POWERTOOLS_LOG_LEVEL ?? '').toUpperCase()) ? parent.POWERTOOLS_LOG_LEVEL : 'INFO',
    // Our own esbuild folder (git-ignored): a concurrent `sls` run elsewhere cannot wipe the bundles we run.
    ESBUILD_WORK_FOLDER: opts.buildFolder,
  };
}

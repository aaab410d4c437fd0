import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  DescribeStackResourcesCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { restoreFullEnvelope } from './moto-envelope';
import type { AwsTarget } from './target';
import { QUEUE_TYPES, resourcesOnlyTemplate, type CfnTemplate } from './template';

/**
 * The one way the local world gets its queues: the stack's own `resources/` (events queue, DLQ,
 * queue policies, EventBridge rule) rendered by the framework for `--stage local` and deployed into
 * the local AWS's CloudFormation — names, attributes and stack outputs are what `sls deploy` makes.
 * Used by `npm start`, scripts/local-queues.ts and the tests.
 */
const PROJECT_DIR = path.resolve(__dirname, '..', '..');
const SERVICE = 'halo-jira-port';
const RENDER_STAGE = 'local';
const run = promisify(execFile);

/** The project's own `sls` (osls), run with node. */
export const SLS_BIN = (projectDir: string): string => path.join(projectDir, 'node_modules', 'serverless', 'bin', 'serverless.js');

export interface RenderedResources {
  stage: string;
  resources: unknown;
}

/**
 * The service's `resources:` section as `sls print --stage local` resolves it (~2 s). The local stage
 * needs no AWS, so this can run before the local AWS is up; render once, deploy many stacks.
 */
export async function renderResources(opts: { projectDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RenderedResources> {
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9', // never called: nothing in the local stage resolves against AWS
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    NODE_NO_WARNINGS: '1',
    ...opts.env,
  };
  const { stdout } = await run(process.execPath, [SLS_BIN(projectDir), 'print', '--stage', RENDER_STAGE, '--format', 'json', '--path', 'resources'], {
    cwd: projectDir,
    env,
    maxBuffer: 20 * 1024 * 1024,
  });
  // osls may print notices before the document: parse from the first bracket.
  const start = stdout.search(/^[[{]/m);
  if (start < 0) throw new Error(`sls print returned no JSON:\n${stdout.slice(0, 2000)}`);
  return { stage: RENDER_STAGE, resources: JSON.parse(stdout.slice(start)) };
}

interface DeployedQueue {
  logicalId: string;
  name: string;
  /** URL on the local endpoint (the CloudFormation physical id names the real AWS host). */
  url: string;
  arn: string;
}

export interface LocalStack {
  stackName: string;
  template: CfnTemplate;
  /** Logical ids left out (functions, roles, …): moto would try to run Lambdas in Docker. */
  dropped: string[];
  queues: DeployedQueue[];
  rules: Array<{ logicalId: string; name: string }>;
  outputs: Record<string, string>;
  /** The queue whose redrive policy targets the other: the events queue, and its DLQ. */
  events: DeployedQueue;
  deadLetter: DeployedQueue;
}

export interface LocalStackOptions {
  resources: RenderedResources;
  /** Names become `halo-jira-port-<stage>-…`, as `sls deploy --stage <stage>` names them (default local). */
  stage?: string;
  /** Default `halo-jira-port-<stage>`: the stack `npm run dlq -- --stage <stage>` reads. */
  stackName?: string;
  /** Only the queues, no policies or rule: for tests that feed the events queue themselves. */
  queuesOnly?: boolean;
  /** Faster redelivery for tests; otherwise the deployed values. */
  eventsQueue?: { visibilityTimeout?: number; maxReceiveCount?: number };
}

/** Deploys the stack's queues (and rule) into the local AWS and waits for CREATE_COMPLETE. */
export async function deployLocalStack(aws: AwsTarget, opts: LocalStackOptions): Promise<LocalStack> {
  const stage = opts.stage ?? RENDER_STAGE;
  const stackName = opts.stackName ?? `${SERVICE}-${stage}`;
  const { template: rendered, dropped } = resourcesOnlyTemplate(opts.resources.resources, opts.queuesOnly ? { types: QUEUE_TYPES } : {});
  const template = renamed(rendered, `${SERVICE}-${opts.resources.stage}-`, `${SERVICE}-${stage}-`);
  const { eventsId } = queuePair(template);
  const events = template.Resources[eventsId]!.Properties as Record<string, unknown> & { RedrivePolicy: Record<string, unknown> };
  if (opts.eventsQueue?.visibilityTimeout !== undefined) events.VisibilityTimeout = opts.eventsQueue.visibilityTimeout;
  if (opts.eventsQueue?.maxReceiveCount !== undefined) events.RedrivePolicy.maxReceiveCount = opts.eventsQueue.maxReceiveCount;

  const cfn = new CloudFormationClient(aws.client);
  try {
    await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }));
    await waitForStack(cfn, stackName);
  } finally {
    cfn.destroy();
  }
  const stack = await describeLocalStack(aws, stackName, template);
  for (const [bus, names] of rulesByBus(template, stack.rules)) await restoreFullEnvelope(aws, names, bus);
  return { ...stack, dropped };
}

/** Deployed rule names per event bus (the default bus, or a bus of the stack such as the organisation's). */
function rulesByBus(template: CfnTemplate, rules: LocalStack['rules']): Map<string, string[]> {
  const byBus = new Map<string, string[]>();
  for (const rule of rules) {
    const bus = (template.Resources[rule.logicalId]?.Properties as { EventBusName?: unknown } | undefined)?.EventBusName;
    const getAtt = (bus as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
    const name = typeof bus === 'string' ? bus : getAtt ? String((template.Resources[getAtt[0]]?.Properties as { Name?: unknown } | undefined)?.Name) : 'default';
    byBus.set(name, [...(byBus.get(name) ?? []), rule.name]);
  }
  return byBus;
}

/** What a deployed local stack holds (also for a stack deployed earlier, e.g. by scripts/local-queues.ts). */
export async function describeLocalStack(aws: AwsTarget, stackName: string, template: CfnTemplate = { Resources: {} }): Promise<LocalStack> {
  const cfn = new CloudFormationClient(aws.client);
  const sqs = new SQSClient(aws.client);
  try {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    const { StackResources = [] } = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    const queues: DeployedQueue[] = [];
    const rules: LocalStack['rules'] = [];
    for (const r of StackResources) {
      const physical = r.PhysicalResourceId;
      if (!physical) continue;
      const name = physical.split('/').pop() ?? physical;
      if (r.ResourceType === 'AWS::SQS::Queue') {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
        queues.push({ logicalId: r.LogicalResourceId ?? name, name, url: QueueUrl ?? '', arn: `arn:aws:sqs:${aws.region}:${aws.account}:${name}` });
      }
      if (r.ResourceType === 'AWS::Events::Rule') rules.push({ logicalId: r.LogicalResourceId ?? '', name });
    }
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
    const byId = (id: string): DeployedQueue | undefined => queues.find((q) => q.logicalId === id);
    const pair = Object.keys(template.Resources).length > 0 ? queuePair(template) : { eventsId: 'EventsQueue', deadLetterId: 'DeadLetterQueue' };
    const events = byId(pair.eventsId);
    const deadLetter = byId(pair.deadLetterId);
    if (!events || !deadLetter) throw new Error(`stack ${stackName} has no events queue with a dead-letter queue (queues: ${queues.map((q) => q.name).join(', ') || 'none'})`);
    return { stackName, template, dropped: [], queues, rules, outputs, events, deadLetter };
  } finally {
    sqs.destroy();
    cfn.destroy();
  }
}

/** Logical ids of the queue with a redrive policy and of the queue it dead-letters to. */
function queuePair(template: CfnTemplate): { eventsId: string; deadLetterId: string } {
  for (const [id, r] of Object.entries(template.Resources)) {
    const target = (r.Properties as { RedrivePolicy?: { deadLetterTargetArn?: { 'Fn::GetAtt'?: unknown } } } | undefined)?.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt'];
    const deadLetterId = Array.isArray(target) ? target[0] : typeof target === 'string' ? target.split('.')[0] : undefined;
    if (r.Type === 'AWS::SQS::Queue' && typeof deadLetterId === 'string') return { eventsId: id, deadLetterId };
  }
  throw new Error('resources/ holds no queue with a RedrivePolicy to a dead-letter queue');
}

/** Every string that starts with the rendered name prefix gets the deployed one (queue and rule names). */
function renamed(template: CfnTemplate, from: string, to: string): CfnTemplate {
  if (from === to) return structuredClone(template);
  return JSON.parse(JSON.stringify(template), (_k, v: unknown) => (typeof v === 'string' && v.startsWith(from) ? to + v.slice(from.length) : v)) as CfnTemplate;
}

async function waitForStack(cfn: CloudFormationClient, stackName: string, timeoutMs = 30_000): Promise<Stack> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks[0];
    const status = stack?.StackStatus ?? 'UNKNOWN';
    if (stack && status === 'CREATE_COMPLETE') return stack;
    if (/FAILED|ROLLBACK/.test(status)) throw new Error(`stack ${stackName} ended in ${status}: ${stack?.StackStatusReason ?? ''}`);
    if (Date.now() > end) throw new Error(`stack ${stackName} still ${status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

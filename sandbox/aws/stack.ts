import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  DescribeStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { resourcesOnlyTemplate, type CfnTemplate } from './template';
import { sleep } from '../processes';

const run = promisify(execFile);

/** Where the sandbox's own AWS calls go: moto, with dummy credentials (never the ambient profile). */
export interface AwsTarget {
  region: string;
  account: string;
  client: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
}

export function awsTarget(endpoint: string, region: string, account: string): AwsTarget {
  return { region, account, client: { region, endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } };
}

export const SLS_BIN = (projectDir: string): string => path.join(projectDir, 'node_modules', 'serverless', 'bin', 'serverless.js');

/** The service's `resources:` section resolved for `--stage local` by the framework itself. */
export async function printResources(projectDir: string, env: NodeJS.ProcessEnv): Promise<unknown> {
  const { stdout } = await run(process.execPath, [SLS_BIN(projectDir), 'print', '--stage', 'local', '--format', 'json', '--path', 'resources'], {
    cwd: projectDir,
    env,
    maxBuffer: 20 * 1024 * 1024,
  });
  // osls may print notices before the document: parse from the first bracket.
  const start = stdout.search(/^[[{]/m);
  if (start < 0) throw new Error(`sls print returned no JSON:\n${stdout.slice(0, 2000)}`);
  return JSON.parse(stdout.slice(start));
}

export interface DeployedQueue {
  logicalId: string;
  name: string;
  /** URL on moto's host (the CloudFormation physical id names the real AWS host). */
  url: string;
  arn: string;
}

export interface DeployedStack {
  stackName: string;
  template: CfnTemplate;
  dropped: string[];
  queues: DeployedQueue[];
  rules: Array<{ logicalId: string; name: string }>;
  outputs: Record<string, string>;
}

/** Deploys the resources-only template into moto's CloudFormation and waits for CREATE_COMPLETE. */
export async function deployResources(resources: unknown, stackName: string, aws: AwsTarget): Promise<DeployedStack> {
  const { region, account } = aws;
  const { template, dropped } = resourcesOnlyTemplate(resources);
  if (Object.keys(template.Resources).length === 0) throw new Error('resources/ holds no queue or EventBridge rule to deploy');
  const cfn = new CloudFormationClient(aws.client);
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }));
  const stack = await waitForStack(cfn, stackName);
  const { StackResources = [] } = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  const sqs = new SQSClient(aws.client);
  const queues: DeployedQueue[] = [];
  const rules: DeployedStack['rules'] = [];
  for (const r of StackResources) {
    if (r.ResourceType === 'AWS::SQS::Queue' && r.PhysicalResourceId) {
      const name = r.PhysicalResourceId.split('/').pop() ?? r.PhysicalResourceId;
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      queues.push({ logicalId: r.LogicalResourceId ?? name, name, url: QueueUrl ?? '', arn: `arn:aws:sqs:${region}:${account}:${name}` });
    }
    if (r.ResourceType === 'AWS::Events::Rule' && r.PhysicalResourceId) {
      rules.push({ logicalId: r.LogicalResourceId ?? '', name: r.PhysicalResourceId.split('/').pop() ?? r.PhysicalResourceId });
    }
  }
  sqs.destroy();
  cfn.destroy();
  const outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  return { stackName, template, dropped, queues, rules, outputs };
}

async function waitForStack(cfn: CloudFormationClient, stackName: string, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks[0];
    const status = stack?.StackStatus ?? 'UNKNOWN';
    if (stack && status === 'CREATE_COMPLETE') return stack;
    if (/FAILED|ROLLBACK/.test(status)) throw new Error(`stack ${stackName} ended in ${status}: ${stack?.StackStatusReason ?? ''}`);
    if (Date.now() > end) throw new Error(`stack ${stackName} still ${status} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

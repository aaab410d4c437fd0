import { spawn } from 'node:child_process';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteParameterCommand, GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type Moto } from '../../../local/aws/moto';
import { startPortStub, type PortStub } from '../../../local/port';
import { sls } from '../portForwarder/sls';

/**
 * The installer's full path as a user runs it: `npm run port:install` sets up Port (stand-in), then
 * deploys the AWS side with `sls deploy` — here into moto's CloudFormation. The ingest URL and the
 * signing secret go to SSM SecureStrings; the deployed function names those parameters and holds
 * no URL; the rule carries exactly the chosen sources. A deploy whose parameter is missing fails
 * before CloudFormation runs.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const STAGE = 'e2einstall';
jest.setTimeout(240_000);

function runInstaller(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['port/installer/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('port:install → Port stand-in, then sls deploy into moto', () => {
  let moto: Moto;
  let port: PortStub;

  beforeAll(async () => {
    [moto, port] = await Promise.all([startMoto(), startPortStub()]);
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), port?.stop()]);
  });

  it('deploys a stack whose rule carries the chosen sources and whose forwarder names the SSM parameters the installer wrote', async () => {
    const run = await runInstaller(['--port-base-url', port.apiUrl, '--stage', STAGE, '--aws-region', 'eu-west-1', '--event-sources', 'aws.ec2,aws.s3'], {
      ...moto.env,
      PORT_CLIENT_ID: port.credentials.clientId,
      PORT_CLIENT_SECRET: port.credentials.clientSecret,
    });
    expect(run.code).toBe(0);
    const webhook = port.webhook('aws_ingest');
    expect(webhook?.url).toBeDefined();
    // The key inside the webhook URL never shows in the installer's output when it deploys itself.
    expect(run.output).not.toContain(webhook!.webhookKey);

    const aws = { region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const cf = new CloudFormationClient(aws);
    const stackName = `halo-jira-port-${STAGE}`;
    const stack = (await cf.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    expect(stack?.StackStatus).toMatch(/_COMPLETE$/);
    // moto does not refresh Outputs on UpdateStack (osls deploys create-then-update); the outputs
    // themselves are asserted on the packaged template by tests/e2e/package.test.ts.
    const resources = (await cf.send(new ListStackResourcesCommand({ StackName: stackName }))).StackResourceSummaries ?? [];
    const ids = resources.map((r) => r.LogicalResourceId);
    expect(ids).toEqual(expect.arrayContaining(['EventsQueue', 'DeadLetterQueue', 'EventsRule', 'PortForwarderLambdaFunction', 'PortForwarderRole']));
    // No Jira settings in this environment: the installer leaves jiraSync (and what is only its) out, and says so.
    expect(ids.filter((id) => /^JiraSync|^SyncStateTable$/.test(id ?? ''))).toEqual([]);
    expect(run.output).toMatch(/jiraSync is not deployed: JIRA_API_URL/);

    const ssm = new SSMClient(aws);
    const url = (await ssm.send(new GetParameterCommand({ Name: `/halo-jira-port/${STAGE}/port-webhook-url`, WithDecryption: true }))).Parameter;
    const secret = (await ssm.send(new GetParameterCommand({ Name: `/halo-jira-port/${STAGE}/port-webhook-secret`, WithDecryption: true }))).Parameter;
    expect(url).toMatchObject({ Type: 'SecureString', Value: webhook!.url });
    expect(secret).toMatchObject({ Type: 'SecureString', Value: webhook!.security.secret });

    const fn = await new LambdaClient(aws).send(new GetFunctionConfigurationCommand({ FunctionName: `halo-jira-port-${STAGE}-portForwarder` }));
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Environment?.Variables).toMatchObject({
      PORT_WEBHOOK_URL: '',
      PORT_WEBHOOK_URL_SSM_PARAM: `/halo-jira-port/${STAGE}/port-webhook-url`,
      PORT_WEBHOOK_SECRET: '',
      PORT_WEBHOOK_SECRET_SSM_PARAM: `/halo-jira-port/${STAGE}/port-webhook-secret`,
    });
    expect(JSON.stringify(fn.Environment)).not.toContain(webhook!.webhookKey);
    expect(JSON.stringify(fn.Environment)).not.toContain(webhook!.security.secret as string);

    // portResync's Port client credentials: stored by the installer, named (never held) by the deployed function.
    for (const [name, value] of [['port-client-id', port.credentials.clientId], ['port-client-secret', port.credentials.clientSecret]] as const) {
      expect((await ssm.send(new GetParameterCommand({ Name: `/halo-jira-port/${STAGE}/${name}`, WithDecryption: true }))).Parameter).toMatchObject({ Type: 'SecureString', Value: value });
    }
    const resync = await new LambdaClient(aws).send(new GetFunctionConfigurationCommand({ FunctionName: `halo-jira-port-${STAGE}-portResync` }));
    expect(resync.Environment?.Variables).toMatchObject({
      PORT_CLIENT_ID: '',
      PORT_CLIENT_ID_SSM_PARAM: `/halo-jira-port/${STAGE}/port-client-id`,
      PORT_CLIENT_SECRET: '',
      PORT_CLIENT_SECRET_SSM_PARAM: `/halo-jira-port/${STAGE}/port-client-secret`,
    });
    expect(JSON.stringify(resync.Environment)).not.toContain(port.credentials.clientSecret);
    expect(run.output).not.toContain(port.credentials.clientSecret);

    const rule = await new EventBridgeClient(aws).send(new DescribeRuleCommand({ Name: `halo-jira-port-${STAGE}-aws-events` }));
    const sources = new Set<string>();
    JSON.parse(rule.EventPattern ?? '{}', (key, value: unknown) => {
      if (key === 'source' && Array.isArray(value)) for (const s of value) sources.add(String(s));
      return value;
    });
    expect([...sources].sort()).toEqual(['aws.ec2', 'aws.s3']);
  });

  it('a plain sls deploy whose webhook parameter does not exist fails before CloudFormation runs, naming the command that creates it', async () => {
    const aws = { region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    await new SSMClient(aws).send(new DeleteParameterCommand({ Name: `/halo-jira-port/${STAGE}/port-webhook-url` }));
    const run = await sls(['deploy', '--stage', STAGE, '--region', 'eu-west-1'], { ...moto.env });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(new RegExp(`SSM parameter /halo-jira-port/${STAGE}/port-webhook-url does not exist in eu-west-1\\. Create it first: npm run port:install -- --stage ${STAGE}`));
    expect(run.stdout + run.stderr).not.toMatch(/Updating|UPDATE_IN_PROGRESS|Uploading/);
  });

  it('a deploy with a plain webhook URL outside the local stage is refused without echoing it', async () => {
    const run = await sls(['deploy', '--stage', STAGE, '--region', 'eu-west-1'], { ...moto.env, PORT_WEBHOOK_URL: `${port.ingestBaseUrl}/PlainKeyInTheTemplate123` });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/PORT_WEBHOOK_URL holds a plain value/);
    expect(run.stdout + run.stderr).not.toContain('PlainKeyInTheTemplate123');
  });
});

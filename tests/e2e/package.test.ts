import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sls } from './portForwarder/sls';

/**
 * `sls package --stage dev` with no AWS credentials and no network, then cfn-lint on the result,
 * then the properties the forwarder's infrastructure promises.
 */
jest.setTimeout(240_000);

const { buildEventPattern, loadDefinitions } = require('../../resources/event-pattern.js');

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>; Outputs: Record<string, unknown> };
type Statement = { Effect: string; Action: string[]; Resource: unknown[] };

const ssmParam = (name: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}` });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** Every (action, resource) pair the role allows, over all its inline policies; no managed policies. */
function grants(t: Template, roleId: string): string[] {
  const role = t.Resources[roleId]!.Properties;
  expect(role.ManagedPolicyArns ?? []).toEqual([]);
  const statements = (role.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((p) => p.PolicyDocument.Statement);
  expect(statements.every((s) => s.Effect === 'Allow' && !('NotAction' in s) && !('NotResource' in s))).toBe(true);
  return statements.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => `${a} ${JSON.stringify(r)}`))).sort();
}
const pairs = (...groups: Array<[string[], unknown[]]>) => groups.flatMap(([actions, resources]) => actions.flatMap((a) => resources.map((r) => `${a} ${JSON.stringify(r)}`))).sort();

const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const QUEUE_CONSUMER = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'];
const SSM_READ = ['ssm:GetParameter', 'ssm:GetParameters'];
const STATE_ITEMS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query'];
const CHECKPOINT = '/CloudPassage-Jira/issues/timestamp';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-package-'));
const NO_AWS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL: undefined,
  HOME: work, // no ~/.aws either
};

async function packageDev(name: string, env: Record<string, string | undefined> = {}, stage = 'dev') {
  const out = path.join(work, name);
  const netLog = path.join(work, `${name}.network.log`);
  const run = await sls(['package', '--stage', stage, '--package', out], {
    ...NO_AWS,
    NODE_OPTIONS: `--require ${path.join(__dirname, 'portForwarder', 'no-network.js')}`,
    NO_NETWORK_LOG: netLog,
    ...env,
  });
  const attempts = fs.existsSync(netLog) ? fs.readFileSync(netLog, 'utf8').trim().split('\n') : [];
  return { run, out, attempts };
}

const template = (dir: string): Template => JSON.parse(fs.readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('sls package --stage dev', () => {
  let dir: string;
  let t: Template;

  beforeAll(async () => {
    // The test processes run with POWERTOOLS_LOG_LEVEL=SILENT (tests/setup-env.js): package without it.
    const { run, out, attempts } = await packageDev('default', { POWERTOOLS_LOG_LEVEL: undefined });
    if (run.code !== 0) throw new Error(`sls package failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    expect(attempts).toEqual([]);
    dir = out;
    t = template(dir);
  });

  it('passes cfn-lint with no errors', () => {
    const lint = spawnSync('cfn-lint', [path.join(dir, 'cloudformation-template-update-stack.json')], { encoding: 'utf8' });
    if (lint.error) throw new Error(`cfn-lint is not installed: run \`npm run setup\` (${lint.error.message})`);
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('encrypts and keeps events long enough; visibility ≥ 6 × the function timeout; 14-day DLQ; redrive only as a backstop (maxReceiveCount 30)', () => {
    const q = t.Resources.EventsQueue!.Properties;
    const dlq = t.Resources.DeadLetterQueue!.Properties;
    const fn = t.Resources.PortForwarderLambdaFunction!.Properties;
    expect(q.SqsManagedSseEnabled).toBe(true);
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    expect(q.MessageRetentionPeriod).toBeGreaterThanOrEqual(4 * 86400);
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Timeout);
    expect(dlq.MessageRetentionPeriod).toBe(14 * 86400);
    expect(q.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }, maxReceiveCount: 30 });
  });

  it('lets only EventBridge, on behalf of the rule, send to the queue and the DLQ', () => {
    for (const [policy, queue] of [['EventsQueuePolicy', 'EventsQueue'], ['DeadLetterQueuePolicy', 'DeadLetterQueue']] as const) {
      const p = t.Resources[policy]!.Properties;
      expect(p.Queues).toEqual([{ Ref: queue }]);
      expect(p.PolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['EventsRule', 'Arn'] } } },
        }),
      ]);
    }
  });

  it('routes the generated pattern to the queue with a retry policy and the DLQ as dead-letter config', () => {
    const rule = t.Resources.EventsRule!.Properties;
    expect(rule.EventBusName).toBe('default');
    expect(rule.EventPattern).toEqual(buildEventPattern('aws.ec2,aws.s3,aws.rds,aws.sqs,aws.ecs,aws.eks,aws.lambda', loadDefinitions()));
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': ['EventsQueue', 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
      }),
    ]);
  });

  it('maps the queue to the function with partial-batch responses and the configured batching', () => {
    const mapping = Object.values(t.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!.Properties;
    expect(mapping).toMatchObject({ BatchSize: 100, MaximumBatchingWindowInSeconds: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    const env = t.Resources.PortForwarderLambdaFunction!.Properties.Environment.Variables;
    expect(env.DEAD_LETTER_QUEUE_URL).toEqual({ Ref: 'DeadLetterQueue' });
    expect(env.PORT_WEBHOOK_URL_SSM_PARAM).toBe('/halo-jira-port/dev/port-webhook-url');
    expect(t.Resources.PortForwarderLambdaFunction!.Properties.Runtime).toBe('nodejs22.x');
  });

  it('tells each function its stage (the https rule) and the log level; settings.json defaults are written', () => {
    const forwarder = t.Resources.PortForwarderLambdaFunction!.Properties.Environment.Variables;
    const jiraSync = t.Resources.JiraSyncLambdaFunction!.Properties.Environment.Variables;
    const resync = t.Resources.PortResyncLambdaFunction!.Properties.Environment.Variables;
    for (const env of [forwarder, jiraSync, resync]) expect(env).toMatchObject({ STAGE: 'dev', POWERTOOLS_LOG_LEVEL: 'INFO', SSM_SECRETS_REFRESH_SECONDS: '900' });
    expect(forwarder).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'portForwarder', FORWARDER_CONCURRENCY: '8', PORT_REQUEST_TIMEOUT_MS: '10000' });
    expect(jiraSync).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'jiraSync', AWS_SSM_TIMESTAMP_PARAM: CHECKPOINT, TIME_RANGE: '15', HALO_API_HOSTNAME: 'api.cloudpassage.com', JIRA_API_TOKEN_SSM_PARAM: '' });
  });

  it('exports queue, DLQ, rule and function outputs', () => {
    expect(Object.keys(t.Outputs)).toEqual(
      expect.arrayContaining(['EventsQueueUrl', 'EventsQueueArn', 'DeadLetterQueueUrl', 'DeadLetterQueueArn', 'EventsRuleArn', 'PortForwarderFunctionName']),
    );
  });

  it('gives each function its own unnamed role; no shared default role', () => {
    const roles = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    expect(roles.map(([id]) => id).sort()).toEqual(['JiraSyncRole', 'PortForwarderRole', 'PortResyncRole']);
    for (const [, role] of roles) {
      expect(role.Properties.RoleName).toBeUndefined(); // no CAPABILITY_NAMED_IAM needed
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    }
    expect(JSON.stringify(t.Resources.PortForwarderLambdaFunction!.Properties.Role)).toContain('PortForwarderRole.Arn');
    expect(JSON.stringify(t.Resources.JiraSyncLambdaFunction!.Properties.Role)).toContain('JiraSyncRole.Arn');
    expect(JSON.stringify(t.Resources.PortResyncLambdaFunction!.Properties.Role)).toContain('PortResyncRole.Arn');
  });

  it('portResync: lists the enabled sources read-only, keeps its progress parameter, reads the Port credential parameters; settings.json in its environment', () => {
    expect(t.Resources.PortResyncLogGroup!.Properties.LogGroupName).toBe('/aws/lambda/halo-jira-port-dev-portResync');
    const listing = [
      'ec2:DescribeInstances', 's3:ListAllMyBuckets', 's3:GetBucketLocation', 's3:GetBucketTagging', 'rds:DescribeDBInstances',
      'sqs:ListQueues', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags',
      'ecs:ListClusters', 'ecs:DescribeClusters', 'ecs:ListServices', 'ecs:DescribeServices', 'ecs:ListTasks', 'ecs:DescribeTasks',
      'eks:ListClusters', 'eks:DescribeCluster', 'lambda:ListFunctions', 'lambda:ListTags',
    ];
    expect(grants(t, 'PortResyncRole')).toEqual(
      pairs(
        [LOGS, [arnOf('PortResyncLogGroup')]],
        [listing, ['*']],
        [['ssm:GetParameter', 'ssm:PutParameter'], [ssmParam('/halo-jira-port/dev/port-resync')]],
        [SSM_READ, ['/halo-jira-port/dev/port-client-id', '/halo-jira-port/dev/port-client-secret', '/halo-jira-port/dev/port-webhook-url'].map(ssmParam)],
      ),
    );
    const fn = t.Resources.PortResyncLambdaFunction!.Properties;
    expect(fn).toMatchObject({ Timeout: 900, MemorySize: 512, ReservedConcurrentExecutions: 1 });
    expect(fn.Environment.Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'portResync',
      STAGE: 'dev',
      PORT_API_URL: 'https://api.getport.io',
      PORT_CLIENT_ID: '',
      PORT_CLIENT_ID_SSM_PARAM: '/halo-jira-port/dev/port-client-id',
      PORT_CLIENT_SECRET_SSM_PARAM: '/halo-jira-port/dev/port-client-secret',
      PORT_WEBHOOK_URL_SSM_PARAM: '/halo-jira-port/dev/port-webhook-url',
      EVENT_SOURCES: 'aws.ec2,aws.s3,aws.rds,aws.sqs,aws.ecs,aws.eks,aws.lambda',
      RESYNC_STATE_PARAM: '/halo-jira-port/dev/port-resync',
    });
    const schedule = Object.values(t.Resources).find((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.Targets).includes('PortResyncLambdaFunction'));
    expect(schedule?.Properties).toMatchObject({ ScheduleExpression: 'rate(6 hours)', State: 'ENABLED' });
  });

  it('portForwarder: consumes the events queue, sends to the DLQ, reads the webhook parameter, writes its own log group; no KMS without a key', () => {
    expect(t.Resources.PortForwarderLogGroup!.Properties.LogGroupName).toBe('/aws/lambda/halo-jira-port-dev-portForwarder');
    expect(grants(t, 'PortForwarderRole')).toEqual(
      pairs(
        [LOGS, [arnOf('PortForwarderLogGroup')]],
        [QUEUE_CONSUMER, [arnOf('EventsQueue')]],
        [['sqs:SendMessage'], [arnOf('DeadLetterQueue')]],
        [SSM_READ, [ssmParam('/halo-jira-port/dev/port-webhook-url')]],
      ),
    );
  });

  it('jiraSync: reads and writes only its checkpoint and its state table items, writes its own log group; nothing on the queues', () => {
    expect(t.Resources.JiraSyncLogGroup!.Properties.LogGroupName).toBe('/aws/lambda/halo-jira-port-dev-jiraSync');
    expect(grants(t, 'JiraSyncRole')).toEqual(
      pairs([LOGS, [arnOf('JiraSyncLogGroup')]], [['ssm:GetParameter', 'ssm:PutParameter'], [ssmParam(CHECKPOINT)]], [STATE_ITEMS, [arnOf('SyncStateTable')]]),
    );
  });

  it('jiraSync: a retained, encrypted, on-demand state table with PITR and TTL; no Lambda async retries', () => {
    const table = t.Resources.SyncStateTable as unknown as { DeletionPolicy: string; UpdateReplacePolicy: string; Properties: Record<string, unknown> };
    expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
    const fn = t.Resources.JiraSyncLambdaFunction!.Properties as { Environment: { Variables: Record<string, unknown> } };
    expect(fn.Environment.Variables).toMatchObject({ JIRA_SYNC_STATE_TABLE: { Ref: 'SyncStateTable' }, JIRA_SYNC_STATE_TABLE_AUTOCREATE: 'false', JIRA_SYNC_LEASE_SECONDS: '120' });
    const invokeConfig = Object.values(t.Resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig') as { Properties: { MaximumRetryAttempts: number } } | undefined;
    expect(invokeConfig?.Properties.MaximumRetryAttempts).toBe(0);
  });

  it('bundles the handler as one minified CommonJS file under 400 KB', () => {
    const listing = spawnSync('unzip', ['-l', path.join(dir, 'portForwarder.zip')], { encoding: 'utf8' }).stdout;
    const handler = listing.split('\n').find((l) => l.trim().endsWith('functions/portForwarder/handler.js'));
    expect(handler).toBeDefined();
    expect(Number(handler!.trim().split(/\s+/)[0])).toBeLessThan(400 * 1024);
    // keepNames: minification must not rename the error classes (`this.name = new.target.name`).
    const code = spawnSync('unzip', ['-p', path.join(dir, 'portForwarder.zip'), 'functions/portForwarder/handler.js'], { encoding: 'utf8', maxBuffer: 8 << 20 }).stdout;
    for (const name of ['ConfigError', 'RetryableError', 'PermanentError', 'HttpError']) expect(code).toContain(`"${name}"`);
  });
});

describe('sls package with overrides from the environment', () => {
  it('grants kms:Decrypt on exactly the configured key, and SSM reads on exactly the parameters each function names', async () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { run, out } = await packageDev('kms', {
      KMS_KEY_ARN: key,
      FORWARDER_BATCH_SIZE: '25',
      PORT_WEBHOOK_URL_SSM_PARAM: '/elsewhere/port-url',
      HALO_API_KEY_SSM_PARAM: '/halo-jira-port/dev/halo-api-key',
      JIRA_API_TOKEN_SSM_PARAM: '/jira/token',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
    if (run.code !== 0) throw new Error(`sls package failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    const t = template(out);
    expect(grants(t, 'PortForwarderRole')).toEqual(
      pairs(
        [LOGS, [arnOf('PortForwarderLogGroup')]],
        [QUEUE_CONSUMER, [arnOf('EventsQueue')]],
        [['sqs:SendMessage'], [arnOf('DeadLetterQueue')]],
        [SSM_READ, [ssmParam('/elsewhere/port-url')]],
        [['kms:Decrypt'], [key]],
      ),
    );
    expect(grants(t, 'JiraSyncRole')).toEqual(
      pairs(
        [LOGS, [arnOf('JiraSyncLogGroup')]],
        [['ssm:GetParameter', 'ssm:PutParameter'], [ssmParam(CHECKPOINT)]],
        [STATE_ITEMS, [arnOf('SyncStateTable')]],
        [SSM_READ, [ssmParam('/halo-jira-port/dev/halo-api-key'), ssmParam('/jira/token')]],
        [['kms:Decrypt'], [key]],
      ),
    );
    // only ciphertext bound to the function itself, or made without any context (the old tool's)
    for (const [role, fn] of [['PortForwarderRole', 'portForwarder'], ['JiraSyncRole', 'jiraSync']] as const) {
      const decrypt = t.Resources[role]!.Properties.Policies.flatMap((p: { PolicyDocument: { Statement: Array<Statement & { Condition?: unknown }> } }) => p.PolicyDocument.Statement)
        .filter((s: Statement) => s.Action.includes('kms:Decrypt'));
      expect(decrypt.map((s: { Condition?: unknown }) => s.Condition)).toEqual([{ StringEqualsIfExists: { 'kms:EncryptionContext:LambdaFunctionName': `halo-jira-port-dev-${fn}` } }]);
    }
    expect(Object.values(t.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!.Properties.BatchSize).toBe(25);
    expect(t.Resources.JiraSyncLambdaFunction!.Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('DEBUG');
    const lint = spawnSync('cfn-lint', [path.join(out, 'cloudformation-template-update-stack.json')], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
  });

  it('grants portForwarder no SSM read when the webhook URL comes from the environment', async () => {
    const { run, out } = await packageDev('webhook-env', { PORT_WEBHOOK_URL: 'AQICAHhExampleCiphertextForTheWebhookUrl0000000000==' });
    if (run.code !== 0) throw new Error(`sls package failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    expect(grants(template(out), 'PortForwarderRole').filter((g) => g.startsWith('ssm:'))).toEqual([]);
  });

  it('fails with a clear message naming an unknown event source', async () => {
    const { run } = await packageDev('unknown-source', { EVENT_SOURCES: 'aws.ec2,aws.nope' });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/unknown source\(s\) "aws\.nope"; known in port\/sources\.json: aws\.ec2, aws\.s3/);
  });
});

describe('sls package --stage prod with SSM parameter names (issue 12 bar)', () => {
  const PARAMS = {
    PORT_WEBHOOK_URL_SSM_PARAM: '/halo-jira-port/prod/port-webhook-url',
    PORT_WEBHOOK_SECRET_SSM_PARAM: '/halo-jira-port/prod/port-webhook-secret',
    HALO_API_KEY_SSM_PARAM: '/halo-jira-port/prod/halo-api-key',
    HALO_API_SECRET_KEY_SSM_PARAM: '/halo-jira-port/prod/halo-api-secret-key',
    JIRA_API_USER_SSM_PARAM: '/halo-jira-port/prod/jira-api-user',
    JIRA_API_TOKEN_SSM_PARAM: '/halo-jira-port/prod/jira-api-token',
  };
  let dir: string;
  let t: Template;
  let text: string;
  const ofType = (type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

  beforeAll(async () => {
    // Fake credentials: packaging makes no AWS call (checks of the parameters run on deploy only).
    const { run, out, attempts } = await packageDev('prod', { ...PARAMS, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }, 'prod');
    if (run.code !== 0) throw new Error(`sls package failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    expect(attempts).toEqual([]);
    dir = out;
    text = fs.readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8');
    t = JSON.parse(text) as Template;
  });

  it('passes cfn-lint with no errors', () => {
    const lint = spawnSync('cfn-lint', [path.join(dir, 'cloudformation-template-update-stack.json')], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('wires every alarm to the one SNS topic the stack creates', () => {
    expect(ofType('AWS::SNS::Topic').map(([id]) => id)).toEqual(['AlarmTopic']);
    const alarms = Object.fromEntries(ofType('AWS::CloudWatch::Alarm').map(([id, r]) => [id, r.Properties]));
    const metric = (id: string) => [alarms[id]?.Namespace, alarms[id]?.MetricName, JSON.stringify(alarms[id]?.Dimensions)];
    expect(metric('DeadLetterQueueNotEmptyAlarm')).toEqual(['AWS/SQS', 'ApproximateNumberOfMessagesVisible', JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }])]);
    expect(metric('EventsQueueOldestMessageAlarm')).toEqual(['AWS/SQS', 'ApproximateAgeOfOldestMessage', JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['EventsQueue', 'QueueName'] } }])]);
    const forwarderFn = JSON.stringify([{ Name: 'FunctionName', Value: { Ref: 'PortForwarderLambdaFunction' } }]);
    expect(metric('PortForwarderErrorsAlarm')).toEqual(['AWS/Lambda', 'Errors', forwarderFn]);
    expect(metric('PortForwarderThrottlesAlarm')).toEqual(['AWS/Lambda', 'Throttles', forwarderFn]);
    const forwarderEmf = JSON.stringify([{ Name: 'service', Value: 'portForwarder' }]);
    expect(metric('PortForwarderFailedRecordsAlarm')).toEqual(['HaloJiraPort', 'failed', forwarderEmf]);
    expect(metric('PortForwarderDeadLetteredAlarm')).toEqual(['HaloJiraPort', 'deadLettered', forwarderEmf]);
    expect(metric('PortAuthRejectedAlarm')).toEqual(['HaloJiraPort', 'portAuthRejected', forwarderEmf]);
    expect(metric('JiraSyncErrorsAlarm')).toEqual(['AWS/Lambda', 'Errors', JSON.stringify([{ Name: 'FunctionName', Value: { Ref: 'JiraSyncLambdaFunction' } }])]);
    const jiraEmf = JSON.stringify([{ Name: 'service', Value: 'jiraSync' }]);
    expect(metric('JiraSyncRefusedAlarm')).toEqual(['HaloJiraPort', 'jiraSync.refused', jiraEmf]);
    expect(metric('JiraSyncHeartbeatAlarm')).toEqual(['HaloJiraPort', 'jiraSync.heartbeat', jiraEmf]);
    // rate(15 minutes): 3 periods of 15 min without a heartbeat; silence counts as failure.
    expect(alarms.JiraSyncHeartbeatAlarm).toMatchObject({ Period: 900, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    expect(metric('EventsRuleFailedInvocationsAlarm')).toEqual(['AWS/Events', 'FailedInvocations', JSON.stringify([{ Name: 'RuleName', Value: { Ref: 'EventsRule' } }])]);
    expect(Object.keys(alarms)).toHaveLength(11);
    for (const a of Object.values(alarms)) {
      expect(a.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
      expect(a.OKActions).toEqual([{ Ref: 'AlarmTopic' }]);
    }
  });

  it('has one dashboard showing the figures behind the alarms', () => {
    const dashboards = ofType('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const dashboard = dashboards[0]![1];
    const body = JSON.parse(dashboard!.Properties.DashboardBody['Fn::Sub']) as { widgets: Array<{ properties: { metrics: unknown[][] } }> };
    const shown = new Set(body.widgets.flatMap((w) => w.properties.metrics.map((m) => m[1])));
    for (const name of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'Errors', 'Throttles', 'failed', 'deadLettered', 'portAuthRejected', 'jiraSync.refused', 'jiraSync.heartbeat', 'FailedInvocations']) {
      expect(shown).toContain(name);
    }
  });

  it('back-pressure: MaximumConcurrency on the event source mapping; jiraSync is never retried asynchronously', () => {
    const mapping = ofType('AWS::Lambda::EventSourceMapping')[0]?.[1];
    expect(mapping!.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 5 });
    const invokeConfig = ofType('AWS::Lambda::EventInvokeConfig').find(([, r]) => JSON.stringify(r.Properties.FunctionName).includes('JiraSyncLambdaFunction'));
    expect(invokeConfig?.[1].Properties.MaximumRetryAttempts).toBe(0);
  });

  it('retains both queues on stack deletion and replacement', () => {
    for (const id of ['EventsQueue', 'DeadLetterQueue']) {
      expect(t.Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('holds no webhook URL or credential value: only parameter names', () => {
    const forwarder = t.Resources.PortForwarderLambdaFunction!.Properties.Environment.Variables;
    const jira = t.Resources.JiraSyncLambdaFunction!.Properties.Environment.Variables;
    expect(forwarder).toMatchObject({ PORT_WEBHOOK_URL: '', PORT_WEBHOOK_SECRET: '', PORT_WEBHOOK_URL_SSM_PARAM: PARAMS.PORT_WEBHOOK_URL_SSM_PARAM, PORT_WEBHOOK_SECRET_SSM_PARAM: PARAMS.PORT_WEBHOOK_SECRET_SSM_PARAM });
    for (const name of ['HALO_API_KEY', 'HALO_API_SECRET_KEY', 'JIRA_API_USER', 'JIRA_API_TOKEN'] as const) {
      expect(jira[name]).toBe('');
      expect(jira[`${name}_SSM_PARAM`]).toBe(PARAMS[`${name}_SSM_PARAM`]);
    }
    expect(text).not.toMatch(/ingest\.(us\.)?port\.io|ingest\.getport\.io|https?:\/\/127\.0\.0\.1/);
  });

  it('refuses a plain webhook URL or credential outside the local stage', async () => {
    for (const [name, value] of [['PORT_WEBHOOK_URL', 'https://ingest.port.io/SomeSecretKey0123'], ['JIRA_API_TOKEN', 'plain-token-value']] as const) {
      const { run } = await packageDev(`prod-plain-${name}`, { ...PARAMS, [name]: value, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }, 'prod');
      expect(run.code).not.toBe(0);
      expect(run.stdout + run.stderr).toContain(`${name} holds a plain value`);
      expect(run.stdout + run.stderr).not.toContain(value);
    }
  });
});


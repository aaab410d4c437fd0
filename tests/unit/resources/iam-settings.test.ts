import { oslsResolver } from './osls-resolver';
const { portForwarderStatements, jiraSyncStatements } = require('../../../resources/settings.js');

/** Per-function IAM statements (resources/settings.js): exactly what each function uses, nothing shared. */
type Statement = { Effect: string; Action: string[]; Resource: unknown[] };

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const base: Record<string, unknown> = {
  kmsKeyArn: '',
  portWebhookUrlSsmParam: '/halo-jira-port/dev/port-webhook-url',
};
const CREDENTIALS = ['HALO_API_KEY', 'HALO_API_SECRET_KEY', 'JIRA_API_USER', 'JIRA_API_TOKEN'];

/** Stage params, and the deploying shell's environment (where `<NAME>_SSM_PARAM` come from). */
const resolver = (params: Record<string, unknown>, env: Record<string, string> = {}) => oslsResolver({ params, env });
const ownContext = (fn: string) => ({ 'kms:EncryptionContext:LambdaFunctionName': `halo-jira-port-dev-${fn}` });

const param = (name: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}` });
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const grants = (statements: Statement[]) => statements.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => `${a} ${JSON.stringify(r)}`))).sort();
const expected = (pairs: Array<[string[], unknown[]]>) => pairs.flatMap(([actions, resources]) => actions.flatMap((a) => resources.map((r) => `${a} ${JSON.stringify(r)}`))).sort();

describe('portForwarder role', () => {
  it('consumes the events queue, sends to the DLQ, reads the webhook parameter, writes its own logs', async () => {
    const s: Statement[] = await portForwarderStatements(resolver(base));
    expect(s.every((x) => x.Effect === 'Allow')).toBe(true);
    expect(grants(s)).toEqual(
      expected([
        [['logs:CreateLogStream', 'logs:PutLogEvents'], [arn('PortForwarderLogGroup')]],
        [['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], [arn('EventsQueue')]],
        [['sqs:SendMessage'], [arn('DeadLetterQueue')]],
        [['ssm:GetParameter', 'ssm:GetParameters'], [param('/halo-jira-port/dev/port-webhook-url')]],
      ]),
    );
  });

  it('reads no SSM when the webhook URL is given in the environment, and decrypts only with the configured key', async () => {
    const s: Statement[] = await portForwarderStatements(resolver({ ...base, portWebhookUrlSsmParam: '', kmsKeyArn: KEY }));
    expect(s.flatMap((x) => x.Action).filter((a) => a.startsWith('ssm:'))).toEqual([]);
    expect(s.filter((x) => x.Action.includes('kms:Decrypt'))).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY], Condition: { StringEqualsIfExists: ownContext('portForwarder') } },
    ]);
  });

  it('rejects a key alias instead of a key ARN', async () => {
    await expect(portForwarderStatements(resolver({ ...base, kmsKeyArn: 'alias/mine' }))).rejects.toThrow(/kmsKeyArn must be a KMS key ARN/);
  });
});

describe('jiraSync role', () => {
  it('reads and writes only its checkpoint and its state table items, and writes its own logs, when credentials are plain or KMS-encrypted', async () => {
    const s: Statement[] = await jiraSyncStatements(resolver(base));
    expect(grants(s)).toEqual(
      expected([
        [['logs:CreateLogStream', 'logs:PutLogEvents'], [arn('JiraSyncLogGroup')]],
        [['ssm:GetParameter', 'ssm:PutParameter'], [param('/CloudPassage-Jira/issues/timestamp')]],
        [
          ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query'],
          [arn('SyncStateTable')],
        ],
      ]),
    );
    // A deployed stage gets its table from CloudFormation: it may not create, scan or drop tables.
    expect(s.flatMap((x) => x.Action).filter((a) => /CreateTable|DeleteTable|Scan|\*/.test(a))).toEqual([]);
  });

  it('reads exactly the credential parameters named by <NAME>_SSM_PARAM, each once', async () => {
    const env = { HALO_API_KEY_SSM_PARAM: '/halo-jira-port/dev/halo-key', JIRA_API_TOKEN_SSM_PARAM: '/other/jira-token', JIRA_API_USER_SSM_PARAM: '/other/jira-token' };
    const s: Statement[] = await jiraSyncStatements(resolver({ ...base, kmsKeyArn: KEY }, env));
    const reads = s.filter((x) => x.Action.includes('ssm:GetParameters'));
    expect(reads).toEqual([{ Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: [param('/halo-jira-port/dev/halo-key'), param('/other/jira-token')] }]);
    expect(s.filter((x) => x.Action.includes('kms:Decrypt'))).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY], Condition: { StringEqualsIfExists: ownContext('jiraSync') } },
    ]);
  });

  it('never touches the queues', async () => {
    const env = Object.fromEntries(CREDENTIALS.map((n) => [`${n}_SSM_PARAM`, `/p/${n}`]));
    const s: Statement[] = await jiraSyncStatements(resolver({ ...base, kmsKeyArn: KEY }, env));
    expect(s.flatMap((x) => x.Action).filter((a) => a.startsWith('sqs:'))).toEqual([]);
    expect(JSON.stringify(s)).not.toMatch(/EventsQueue|DeadLetterQueue|PortForwarder/);
  });

  it.each([
    ['a relative credential parameter', { checkpointParam: '/c' }, { JIRA_API_TOKEN_SSM_PARAM: 'jira-token' }, /JIRA_API_TOKEN_SSM_PARAM must name one SSM parameter/],
    ['a path instead of a parameter', { checkpointParam: '/c' }, { HALO_API_KEY_SSM_PARAM: '/p/' }, /HALO_API_KEY_SSM_PARAM must name one SSM parameter/],
    ['a relative checkpoint', { checkpointParam: 'timestamp' }, {}, /checkpointParam must start with "\/"/],
  ])('fails the deploy on %s, naming it', async (_n, values, env, message) => {
    await expect(jiraSyncStatements(resolver({ ...base, ...values }, env))).rejects.toThrow(message);
  });
});

describe('kms:Decrypt and the encryption context', () => {
  const decrypts = (s: Statement[]) => s.filter((x) => x.Action.includes('kms:Decrypt'));

  it('reads the checkpoint parameter from AWS_SSM_TIMESTAMP_PARAM when no stage param sets it, else its default', async () => {
    const fromShell: Statement[] = await jiraSyncStatements(resolver(base, { AWS_SSM_TIMESTAMP_PARAM: '/mine/checkpoint' }));
    expect(JSON.stringify(fromShell)).toContain(':parameter/mine/checkpoint"');
    const byDefault: Statement[] = await jiraSyncStatements(resolver(base));
    expect(JSON.stringify(byDefault)).toContain(':parameter/CloudPassage-Jira/issues/timestamp"');
  });

  it('kmsRequireContext: true makes the context mandatory, and lets SSM decrypt SecureStrings under the key', async () => {
    const env = { JIRA_API_TOKEN_SSM_PARAM: '/jira/token' };
    const s: Statement[] = await jiraSyncStatements(resolver({ ...base, kmsKeyArn: KEY, kmsRequireContext: true }, env));
    expect(decrypts(s)).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY], Condition: { StringEquals: ownContext('jiraSync') } },
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY], Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' } } } },
    ]);
    const withoutSsm: Statement[] = await jiraSyncStatements(resolver({ ...base, kmsKeyArn: KEY, kmsRequireContext: 'true' }));
    expect(decrypts(withoutSsm)).toEqual([{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY], Condition: { StringEquals: ownContext('jiraSync') } }]);
  });

  it('fails the deploy on a kmsRequireContext that is not true/false', async () => {
    await expect(portForwarderStatements(resolver({ ...base, kmsKeyArn: KEY, kmsRequireContext: 'yes' }))).rejects.toThrow(/kmsRequireContext must be true or false/);
  });
});

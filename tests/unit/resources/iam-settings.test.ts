export {}; // a module, not a global script: its top-level names stay its own
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { portForwarderStatements, jiraSyncStatements } = require('../../../resources/settings.js');

/** Per-function IAM statements (resources/settings.js): exactly what each function uses, nothing shared. */
type Statement = { Effect: string; Action: string[]; Resource: unknown[] };

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const base: Record<string, unknown> = {
  'param:kmsKeyArn': '',
  'param:portWebhookUrlSsmParam': '/halo-jira-port/dev/port-webhook-url',
  'param:portWebhookSecretSsmParam': '',
  'param:checkpointParam': '/CloudPassage-Jira/issues/timestamp',
};
const CREDENTIALS = ['HALO_API_KEY', 'HALO_API_SECRET_KEY', 'JIRA_API_USER', 'JIRA_API_TOKEN'];

/** osls's resolveVariable: `self:` lookups with a `, ''` fallback resolve to '' when unset. */
function resolver(values: Record<string, unknown>, jiraEnv: Record<string, string> = {}) {
  return {
    resolveVariable: async (v: string) => {
      const self = /^self:functions\.jiraSync\.environment\.(\w+), ''$/.exec(v);
      if (self) return jiraEnv[self[1]!] ?? '';
      if (!(v in values)) throw new Error(`unexpected ${v}`);
      return values[v];
    },
  };
}

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
    const s: Statement[] = await portForwarderStatements(resolver({ ...base, 'param:portWebhookUrlSsmParam': '', 'param:kmsKeyArn': KEY }));
    expect(s.flatMap((x) => x.Action).filter((a) => a.startsWith('ssm:'))).toEqual([]);
    expect(s.filter((x) => x.Action.includes('kms:Decrypt'))).toEqual([{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY] }]);
  });

  it('rejects a key alias instead of a key ARN', async () => {
    await expect(portForwarderStatements(resolver({ ...base, 'param:kmsKeyArn': 'alias/mine' }))).rejects.toThrow(/kmsKeyArn must be a KMS key ARN/);
  });
});

describe('jiraSync role', () => {
  it('reads and writes only its checkpoint and writes its own logs when credentials are plain or KMS-encrypted', async () => {
    const s: Statement[] = await jiraSyncStatements(resolver(base));
    expect(grants(s)).toEqual(
      expected([
        [['logs:CreateLogStream', 'logs:PutLogEvents'], [arn('JiraSyncLogGroup')]],
        [['ssm:GetParameter', 'ssm:PutParameter'], [param('/CloudPassage-Jira/issues/timestamp')]],
      ]),
    );
  });

  it('reads exactly the credential parameters named by <NAME>_SSM_PARAM, each once', async () => {
    const env = { HALO_API_KEY_SSM_PARAM: '/halo-jira-port/dev/halo-key', JIRA_API_TOKEN_SSM_PARAM: '/other/jira-token', JIRA_API_USER_SSM_PARAM: '/other/jira-token' };
    const s: Statement[] = await jiraSyncStatements(resolver({ ...base, 'param:kmsKeyArn': KEY }, env));
    const reads = s.filter((x) => x.Action.includes('ssm:GetParameters'));
    expect(reads).toEqual([{ Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: [param('/halo-jira-port/dev/halo-key'), param('/other/jira-token')] }]);
    expect(s.filter((x) => x.Action.includes('kms:Decrypt'))).toEqual([{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY] }]);
  });

  it('never touches the queues', async () => {
    const env = Object.fromEntries(CREDENTIALS.map((n) => [`${n}_SSM_PARAM`, `/p/${n}`]));
    const s: Statement[] = await jiraSyncStatements(resolver({ ...base, 'param:kmsKeyArn': KEY }, env));
    expect(s.flatMap((x) => x.Action).filter((a) => a.startsWith('sqs:'))).toEqual([]);
    expect(JSON.stringify(s)).not.toMatch(/EventsQueue|DeadLetterQueue|PortForwarder/);
  });

  it.each([
    ['a relative credential parameter', { 'param:checkpointParam': '/c' }, { JIRA_API_TOKEN_SSM_PARAM: 'jira-token' }, /JIRA_API_TOKEN_SSM_PARAM must name one SSM parameter/],
    ['a path instead of a parameter', { 'param:checkpointParam': '/c' }, { HALO_API_KEY_SSM_PARAM: '/p/' }, /HALO_API_KEY_SSM_PARAM must name one SSM parameter/],
    ['a relative checkpoint', { 'param:checkpointParam': 'timestamp' }, {}, /checkpointParam must start with "\/"/],
  ])('fails the deploy on %s, naming it', async (_n, values, env, message) => {
    await expect(jiraSyncStatements(resolver({ ...base, ...values }, env))).rejects.toThrow(message);
  });
});

import RESYNC from '../../../functions/portResync/settings.json';
import { readResyncConfig } from '../../../functions/portResync/config';
import COMMON from '../../../shared/function/settings.json';
import { oslsResolver } from './osls-resolver';
const { portResyncEnvironment, portResyncStatements, RESYNC_READ_ACTIONS } = require('../../../resources/settings.js');

/** portResync's environment and IAM, generated from functions/portResync/settings.json like the other functions'. */
type Statement = { Effect: string; Action: string[]; Resource: unknown[]; Condition?: unknown };

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ALL = 'aws.ec2,aws.s3,aws.rds,aws.sqs,aws.ecs,aws.eks,aws.lambda';
// The stage params of an AWS stage, as serverless.yml resolves them by default.
const aws: Record<string, unknown> = {
  kmsKeyArn: '',
  eventSources: ALL,
  portWebhookUrl: '',
  portWebhookUrlSsmParam: '/halo-jira-port/dev/port-webhook-url',
  portClientIdSsmParam: '/halo-jira-port/dev/port-client-id',
  portClientSecretSsmParam: '/halo-jira-port/dev/port-client-secret',
  resyncStateParam: '/halo-jira-port/dev/port-resync',
};
const resolver = (params: Record<string, unknown>, env: Record<string, string> = {}) => oslsResolver({ params, env });
const param = (name: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}` });
const grants = (s: Statement[]) => s.flatMap((x) => x.Action.flatMap((a) => x.Resource.map((r) => `${a} ${JSON.stringify(r)}`))).sort();
const expected = (pairs: Array<[string[], unknown[]]>) => pairs.flatMap(([actions, resources]) => actions.flatMap((a) => resources.map((r) => `${a} ${JSON.stringify(r)}`))).sort();

describe('portResyncEnvironment', () => {
  it('writes every declared setting, the stage and the service name; credentials by parameter name only', async () => {
    const env: Record<string, string> = await portResyncEnvironment(resolver(aws));
    // A secret declared without its own `_SSM_PARAM` entry gets one (PORT_WEBHOOK_SECRET, as the forwarder's).
    const implied = Object.entries(RESYNC as Record<string, { secret?: boolean }>).filter(([n, d]) => d.secret && !(`${n}_SSM_PARAM` in RESYNC)).map(([n]) => `${n}_SSM_PARAM`);
    expect(Object.keys(env).sort()).toEqual(['POWERTOOLS_SERVICE_NAME', ...Object.keys(COMMON), ...Object.keys(RESYNC), ...implied].sort());
    expect(implied).toEqual(['PORT_WEBHOOK_SECRET_SSM_PARAM']);
    expect(env).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'portResync',
      STAGE: 'dev',
      PORT_API_URL: 'https://api.getport.io',
      PORT_CLIENT_ID: '',
      PORT_CLIENT_ID_SSM_PARAM: '/halo-jira-port/dev/port-client-id',
      PORT_CLIENT_SECRET_SSM_PARAM: '/halo-jira-port/dev/port-client-secret',
      PORT_WEBHOOK_URL: '',
      PORT_WEBHOOK_URL_SSM_PARAM: '/halo-jira-port/dev/port-webhook-url',
      EVENT_SOURCES: ALL,
      RESYNC_STATE_PARAM: '/halo-jira-port/dev/port-resync',
    });
  });

  it('the written environment parses (plus the region Lambda sets) to the schema defaults', async () => {
    const env: Record<string, string> = await portResyncEnvironment(resolver(aws));
    expect(readResyncConfig({ ...env, AWS_REGION: 'eu-west-1' })).toMatchObject({ stage: 'dev', deadlineMarginMs: 10_000, awsConcurrency: 8, requestTimeoutMs: 10_000, stateParam: '/halo-jira-port/dev/port-resync' });
  });
});

describe('portResync role', () => {
  it('lists exactly the enabled sources (read-only), keeps its progress parameter, reads its credential parameters, writes its own logs', async () => {
    const s: Statement[] = await portResyncStatements(resolver(aws));
    expect(s.every((x) => x.Effect === 'Allow')).toBe(true);
    expect(grants(s)).toEqual(
      expected([
        [['logs:CreateLogStream', 'logs:PutLogEvents'], [{ 'Fn::GetAtt': ['PortResyncLogGroup', 'Arn'] }]],
        [Object.values(RESYNC_READ_ACTIONS as Record<string, string[]>).flat(), ['*']],
        [['ssm:GetParameter', 'ssm:PutParameter'], [param('/halo-jira-port/dev/port-resync')]],
        [['ssm:GetParameter', 'ssm:GetParameters'], ['/halo-jira-port/dev/port-client-id', '/halo-jira-port/dev/port-client-secret', '/halo-jira-port/dev/port-webhook-url'].map(param)],
      ]),
    );
    // Listing only: nothing that creates, changes or deletes a resource.
    expect(s.flatMap((x) => x.Action).filter((a) => !/^(logs|ssm):/.test(a) && !/:(Describe|List|Get)/.test(a))).toEqual([]);
  });

  it('grants only the calls of the enabled sources', async () => {
    const s: Statement[] = await portResyncStatements(resolver({ ...aws, eventSources: 'aws.s3,aws.lambda' }));
    const listing = s.filter((x) => x.Resource.includes('*')).flatMap((x) => x.Action);
    expect(listing.sort()).toEqual([...RESYNC_READ_ACTIONS['aws.s3'], ...RESYNC_READ_ACTIONS['aws.lambda']].sort());
  });

  it('decrypts only with the configured key, for ciphertext bound to portResync', async () => {
    const s: Statement[] = await portResyncStatements(resolver({ ...aws, kmsKeyArn: KEY }));
    expect(s.filter((x) => x.Action.includes('kms:Decrypt'))).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY], Condition: { StringEqualsIfExists: { 'kms:EncryptionContext:LambdaFunctionName': 'halo-jira-port-dev-portResync' } } },
    ]);
  });

  it.each([
    ['an unknown source', { eventSources: 'aws.ec2,aws.dynamodb' }, /unknown aws\.dynamodb/],
    ['a relative progress parameter', { resyncStateParam: 'port-resync' }, /RESYNC_STATE_PARAM \/ param resyncStateParam must start with "\/"/],
    ['a relative credential parameter', { portClientIdSsmParam: 'port-client-id' }, /PORT_CLIENT_ID_SSM_PARAM must name one SSM parameter/],
  ])('fails the deploy on %s, naming it', async (_n, values, message) => {
    await expect(portResyncStatements(resolver({ ...aws, ...values }))).rejects.toThrow(message);
  });

  it('other accounts: AssumeRole of the spoke role by name in any account, its progress parameters per account × region, the external id parameter; ListAccounts only for `organization`', async () => {
    const listed: Statement[] = await portResyncStatements(resolver({ ...aws, resyncAccounts: '222222222222,333333333333', resyncExternalIdSsmParam: '/halo-jira-port/dev/resync-external-id' }));
    const assume = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/halo-jira-port-resync' };
    expect(grants(listed).filter((g) => /^(sts|organizations|ssm):/.test(g))).toEqual(
      expected([
        [['sts:AssumeRole'], [assume]],
        [['ssm:GetParameter', 'ssm:PutParameter'], [param('/halo-jira-port/dev/port-resync'), param('/halo-jira-port/dev/port-resync/*')]],
        [['ssm:GetParameter', 'ssm:GetParameters'], ['/halo-jira-port/dev/port-client-id', '/halo-jira-port/dev/port-client-secret', '/halo-jira-port/dev/port-webhook-url', '/halo-jira-port/dev/resync-external-id'].map(param)],
      ]),
    );
    const org: Statement[] = await portResyncStatements(resolver({ ...aws, resyncAccounts: 'organization' }, { RESYNC_ROLE_NAME: 'my-resync' }));
    expect(grants(org).filter((g) => /^(sts|organizations):/.test(g))).toEqual(
      expected([
        [['sts:AssumeRole'], [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/my-resync' }]],
        [['organizations:ListAccounts'], ['*']],
      ]),
    );
  });

  it('this account alone (the default): no AssumeRole, no ListAccounts', async () => {
    const s: Statement[] = await portResyncStatements(resolver(aws));
    expect(s.flatMap((x) => x.Action).filter((a) => /^(sts|organizations):/.test(a))).toEqual([]);
  });
});

const { buildEventPattern, loadDefinitions, pattern } = require('../../../resources/event-pattern.js');
const { portForwarderStatements, visibilityTimeout, webhookSsmParam } = require('../../../resources/settings.js');
import { oslsResolver } from '../resources/osls-resolver';

const definitions = loadDefinitions();
const params = (values: Record<string, unknown>) => oslsResolver({ params: values });

describe('buildEventPattern (from port/sources.json)', () => {
  it('has one alternative per native detail-type set and per CloudTrail API set, failed calls excluded', () => {
    const p = buildEventPattern('aws.ec2, aws.rds', definitions);
    expect(p).toEqual({
      $or: [
        { source: ['aws.ec2'], 'detail-type': definitions['aws.ec2'].detailTypes },
        { source: ['aws.rds'], 'detail-type': definitions['aws.rds'].detailTypes },
        {
          source: ['aws.rds'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['rds.amazonaws.com'], eventName: definitions['aws.rds'].cloudTrail.eventNames, errorCode: [{ exists: false }] },
        },
      ],
    });
  });

  it('covers every default source and nothing else', () => {
    const p = buildEventPattern('aws.ec2,aws.s3,aws.rds,aws.sqs,aws.ecs,aws.eks,aws.lambda', definitions);
    const sources = new Set(p.$or.map((a: { source: string[] }) => a.source[0]));
    expect([...sources].sort()).toEqual(['aws.ec2', 'aws.ecs', 'aws.eks', 'aws.lambda', 'aws.rds', 'aws.s3', 'aws.sqs']);
    expect(JSON.stringify(p)).toContain('{"prefix":"PutBucket"}');
  });

  it('is a plain pattern for a single alternative, and ignores duplicates', () => {
    expect(buildEventPattern('aws.ec2,aws.ec2', definitions)).toEqual({ source: ['aws.ec2'], 'detail-type': definitions['aws.ec2'].detailTypes });
  });

  it.each([
    ['an unknown source', 'aws.ec2,aws.nope', /unknown source\(s\) "aws\.nope"; known in port\/sources\.json: aws\.ec2/],
    ['an empty list', ' , ', /eventSources is empty/],
  ])('fails on %s with a clear message', (_n, list, message) => {
    expect(() => buildEventPattern(list, definitions)).toThrow(message);
  });

  it('resolves through the eventSources stage param', async () => {
    await expect(pattern(params({ eventSources: 'aws.ec2' }))).resolves.toEqual(buildEventPattern('aws.ec2', definitions));
  });
});

describe('settings', () => {
  const base = { kmsKeyArn: '', secretsSsmPath: '/halo-jira-port/dev', checkpointParam: '/CloudPassage-Jira/issues/timestamp', portWebhookUrlSsmParam: '' };

  it('visibility timeout is 6 × the function timeout plus the batching window', async () => {
    await expect(visibilityTimeout(params({ forwarderTimeout: '30', forwarderBatchWindow: 5 }))).resolves.toBe(185);
    await expect(visibilityTimeout(params({ forwarderTimeout: 'x', forwarderBatchWindow: 5 }))).rejects.toThrow(/forwarderTimeout must be a whole number/);
  });

  it('adds kms:Decrypt only for a configured key ARN, and rejects anything else', async () => {
    const without = await portForwarderStatements(params(base));
    expect(without.filter((s: { Action: string[] }) => s.Action.includes('kms:Decrypt'))).toEqual([]);
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const withKey = await portForwarderStatements(params({ ...base, kmsKeyArn: key }));
    expect(withKey).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [key],
      Condition: { StringEqualsIfExists: { 'kms:EncryptionContext:LambdaFunctionName': 'halo-jira-port-dev-portForwarder' } },
    });
    await expect(portForwarderStatements(params({ ...base, kmsKeyArn: 'alias/mine' }))).rejects.toThrow(/kmsKeyArn must be a KMS key ARN/);
  });

  it('lets the function read a webhook parameter kept outside the secrets path', async () => {
    const s = await portForwarderStatements(params({ ...base, portWebhookUrlSsmParam: '/elsewhere/port-url' }));
    expect(JSON.stringify(s)).toContain(':parameter/elsewhere/port-url"');
  });

  it('lets the function read the webhook signing secret parameter when one is named', async () => {
    const s = await portForwarderStatements(oslsResolver({ params: { ...base, portWebhookUrlSsmParam: '/p/url' }, env: { PORT_WEBHOOK_SECRET_SSM_PARAM: '/p/secret' } }));
    expect(JSON.stringify(s)).toContain(':parameter/p/secret"');
    expect(JSON.stringify(s)).toContain(':parameter/p/url"');
  });

  it('picks the webhook source: explicit SSM param, else none when PORT_WEBHOOK_URL is given, else the default path', async () => {
    const saved = process.env.PORT_WEBHOOK_URL_SSM_PARAM;
    try {
      delete process.env.PORT_WEBHOOK_URL_SSM_PARAM;
      await expect(webhookSsmParam(params({ portWebhookUrl: '', secretsSsmPath: '/p/dev/' }))).resolves.toBe('/p/dev/port-webhook-url');
      await expect(webhookSsmParam(params({ portWebhookUrl: 'AQICAHh...', secretsSsmPath: '/p/dev' }))).resolves.toBe('');
      process.env.PORT_WEBHOOK_URL_SSM_PARAM = '/mine';
      await expect(webhookSsmParam(params({}))).resolves.toBe('/mine');
    } finally {
      if (saved === undefined) delete process.env.PORT_WEBHOOK_URL_SSM_PARAM;
      else process.env.PORT_WEBHOOK_URL_SSM_PARAM = saved;
    }
  });
});

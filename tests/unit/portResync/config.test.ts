import { ConfigError } from '../../../shared/errors';
import { Secrets } from '../../../shared/middleware/secrets';
import { readExternalId, readPortCredentials, readResyncConfig, type ResyncSecret } from '../../../functions/portResync/config';
import { SOURCE_BLUEPRINTS } from '../../../port/mappings/definitions';

const secrets = (values: Partial<Record<ResyncSecret, string>>) => new Secrets<ResyncSecret>(new Map(Object.entries(values) as Array<[ResyncSecret, string]>));
const CREDENTIALS = { PORT_CLIENT_ID: 'id', PORT_CLIENT_SECRET: 'secret' };

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('readResyncConfig', () => {
  it('parses a minimal environment with the defaults of settings.json, every source enabled', () => {
    const c = readResyncConfig({ ...CREDENTIALS, AWS_REGION: 'eu-west-1' });
    expect(c).toEqual({
      stage: 'local',
      ssmRefreshMs: 900_000,
      portApiUrl: 'https://api.getport.io',
      sources: Object.keys(SOURCE_BLUEPRINTS),
      region: 'eu-west-1',
      stateParam: undefined,
      deadlineMarginMs: 10_000,
      requestTimeoutMs: 10_000,
      awsConcurrency: 8,
      accounts: 'own',
      regions: ['eu-west-1'],
      roleName: 'halo-jira-port-resync',
      accountConcurrency: 4,
      accountDeadlineMs: 300_000,
    });
  });

  it('takes credentials from SSM parameters alone (no plain value), and the optional webhook URL may be absent', () => {
    const c = readResyncConfig({ PORT_CLIENT_ID_SSM_PARAM: '/p/id', PORT_CLIENT_SECRET_SSM_PARAM: '/p/secret', AWS_REGION: 'us-east-1', STAGE: 'prod', RESYNC_STATE_PARAM: '/halo-jira-port/prod/port-resync', EVENT_SOURCES: 'aws.ec2, aws.s3' });
    expect(c).toMatchObject({ stage: 'prod', sources: ['aws.ec2', 'aws.s3'], stateParam: '/halo-jira-port/prod/port-resync' });
  });

  it('names every bad variable at once: missing credentials, unknown source, http outside local, a relative state parameter', () => {
    const { problems } = configError(() =>
      readResyncConfig({ STAGE: 'prod', PORT_API_URL: 'http://api.getport.io', EVENT_SOURCES: 'aws.ec2,aws.dynamodb', RESYNC_STATE_PARAM: 'port-resync', RESYNC_AWS_CONCURRENCY: '0' }),
    );
    expect(problems.map((p) => p.variable)).toEqual(['PORT_CLIENT_ID', 'PORT_CLIENT_SECRET', 'PORT_API_URL', 'EVENT_SOURCES', 'AWS_REGION', 'RESYNC_STATE_PARAM', 'RESYNC_AWS_CONCURRENCY']);
    expect(problems[0]!.expected).toContain('PORT_CLIENT_ID_SSM_PARAM');
  });

  it('accounts: unset = this account only; `organization`; or account ids (deduplicated) × regions', () => {
    const base = { ...CREDENTIALS, AWS_REGION: 'eu-west-1' };
    expect(readResyncConfig({ ...base, RESYNC_ACCOUNTS: 'organization' })).toMatchObject({ accounts: 'organization', regions: ['eu-west-1'] });
    expect(readResyncConfig({ ...base, RESYNC_ACCOUNTS: '111111111111, 222222222222,111111111111', RESYNC_REGIONS: 'eu-west-1,us-gov-west-1' })).toMatchObject({
      accounts: ['111111111111', '222222222222'],
      regions: ['eu-west-1', 'us-gov-west-1'],
    });
    const { problems } = configError(() => readResyncConfig({ ...base, RESYNC_ACCOUNTS: '1234,all', RESYNC_REGIONS: 'Ireland', RESYNC_ACCOUNT_DEADLINE_SECONDS: '5' }));
    expect(problems.map((p) => p.variable)).toEqual(['RESYNC_ACCOUNTS', 'RESYNC_ACCOUNT_DEADLINE_SECONDS', 'RESYNC_REGIONS']);
  });

  it('allows a plain http Port API in the local stage (the stand-in)', () => {
    expect(readResyncConfig({ ...CREDENTIALS, AWS_REGION: 'eu-west-1', PORT_API_URL: 'http://127.0.0.1:4100' }).portApiUrl).toBe('http://127.0.0.1:4100');
  });
});

describe('readExternalId', () => {
  const base = { ...CREDENTIALS, AWS_REGION: 'eu-west-1' };
  it('is not needed for this account alone, and required (never echoed) as soon as other accounts are listed', () => {
    expect(readExternalId(secrets({}), readResyncConfig(base))).toBeUndefined();
    const org = readResyncConfig({ ...base, RESYNC_ACCOUNTS: 'organization' });
    expect(readExternalId(secrets({ RESYNC_EXTERNAL_ID: 'ext-1' }), org)).toBe('ext-1');
    const err = configError(() => readExternalId(secrets({}), org));
    expect(err.problems).toEqual([expect.objectContaining({ variable: 'RESYNC_EXTERNAL_ID' })]);
    expect(err.problems[0]!.expected).toContain('RESYNC_EXTERNAL_ID_SSM_PARAM');
  });
});

describe('readPortCredentials', () => {
  const local = readResyncConfig({ ...CREDENTIALS, AWS_REGION: 'eu-west-1' });
  const prod = { ...local, stage: 'prod' };

  it('without a webhook URL the resync writes through the bulk API', () => {
    expect(readPortCredentials(secrets(CREDENTIALS), local)).toEqual({ clientId: 'id', clientSecret: 'secret', webhookUrl: undefined, webhookSecret: undefined });
  });

  it('with one, through the ingest; outside local it must be https, and the URL is never echoed', () => {
    expect(readPortCredentials(secrets({ ...CREDENTIALS, PORT_WEBHOOK_URL: 'https://ingest.getport.io/KEY123' }), prod).webhookUrl).toBe('https://ingest.getport.io/KEY123');
    const err = configError(() => readPortCredentials(secrets({ ...CREDENTIALS, PORT_WEBHOOK_URL: 'http://ingest.getport.io/KEY123' }), prod));
    expect(err.problems).toEqual([expect.objectContaining({ variable: 'PORT_WEBHOOK_URL', value: '<redacted>' })]);
    expect(err.message).not.toContain('KEY123');
  });

  it('takes the webhook signing secret the forwarder signs with, so ingest writes are signed too', () => {
    const creds = readPortCredentials(secrets({ ...CREDENTIALS, PORT_WEBHOOK_URL: 'https://ingest.getport.io/KEY123', PORT_WEBHOOK_SECRET: 'signing-secret-0123456789' }), prod);
    expect(creds.webhookSecret).toBe('signing-secret-0123456789');
  });
});

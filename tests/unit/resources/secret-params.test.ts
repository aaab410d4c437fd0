export {}; // a module: its top-level names stay its own
/* eslint-disable @typescript-eslint/no-require-imports */
const { plain, ssmParam, checkParameter, cliCommand } = require('../../../resources/secret-params.js');
const { rateSeconds, heartbeatWindow, jiraSyncHeartbeat, forwarderMaxConcurrency, alarmTopicArn } = require('../../../resources/operations.js');

/** osls's resolveVariable over fixed values. */
const ctx = (values: Record<string, unknown>) => ({
  resolveVariable: async (v: string) => {
    if (!(v in values)) throw new Error(`unexpected ${v}`);
    return values[v];
  },
});
const stage = (s: string) => ctx({ 'sls:stage': s, 'param:secretsSsmPath': `/halo-jira-port/${s}`, 'self:provider.region': 'eu-west-1' });
const CIPHERTEXT = 'AQICAHhExampleCiphertextForTheWebhookUrl0000000000==';
const NAMES = ['PORT_WEBHOOK_URL', 'PORT_WEBHOOK_SECRET', 'HALO_API_KEY', 'HALO_API_SECRET_KEY', 'JIRA_API_USER', 'JIRA_API_TOKEN'];

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});
beforeEach(() => {
  for (const n of NAMES) {
    delete process.env[n];
    delete process.env[`${n}_SSM_PARAM`];
  }
});

describe('secret values in the template (resources/secret-params.js)', () => {
  it.each(NAMES)('%s: a plain value fails a prod deploy, naming the SSM parameter to use; fine in the local stage', async (name) => {
    process.env[name] = name === 'PORT_WEBHOOK_URL' ? 'https://ingest.port.io/SeCrEtKeY0123456789' : 'plain-secret-value';
    await expect(plain[name](stage('prod'))).rejects.toThrow(new RegExp(`${name} holds a plain value.*${name}_SSM_PARAM=/halo-jira-port/prod/`));
    await expect(plain[name](stage('local'))).resolves.toBe(process.env[name]);
  });

  it('never echoes the plain value in the error', async () => {
    process.env.PORT_WEBHOOK_URL = 'https://ingest.port.io/SeCrEtKeY0123456789';
    await expect(plain.PORT_WEBHOOK_URL(stage('prod'))).rejects.toThrow(/^(?!.*SeCrEtKeY)/s);
    await expect(plain.PORT_WEBHOOK_URL(stage('prod'))).rejects.toThrow(/npm run port:install -- --stage prod/);
  });

  it('accepts a KMS-encrypted value, and nothing when unset', async () => {
    process.env.JIRA_API_TOKEN = CIPHERTEXT;
    await expect(plain.JIRA_API_TOKEN(stage('prod'))).resolves.toBe(CIPHERTEXT);
    await expect(plain.HALO_API_KEY(stage('prod'))).resolves.toBe('');
  });

  it('webhook URL parameter: explicit name, else the default path, else none when the URL is given encrypted', async () => {
    await expect(ssmParam.PORT_WEBHOOK_URL(stage('prod'))).resolves.toBe('/halo-jira-port/prod/port-webhook-url');
    process.env.PORT_WEBHOOK_URL_SSM_PARAM = '/mine/url';
    await expect(ssmParam.PORT_WEBHOOK_URL(stage('prod'))).resolves.toBe('/mine/url');
    delete process.env.PORT_WEBHOOK_URL_SSM_PARAM;
    process.env.PORT_WEBHOOK_URL = CIPHERTEXT;
    await expect(ssmParam.PORT_WEBHOOK_URL(stage('prod'))).resolves.toBe('');
  });

  it('other secrets come from SSM only when named; the local stage takes the environment as is', async () => {
    await expect(ssmParam.PORT_WEBHOOK_SECRET(stage('prod'))).resolves.toBe('');
    process.env.JIRA_API_TOKEN_SSM_PARAM = '/jira/token';
    await expect(ssmParam.JIRA_API_TOKEN(stage('prod'))).resolves.toBe('/jira/token');
    await expect(ssmParam.PORT_WEBHOOK_URL(stage('local'))).resolves.toBe('');
  });

  it('checks only on `deploy`', () => {
    expect(cliCommand(['node', 'sls', 'deploy', '--stage', 'prod'])).toBe('deploy');
    expect(cliCommand(['node', 'sls', 'package', '--stage', 'prod'])).toBe('package');
  });

  it('a missing parameter fails with the command that creates it; other errors offer the escape hatch', async () => {
    const missing = { send: async () => Promise.reject(Object.assign(new Error('not found'), { name: 'ParameterNotFound' })) };
    const problem = await checkParameter('/halo-jira-port/prod/port-webhook-url', 'PORT_WEBHOOK_URL_SSM_PARAM', {
      region: 'eu-west-1',
      stage: 'prod',
      createdBy: 'npm run port:install -- --stage prod',
      ssm: missing,
    });
    expect(problem.message).toBe(
      'PORT_WEBHOOK_URL_SSM_PARAM: SSM parameter /halo-jira-port/prod/port-webhook-url does not exist in eu-west-1. Create it first: npm run port:install -- --stage prod (stage prod).',
    );
    const jira = await checkParameter('/jira/token', 'JIRA_API_TOKEN_SSM_PARAM', { region: 'eu-west-1', stage: 'prod', ssm: missing });
    expect(jira.message).toMatch(/Create it first: aws ssm put-parameter --type SecureString --name \/jira\/token --value '<value>'/);
    const denied = { send: async () => Promise.reject(Object.assign(new Error('no'), { name: 'AccessDeniedException' })) };
    expect((await checkParameter('/x', 'X_SSM_PARAM', { region: 'eu-west-1', stage: 'prod', ssm: denied })).message).toMatch(/SKIP_SSM_PARAM_CHECK=true/);
    await expect(checkParameter('/x', 'X_SSM_PARAM', { region: 'eu-west-1', stage: 'prod', ssm: { send: async () => ({}) } })).resolves.toBeUndefined();
  });
});

describe('alarm and back-pressure settings (resources/operations.js)', () => {
  it('reads rate() schedules; 3 periods of the schedule for the heartbeat alarm', async () => {
    expect(rateSeconds('rate(15 minutes)')).toBe(900);
    expect(rateSeconds('rate(1 hour)')).toBe(3600);
    expect(rateSeconds('cron(0 * * * ? *)')).toBeUndefined();
    expect(heartbeatWindow(900)).toEqual({ Period: 900, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    expect(heartbeatWindow(90)).toEqual({ Period: 120, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    expect(() => heartbeatWindow(86400 * 3)).toThrow(/3 × 259200s ≤ 604800s/);
    await expect(jiraSyncHeartbeat(ctx({ 'param:jiraSyncHeartbeatSeconds': '', 'param:jiraSyncSchedule': 'cron(0 8 * * ? *)' }))).rejects.toThrow(/JIRA_SYNC_HEARTBEAT_SECONDS/);
    await expect(jiraSyncHeartbeat(ctx({ 'param:jiraSyncHeartbeatSeconds': '86400', 'param:jiraSyncSchedule': 'cron(0 8 * * ? *)' }))).resolves.toMatchObject({ Period: 86400 });
  });

  it('maximumConcurrency within AWS limits 2–1000', async () => {
    await expect(forwarderMaxConcurrency(ctx({ 'param:forwarderMaxConcurrency': '5' }))).resolves.toBe(5);
    await expect(forwarderMaxConcurrency(ctx({ 'param:forwarderMaxConcurrency': 1 }))).rejects.toThrow(/forwarderMaxConcurrency must be a whole number from 2 to 1000, got 1/);
  });

  it('an alarm topic given by ARN must be an SNS topic ARN', async () => {
    await expect(alarmTopicArn(ctx({ 'param:alarmTopicArn': '' }))).resolves.toBe('');
    await expect(alarmTopicArn(ctx({ 'param:alarmTopicArn': 'arn:aws:sns:eu-west-1:123456789012:ops' }))).resolves.toBe('arn:aws:sns:eu-west-1:123456789012:ops');
    await expect(alarmTopicArn(ctx({ 'param:alarmTopicArn': 'ops-topic' }))).rejects.toThrow(/ALARM_TOPIC_ARN/);
  });
});

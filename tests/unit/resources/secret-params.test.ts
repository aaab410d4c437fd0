import { oslsResolver } from './osls-resolver';
const { checkSecretValue, checkSecretParameter, checkParameter, cliCommand } = require('../../../resources/secret-params.js');
const { jiraSyncEnvironment, portForwarderEnvironment } = require('../../../resources/settings.js');
const { rateSeconds, heartbeatWindow, jiraSyncHeartbeat, forwarderMaxConcurrency, alarmTopicArn } = require('../../../resources/operations.js');

/** osls's resolveVariable over fixed values. */
const ctx = (values: Record<string, unknown>) => ({
  resolveVariable: async (v: string) => {
    if (!(v in values)) throw new Error(`unexpected ${v}`);
    return values[v];
  },
});
const rules = (stage: string) => ({ stage, secretsSsmPath: `/halo-jira-port/${stage}`, region: 'eu-west-1', skip: false });
const CIPHERTEXT = 'AQICAHhExampleCiphertextForTheWebhookUrl0000000000==';
const FORWARDER_SECRETS = ['PORT_WEBHOOK_URL', 'PORT_WEBHOOK_SECRET'];
const JIRA_SYNC_SECRETS = ['HALO_API_KEY', 'HALO_API_SECRET_KEY', 'JIRA_API_USER', 'JIRA_API_TOKEN'];
const plainValue = (name: string) => (name === 'PORT_WEBHOOK_URL' ? 'https://ingest.port.io/SeCrEtKeY0123456789' : 'plain-secret-value');
const environmentOf = (name: string) => (FORWARDER_SECRETS.includes(name) ? portForwarderEnvironment : jiraSyncEnvironment);
/** The webhook URL's stage params as serverless.yml sets them. */
const forwarderParams = (env: Record<string, string>) => ({ portWebhookUrl: env.PORT_WEBHOOK_URL ?? '', portWebhookUrlSsmParam: '', deadLetterQueueUrl: { Ref: 'DeadLetterQueue' } });

describe('secret values in the template (resources/secret-params.js through resources/settings.js)', () => {
  it.each([...FORWARDER_SECRETS, ...JIRA_SYNC_SECRETS])('%s: a plain value fails a prod deploy, naming the SSM parameter to use; fine in the local stage', async (name) => {
    const env = { [name]: plainValue(name) };
    const generate = environmentOf(name);
    await expect(generate(oslsResolver({ stage: 'prod', env, params: forwarderParams(env) }))).rejects.toThrow(new RegExp(`${name} holds a plain value.*${name}_SSM_PARAM=/halo-jira-port/prod/`));
    await expect(generate(oslsResolver({ stage: 'local', env, params: forwarderParams(env) }))).resolves.toMatchObject({ [name]: plainValue(name) });
  });

  it('never echoes the plain value in the error; the webhook error names the installer', () => {
    expect(() => checkSecretValue('PORT_WEBHOOK_URL', plainValue('PORT_WEBHOOK_URL'), rules('prod'))).toThrow(/^(?!.*SeCrEtKeY)(?=.*npm run port:install -- --stage prod)/s);
    expect(() => checkSecretValue('JIRA_API_TOKEN', 'tok-123', rules('prod'))).toThrow(/aws ssm put-parameter --type SecureString --name \/halo-jira-port\/prod\/jira-api-token/);
  });

  it('accepts a KMS-encrypted value, and nothing when unset', async () => {
    const env = { JIRA_API_TOKEN: CIPHERTEXT };
    await expect(jiraSyncEnvironment(oslsResolver({ stage: 'prod', env }))).resolves.toMatchObject({ JIRA_API_TOKEN: CIPHERTEXT, HALO_API_KEY: '' });
  });

  it('the signing secret comes from SSM only when named, and is read like any secret', async () => {
    const none = await portForwarderEnvironment(oslsResolver({ stage: 'prod', params: forwarderParams({}) }));
    expect(none).toMatchObject({ PORT_WEBHOOK_SECRET: '', PORT_WEBHOOK_SECRET_SSM_PARAM: '' });
    const named = await portForwarderEnvironment(oslsResolver({ stage: 'prod', params: forwarderParams({}), env: { PORT_WEBHOOK_SECRET_SSM_PARAM: '/p/secret' } }));
    expect(named.PORT_WEBHOOK_SECRET_SSM_PARAM).toBe('/p/secret');
  });

  it('checks only on `deploy`', () => {
    expect(cliCommand(['node', 'sls', 'deploy', '--stage', 'prod'])).toBe('deploy');
    expect(cliCommand(['node', 'sls', 'package', '--stage', 'prod'])).toBe('package');
  });

  it('looks a named parameter up on deploy outside the local stage only, and not when skipped', async () => {
    // A parameter no SSM has: any lookup would fail (no endpoint answers in a unit test).
    const skipped = [
      checkSecretParameter('JIRA_API_TOKEN', '/nowhere', { ...rules('prod'), command: 'package' }),
      checkSecretParameter('JIRA_API_TOKEN', '/nowhere', { ...rules('local'), command: 'deploy' }),
      checkSecretParameter('JIRA_API_TOKEN', '/nowhere', { ...rules('prod'), skip: true, command: 'deploy' }),
      checkSecretParameter('JIRA_API_TOKEN', '', { ...rules('prod'), command: 'deploy' }),
    ];
    await expect(Promise.all(skipped)).resolves.toEqual([undefined, undefined, undefined, undefined]);
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

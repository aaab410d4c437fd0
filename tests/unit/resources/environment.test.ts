import JIRA_SYNC from '../../../functions/jiraSync/settings.json';
import FORWARDER from '../../../functions/portForwarder/settings.json';
import { loadConfig } from '../../../functions/jiraSync/config';
import COMMON from '../../../shared/function/settings.json';
import { oslsResolver } from './osls-resolver';
const { jiraSyncEnvironment, portForwarderEnvironment } = require('../../../resources/settings.js');

/** Each function's environment in the template comes from its settings.json, defaults written once. */
describe('jiraSyncEnvironment', () => {
  it('writes every declared setting, a <NAME>_SSM_PARAM per credential, the stage and the service name', async () => {
    const env: Record<string, string> = await jiraSyncEnvironment(oslsResolver({ stage: 'prod' }));
    const credentials = Object.keys(JIRA_SYNC).filter((n) => 'secret' in (JIRA_SYNC as Record<string, object>)[n]!);
    expect(credentials).toEqual(['HALO_API_KEY', 'HALO_API_SECRET_KEY', 'JIRA_API_USER', 'JIRA_API_TOKEN']);
    expect(Object.keys(env).sort()).toEqual(
      ['POWERTOOLS_SERVICE_NAME', ...Object.keys(COMMON), ...Object.keys(JIRA_SYNC), ...credentials.map((n) => `${n}_SSM_PARAM`)].sort(),
    );
    expect(env).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'jiraSync', STAGE: 'prod', TIME_RANGE: '15', HALO_API_HOSTNAME: 'api.cloudpassage.com', JIRA_API_URL: '', HALO_API_KEY_SSM_PARAM: '' });
  });

  it('the template and the schema share the defaults: the written environment parses to the documented defaults', async () => {
    const written: Record<string, string> = await jiraSyncEnvironment(oslsResolver({ stage: 'dev' }));
    const required = { HALO_API_KEY_SSM_PARAM: '/k', HALO_API_SECRET_KEY_SSM_PARAM: '/s', JIRA_API_USER: 'u', JIRA_API_TOKEN_SSM_PARAM: '/t', JIRA_API_URL: 'https://x.atlassian.net', JIRA_ISSUE_ID_FIELD: 'Halo Issue ID', JIRA_PROJECT_KEY: 'SEC', JIRA_ISSUE_TYPE: 'Bug', ISSUE_CLOSE_TRANSITION: 'Close', ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed' };
    const fromTemplate = loadConfig({ ...written, ...required });
    const fromNothing = loadConfig(required);
    expect({ ...fromTemplate, stage: 'x' }).toEqual({ ...fromNothing, stage: 'x' });
    expect(fromTemplate).toMatchObject({ stage: 'dev', timeRangeMinutes: 15, syncMax: 2000, checkpointParam: '/CloudPassage-Jira/issues/timestamp', ssmRefreshMs: 900_000 });
  });

  it('takes the deploying shell\'s value, and a stage param named by "from" over it', async () => {
    const shell = { TIME_RANGE: '60', AWS_SSM_TIMESTAMP_PARAM: '/from/shell', JIRA_API_TOKEN_SSM_PARAM: '/jira/token' };
    const env: Record<string, string> = await jiraSyncEnvironment(oslsResolver({ env: shell }));
    expect(env).toMatchObject({ TIME_RANGE: '60', AWS_SSM_TIMESTAMP_PARAM: '/from/shell', JIRA_API_TOKEN_SSM_PARAM: '/jira/token' });
    const staged: Record<string, string> = await jiraSyncEnvironment(oslsResolver({ env: shell, params: { checkpointParam: '/from/param' } }));
    expect(staged.AWS_SSM_TIMESTAMP_PARAM).toBe('/from/param');
  });
});

describe('portForwarderEnvironment', () => {
  it('passes CloudFormation values of stage params through, and the webhook parameter as given', async () => {
    const params = { portWebhookUrl: '', portWebhookUrlSsmParam: '/halo-jira-port/dev/port-webhook-url', deadLetterQueueUrl: { Ref: 'DeadLetterQueue' } };
    const env = await portForwarderEnvironment(oslsResolver({ params, env: { FORWARDER_CONCURRENCY: '12' } }));
    expect(env).toEqual({
      POWERTOOLS_SERVICE_NAME: 'portForwarder',
      STAGE: 'dev',
      SSM_SECRETS_REFRESH_SECONDS: COMMON.SSM_SECRETS_REFRESH_SECONDS.default,
      PORT_WEBHOOK_URL: '',
      PORT_WEBHOOK_URL_SSM_PARAM: '/halo-jira-port/dev/port-webhook-url',
      DEAD_LETTER_QUEUE_URL: { Ref: 'DeadLetterQueue' },
      FORWARDER_CONCURRENCY: '12',
      FORWARDER_DEADLINE_MARGIN_MS: FORWARDER.FORWARDER_DEADLINE_MARGIN_MS.default,
      PORT_REQUEST_TIMEOUT_MS: FORWARDER.PORT_REQUEST_TIMEOUT_MS.default,
      FORWARDER_RETRY_BUDGET_SECONDS: FORWARDER.FORWARDER_RETRY_BUDGET_SECONDS.default,
      FORWARDER_RETRY_FIRST_DELAY_SECONDS: FORWARDER.FORWARDER_RETRY_FIRST_DELAY_SECONDS.default,
      FORWARDER_RETRY_MAX_DELAY_SECONDS: FORWARDER.FORWARDER_RETRY_MAX_DELAY_SECONDS.default,
      PORT_WEBHOOK_SECRET: '',
      PORT_WEBHOOK_SECRET_SSM_PARAM: '',
    });
  });
});

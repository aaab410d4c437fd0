import { oslsResolver } from './osls-resolver';
const { parseSelection, omissions } = require('../../../resources/functions.js');
const orgHub = require('../../../resources/org-hub.js');

const DECLARED = ['portForwarder', 'jiraSync'];
const prefix = (fn: string) => fn.charAt(0).toUpperCase() + fn.slice(1);
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** A stack shaped like resources/*.yml plus an alarm and a dashboard of the kind another part adds. */
const RESOURCES = {
  EventsQueue: { Type: 'AWS::SQS::Queue' },
  DeadLetterQueue: { Type: 'AWS::SQS::Queue' },
  EventsQueuePolicy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'EventsQueue' }] } },
  EventsRule: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Arn: arn('EventsQueue') }] } },
  PortForwarderRole: { Type: 'AWS::IAM::Role' },
  JiraSyncRole: { Type: 'AWS::IAM::Role' },
  SyncStateTable: { Type: 'AWS::DynamoDB::Table' },
  JiraSyncErrorsAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'JiraSyncLambdaFunction' } }] } },
  StateTableThrottleAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Dimensions: [{ Value: { Ref: 'SyncStateTable' } }] } },
  Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: { 'Fn::Sub': '{"f":"${JiraSyncLambdaFunction}","q":"${EventsQueue.QueueName}"}' } } },
  DlqDepthAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Dimensions: [{ Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }] } },
};
const OUTPUTS = { EventsQueueUrl: { Value: { Ref: 'EventsQueue' } }, JiraSyncFunctionName: { Value: { Ref: 'JiraSyncLambdaFunction' } } };

describe('functions stage param', () => {
  it('empty means every declared function; names are trimmed and de-duplicated', () => {
    expect(parseSelection('', DECLARED)).toEqual(DECLARED);
    expect(parseSelection(undefined, DECLARED)).toEqual(DECLARED);
    expect(parseSelection(' portForwarder , portForwarder', DECLARED)).toEqual(['portForwarder']);
  });

  it('-name leaves that one out of every declared function (the Port installer without a Jira configuration)', () => {
    expect(parseSelection('-jiraSync', DECLARED)).toEqual(['portForwarder']);
    expect(parseSelection('portForwarder,jiraSync,-jiraSync', DECLARED)).toEqual(['portForwarder']);
    expect(() => parseSelection('-jiraSync,-portForwarder', DECLARED)).toThrow(/leaves no function to deploy/);
  });

  it('refuses an unknown function, naming the param and the declared ones', () => {
    expect(() => parseSelection('portForwarder,jirasync', DECLARED)).toThrow(/param functions names unknown function\(s\) jirasync; serverless.yml declares portForwarder, jiraSync/);
  });
});

describe('what a stage without a function leaves out', () => {
  const plan = (selected: string[]) => omissions({ declared: DECLARED, selected, resources: RESOURCES, outputs: OUTPUTS, compiledPrefix: prefix });

  it('keeps everything when every function is selected', () => {
    expect(plan(DECLARED)).toEqual({ functions: [], resources: [], outputs: [] });
  });

  it('a forwarding hub drops jiraSync, its role, its table and every alarm/dashboard/output referring to them', () => {
    expect(plan(['portForwarder'])).toEqual({
      functions: ['jiraSync'],
      resources: ['Dashboard', 'JiraSyncErrorsAlarm', 'JiraSyncRole', 'StateTableThrottleAlarm', 'SyncStateTable'],
      outputs: ['JiraSyncFunctionName'],
    });
  });

  it('a jiraSync-only stage drops the queues, their policy, the rule and what refers to them', () => {
    expect(plan(['jiraSync'])).toEqual({
      functions: ['portForwarder'],
      resources: ['Dashboard', 'DeadLetterQueue', 'DlqDepthAlarm', 'EventsQueue', 'EventsQueuePolicy', 'EventsRule', 'PortForwarderRole'],
      outputs: ['EventsQueueUrl'],
    });
  });
});

describe('organisation hub (resources/org-hub.js)', () => {
  const params = { eventSources: 'aws.ec2,aws.s3', ruleRetryMaxAgeSeconds: 86400, ruleRetryAttempts: 185 };

  it('adds nothing and lets only the default-bus rule send to the queues without an orgId', async () => {
    const r = oslsResolver({ params: { ...params, orgId: '' } });
    expect(await orgHub.fragment(r)).toEqual({});
    expect(await orgHub.ruleArns(r)).toEqual(arn('EventsRule'));
  });

  it('with an orgId: a bus only principals of that organisation may put events on, and a rule from it to the queue', async () => {
    const r = oslsResolver({ params: { ...params, orgId: 'o-a1b2c3d4e5' }, stage: 'prod' });
    const f = await orgHub.fragment(r);
    const bus = f.Resources.OrgEventBus.Properties;
    expect(bus.Name).toBe('halo-jira-port-prod-org');
    expect(bus.Policy.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
    ]);
    const rule = f.Resources.OrgEventsRule.Properties;
    expect(rule.EventBusName).toEqual({ 'Fn::GetAtt': ['OrgEventBus', 'Name'] });
    expect(rule.Targets[0]).toEqual(expect.objectContaining({ Arn: arn('EventsQueue'), DeadLetterConfig: { Arn: arn('DeadLetterQueue') } }));
    expect(rule.EventPattern.$or.map((a: { source: string[] }) => a.source[0])).toEqual(['aws.ec2', 'aws.s3']);
    expect(await orgHub.ruleArns(r)).toEqual([arn('EventsRule'), arn('OrgEventsRule')]);
  });

  it('refuses something that is not an organisation id', async () => {
    await expect(orgHub.fragment(oslsResolver({ params: { ...params, orgId: '123456789012' } }))).rejects.toThrow(/param orgId \(ORG_ID\) must be an AWS Organizations id/);
  });
});

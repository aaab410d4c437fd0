'use strict';
/**
 * The hub side of an AWS Organization (docs/organization.md): a custom event bus that every account
 * of the organisation may put events on, and a rule on it feeding the same events queue as the
 * default-bus rule. Generated, and only when the `orgId` stage param (ORG_ID) is set: a
 * single-account deploy gets no bus and no rule, and no CloudFormation Condition that cfn-lint would
 * call always-true or always-false.
 */
const { buildEventPattern, loadDefinitions } = require('./event-pattern.js');

const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const arnOf = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });

async function orgIdOf(resolveVariable) {
  const orgId = String((await resolveVariable('param:orgId, null')) ?? '').trim();
  if (orgId && !ORG_ID.test(orgId)) throw new Error(`param orgId (ORG_ID) must be an AWS Organizations id like o-a1b2c3d4e5, got ${JSON.stringify(orgId)}`);
  return orgId;
}

/** `<service>-<stage>-org`: the name the spoke template's HubEventBusArn ends with. */
async function busName(resolveVariable) {
  return `${await resolveVariable('self:service')}-${await resolveVariable('sls:stage')}-org`;
}

/**
 * Bus policy: events:PutEvents on this bus for any principal of the organisation, nothing else
 * (AWS::Events::EventBus `Policy`; the `aws:PrincipalOrgID` condition is the one PutPermission
 * documents for "all accounts of an organization").
 */
function orgHubResources({ orgId, name, eventPattern, retry }) {
  return {
    OrgEventBus: {
      Type: 'AWS::Events::EventBus',
      Properties: {
        Name: name,
        Description: `Events from every account of ${orgId} (spoke StackSet, resources/spoke/spoke.yml)`,
        Policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'OrganizationPutEvents',
              Effect: 'Allow',
              Principal: '*',
              Action: 'events:PutEvents',
              Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${name}` },
              Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId } },
            },
          ],
        },
      },
    },
    OrgEventsRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: `${name}-aws-events`,
        Description: 'AWS resource events from the organisation for Port',
        EventBusName: { 'Fn::GetAtt': ['OrgEventBus', 'Name'] },
        State: 'ENABLED',
        EventPattern: eventPattern,
        Targets: [
          {
            Id: 'events-queue',
            Arn: arnOf('EventsQueue'),
            RetryPolicy: retry,
            DeadLetterConfig: { Arn: arnOf('DeadLetterQueue') },
          },
        ],
      },
    },
  };
}

async function retryOf(resolveVariable) {
  return {
    MaximumEventAgeInSeconds: Number(await resolveVariable('param:ruleRetryMaxAgeSeconds')),
    MaximumRetryAttempts: Number(await resolveVariable('param:ruleRetryAttempts')),
  };
}

/** `resources:` fragment: the bus, its rule and the bus ARN output, or nothing without an orgId. */
async function fragment({ resolveVariable }) {
  const orgId = await orgIdOf(resolveVariable);
  if (!orgId) return {};
  const name = await busName(resolveVariable);
  const eventPattern = buildEventPattern(await resolveVariable('param:eventSources'), loadDefinitions());
  return {
    Resources: orgHubResources({ orgId, name, eventPattern, retry: await retryOf(resolveVariable) }),
    Outputs: { OrgEventBusArn: { Description: 'HubEventBusArn for the spoke StackSet', Value: arnOf('OrgEventBus') } },
  };
}

/** The rules the events queue and the DLQ accept messages from (their queue policies' aws:SourceArn). */
async function ruleArns({ resolveVariable }) {
  return (await orgIdOf(resolveVariable)) ? [arnOf('EventsRule'), arnOf('OrgEventsRule')] : arnOf('EventsRule');
}

module.exports = { fragment, ruleArns, orgHubResources, ORG_ID };

'use strict';
/**
 * Generates resources/spoke/spoke.yml, the template every member account runs (as a service-managed
 * CloudFormation StackSet): one rule per source of port/sources.json on the account's default bus,
 * forwarding to the hub's organisation bus, and the read-only role the hub's portResync assumes.
 * `npm run spoke:build` rewrites the file; tests/unit/resources/spoke-template.test.ts fails when the
 * committed file differs from what this produces.
 *
 * Account-agnostic by construction: everything account-, region- or hub-specific is a parameter or a
 * pseudo parameter, so the same template deploys into any account and region.
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { buildEventPattern, loadDefinitions } = require('../event-pattern.js');

const OUT = path.join(__dirname, 'spoke.yml');
const arnOf = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** `aws.ec2` → `Ec2`: the part of the logical ids and parameter names that names the source. */
const idOf = (source) => source.replace(/^aws\./, '').split(/[^A-Za-z0-9]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/**
 * What portResync lists, as IAM actions (functions/portResync listers); all are list/describe calls
 * that take no resource-level ARN, hence Resource '*'.
 */
const RESYNC_ACTIONS = [
  'ec2:DescribeInstances',
  's3:ListAllMyBuckets', 's3:GetBucketTagging', 's3:GetBucketLocation',
  'rds:DescribeDBInstances', 'rds:ListTagsForResource',
  'sqs:ListQueues', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags',
  'ecs:ListClusters', 'ecs:DescribeClusters', 'ecs:ListServices', 'ecs:DescribeServices', 'ecs:ListTasks', 'ecs:DescribeTasks',
  'eks:ListClusters', 'eks:DescribeCluster',
  'lambda:ListFunctions', 'lambda:ListTags',
];

function parameters(sources) {
  const params = {
    HubEventBusArn: {
      Type: 'String',
      Description: "The hub's organisation event bus (hub stack output OrgEventBusArn)",
      AllowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._-]+$',
    },
    OrgId: { Type: 'String', Description: 'AWS Organizations id the hub trusts (o-…)', AllowedPattern: '^o-[a-z0-9]{10,32}$' },
    ExternalId: {
      Type: 'String',
      NoEcho: true,
      Description: 'Shared secret the hub passes as sts:ExternalId when it assumes the resync role',
      MinLength: 2,
      MaxLength: 1224,
      AllowedPattern: '^[A-Za-z0-9+=,.@:/-]+$',
    },
    HubResyncRoleArn: {
      Type: 'String',
      Default: '',
      Description: "The hub portResync function's execution role; empty = no resync role in this account",
      AllowedPattern: '^(arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+)?$',
    },
    ResyncRoleName: {
      Type: 'String',
      Default: 'halo-jira-port-resync',
      Description: 'Name of the read-only role (the same in every account, so the hub can name it)',
      AllowedPattern: '^[A-Za-z0-9+=,.@_-]{1,64}$',
    },
    GlobalResourcesRegion: {
      Type: 'String',
      Description: 'IAM is global: the resync role is created only by the stack instance in this region (one of the StackSet regions)',
      AllowedPattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$',
    },
  };
  for (const source of sources) {
    params[`Forward${idOf(source)}`] = { Type: 'String', Default: 'true', AllowedValues: ['true', 'false'], Description: `Forward ${source} events to the hub` };
  }
  return params;
}

function conditions(sources) {
  const c = {
    CreateResyncRole: {
      'Fn::And': [
        { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'GlobalResourcesRegion' }] },
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'HubResyncRoleArn' }, ''] }] },
      ],
    },
  };
  for (const source of sources) c[`${idOf(source)}Enabled`] = { 'Fn::Equals': [{ Ref: `Forward${idOf(source)}` }, 'true'] };
  return c;
}

function rule(source, definitions) {
  return {
    Type: 'AWS::Events::Rule',
    Condition: `${idOf(source)}Enabled`,
    Properties: {
      Description: `${source} events for Port, forwarded to the hub's organisation bus`,
      EventBusName: 'default',
      State: 'ENABLED',
      EventPattern: buildEventPattern(source, definitions),
      Targets: [
        {
          Id: 'hub-bus',
          Arn: { Ref: 'HubEventBusArn' },
          RoleArn: arnOf('ForwardToHubRole'),
          // A bus target keeps retrying for 24 h by default; what still fails lands here, in this account.
          DeadLetterConfig: { Arn: arnOf('ForwardDeadLetterQueue') },
        },
      ],
    },
  };
}

function buildSpokeTemplate(definitions = loadDefinitions()) {
  const sources = Object.keys(definitions);
  const rules = Object.fromEntries(sources.map((s) => [`Forward${idOf(s)}Rule`, rule(s, definitions)]));
  const ruleArns = sources.map((s) => ({ 'Fn::If': [`${idOf(s)}Enabled`, arnOf(`Forward${idOf(s)}Rule`), { Ref: 'AWS::NoValue' }] }));
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'halo-jira-port spoke: forwards this account\'s AWS resource events to the hub bus; read-only role for the hub\'s resync (docs/organization.md)',
    Parameters: parameters(sources),
    Conditions: conditions(sources),
    Resources: {
      ...rules,
      // EventBridge needs a role in the sending account to put events on a bus of another account.
      ForwardToHubRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'put-events-on-hub-bus',
              PolicyDocument: {
                Version: '2012-10-17',
                // Only to a bus of our own organisation, whatever HubEventBusArn says.
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'events:PutEvents',
                    Resource: { Ref: 'HubEventBusArn' },
                    Condition: { StringEquals: { 'aws:ResourceOrgID': { Ref: 'OrgId' } } },
                  },
                ],
              },
            },
          ],
        },
      },
      ForwardDeadLetterQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 },
      },
      ForwardDeadLetterQueuePolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [{ Ref: 'ForwardDeadLetterQueue' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'ForwardRulesToDeadLetterQueue',
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: arnOf('ForwardDeadLetterQueue'),
                Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
              },
            ],
          },
        },
      },
      ResyncRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'CreateResyncRole',
        Properties: {
          RoleName: { Ref: 'ResyncRoleName' },
          Description: "Read-only inventory for the hub's portResync (list/describe only)",
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: { Ref: 'HubResyncRoleArn' } },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' }, 'aws:PrincipalOrgID': { Ref: 'OrgId' } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'inventory-read',
              PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: RESYNC_ACTIONS, Resource: '*' }] },
            },
          ],
        },
      },
    },
    Outputs: {
      ForwardDeadLetterQueueUrl: { Description: 'Events the hub bus refused for too long', Value: { Ref: 'ForwardDeadLetterQueue' } },
      ResyncRoleArn: { Condition: 'CreateResyncRole', Value: arnOf('ResyncRole') },
    },
  };
}

const HEADER =
  '# GENERATED by resources/spoke/build.js from port/sources.json: do not edit; run `npm run spoke:build`.\n' +
  '# The member-account template of docs/organization.md (a service-managed StackSet).\n';

function render(definitions) {
  return HEADER + YAML.stringify(buildSpokeTemplate(definitions), { lineWidth: 0, aliasDuplicateObjects: false });
}

module.exports = { buildSpokeTemplate, render, idOf, RESYNC_ACTIONS, OUT };

if (require.main === module) {
  fs.writeFileSync(OUT, render());
  process.stdout.write(`wrote ${path.relative(process.cwd(), OUT)}\n`);
}

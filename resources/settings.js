'use strict';
/**
 * Settings derived from several stage params, for serverless.yml (`${file(resources/settings.js):…}`).
 * Each function fails the deploy with a message naming the param when a value is unusable.
 */
const int = async (resolveVariable, name) => {
  const raw = await resolveVariable(`param:${name}`);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`param ${name} must be a whole number, got ${JSON.stringify(raw)}`);
  return n;
};

/** AWS: visibility timeout ≥ 6 × function timeout (+ batching window), so retries never overlap. */
async function visibilityTimeout({ resolveVariable }) {
  const timeout = await int(resolveVariable, 'forwarderTimeout');
  const window = await int(resolveVariable, 'forwarderBatchWindow');
  return Math.min(43200, 6 * timeout + window);
}

/**
 * Where the webhook URL comes from in AWS stages: an explicit PORT_WEBHOOK_URL_SSM_PARAM; else none
 * when PORT_WEBHOOK_URL (KMS-encrypted) is given; else `<secretsSsmPath>/port-webhook-url`.
 */
async function webhookSsmParam({ resolveVariable }) {
  const explicit = (process.env.PORT_WEBHOOK_URL_SSM_PARAM || '').trim();
  if (explicit) return explicit;
  if (String((await resolveVariable('param:portWebhookUrl')) || '').trim()) return '';
  return `${String(await resolveVariable('param:secretsSsmPath')).replace(/\/+$/, '')}/port-webhook-url`;
}

const sub = (s) => ({ 'Fn::Sub': s });
const ssmArn = (name) => sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${name.replace(/^\//, '')}`);
const arnOf = (logicalId) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const allow = (Action, Resource) => ({ Effect: 'Allow', Action, Resource });

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
// jiraSync credentials that may name an SSM parameter (`<NAME>_SSM_PARAM`, functions/jiraSync/config.ts).
const JIRA_SYNC_CREDENTIALS = ['HALO_API_KEY', 'HALO_API_SECRET_KEY', 'JIRA_API_USER', 'JIRA_API_TOKEN'];

const text = async (resolveVariable, variable) => String((await resolveVariable(variable)) ?? '').trim();

/** kms:Decrypt on the configured key only; none when no key is set. */
async function kmsStatements(resolveVariable) {
  const kmsKeyArn = await text(resolveVariable, 'param:kmsKeyArn');
  if (!kmsKeyArn) return [];
  if (!KEY_ARN.test(kmsKeyArn)) throw new Error(`param kmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${JSON.stringify(kmsKeyArn)}`);
  return [allow(['kms:Decrypt'], [kmsKeyArn])];
}

/** GetParameter(s) on exactly the named parameters (@middy/ssm fetches by name), none when there are none. */
function ssmReadStatements(named) {
  for (const [setting, name] of named) {
    if (!name.startsWith('/') || name.endsWith('/')) throw new Error(`${setting} must name one SSM parameter (/path/name), got ${JSON.stringify(name)}`);
  }
  const unique = [...new Set(named.map(([, name]) => name))];
  return unique.length ? [allow(['ssm:GetParameter', 'ssm:GetParameters'], unique.map(ssmArn))] : [];
}

// Scoped AWSLambdaBasicExecutionRole: the group itself is created by CloudFormation (`<Fn>LogGroup`).
const logStatements = (logGroupId) => [allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [arnOf(logGroupId)])];

/**
 * portForwarder: consume the events queue (event source mapping), send to the DLQ, read the webhook
 * URL parameter (when the URL comes from SSM), decrypt with the configured key, write its own logs.
 */
async function portForwarderStatements({ resolveVariable }) {
  const webhookParam = await text(resolveVariable, 'param:portWebhookUrlSsmParam');
  return [
    ...logStatements('PortForwarderLogGroup'),
    allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], [arnOf('EventsQueue')]),
    allow(['sqs:SendMessage'], [arnOf('DeadLetterQueue')]),
    ...ssmReadStatements(webhookParam ? [['PORT_WEBHOOK_URL_SSM_PARAM', webhookParam]] : []),
    ...(await kmsStatements(resolveVariable)),
  ];
}

/**
 * jiraSync: read and write its checkpoint, read the credentials given as `<NAME>_SSM_PARAM`,
 * decrypt with the configured key, write its own logs. Nothing on the queues.
 */
async function jiraSyncStatements({ resolveVariable }) {
  const checkpoint = await text(resolveVariable, 'param:checkpointParam');
  if (!checkpoint.startsWith('/')) throw new Error(`param checkpointParam must start with "/", got ${JSON.stringify(checkpoint)}`);
  const credentialParams = [];
  for (const name of JIRA_SYNC_CREDENTIALS) {
    const param = await text(resolveVariable, `self:functions.jiraSync.environment.${name}_SSM_PARAM, ''`);
    if (param) credentialParams.push([`${name}_SSM_PARAM`, param]);
  }
  return [
    ...logStatements('JiraSyncLogGroup'),
    allow(['ssm:GetParameter', 'ssm:PutParameter'], [ssmArn(checkpoint)]),
    ...ssmReadStatements(credentialParams),
    ...(await kmsStatements(resolveVariable)),
  ];
}

/**
 * Exactly the read-only list/describe calls the resync's listers make (functions/portResync/inventory/),
 * per source. None of these actions supports resource-level scoping for listing, hence `*`.
 */
const RESYNC_READ_ACTIONS = {
  'aws.ec2': ['ec2:DescribeInstances'],
  'aws.s3': ['s3:ListAllMyBuckets', 's3:GetBucketLocation', 's3:GetBucketTagging'],
  'aws.rds': ['rds:DescribeDBInstances'],
  'aws.sqs': ['sqs:ListQueues', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
  'aws.ecs': ['ecs:ListClusters', 'ecs:DescribeClusters', 'ecs:ListServices', 'ecs:DescribeServices', 'ecs:ListTasks', 'ecs:DescribeTasks'],
  'aws.eks': ['eks:ListClusters', 'eks:DescribeCluster'],
  'aws.lambda': ['lambda:ListFunctions', 'lambda:ListTags'],
};
// portResync credentials that may name an SSM parameter (functions/portResync/config.ts).
const RESYNC_CREDENTIALS = ['PORT_CLIENT_ID', 'PORT_CLIENT_SECRET', 'PORT_WEBHOOK_URL'];

/**
 * portResync: the list/describe calls of the enabled sources (sts:GetCallerIdentity needs no
 * permission), read/write its progress parameter, read its credential parameters, decrypt with the
 * configured key, write its own logs.
 */
async function portResyncStatements({ resolveVariable }) {
  const sources = (await text(resolveVariable, 'param:eventSources')).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = sources.filter((s) => !RESYNC_READ_ACTIONS[s]);
  if (unknown.length) throw new Error(`param eventSources: unknown ${unknown.join(', ')}; known: ${Object.keys(RESYNC_READ_ACTIONS).join(', ')}`);
  const state = await text(resolveVariable, 'param:resyncStateParam');
  if (!state.startsWith('/')) throw new Error(`param resyncStateParam must start with "/", got ${JSON.stringify(state)}`);
  const credentialParams = [];
  for (const name of RESYNC_CREDENTIALS) {
    const param = await text(resolveVariable, `self:functions.portResync.environment.${name}_SSM_PARAM, ''`);
    if (param) credentialParams.push([`${name}_SSM_PARAM`, param]);
  }
  return [
    ...logStatements('PortResyncLogGroup'),
    allow([...new Set(sources.flatMap((s) => RESYNC_READ_ACTIONS[s]))], ['*']),
    allow(['ssm:GetParameter', 'ssm:PutParameter'], [ssmArn(state)]),
    ...ssmReadStatements(credentialParams),
    ...(await kmsStatements(resolveVariable)),
  ];
}

module.exports = { visibilityTimeout, webhookSsmParam, portForwarderStatements, jiraSyncStatements, portResyncStatements, RESYNC_READ_ACTIONS };

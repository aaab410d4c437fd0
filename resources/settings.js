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
  const signingParam = await text(resolveVariable, 'param:portWebhookSecretSsmParam');
  return [
    ...logStatements('PortForwarderLogGroup'),
    allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], [arnOf('EventsQueue')]),
    allow(['sqs:SendMessage'], [arnOf('DeadLetterQueue')]),
    ...ssmReadStatements([
      ...(webhookParam ? [['PORT_WEBHOOK_URL_SSM_PARAM', webhookParam]] : []),
      ...(signingParam ? [['PORT_WEBHOOK_SECRET_SSM_PARAM', signingParam]] : []),
    ]),
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

module.exports = { visibilityTimeout, portForwarderStatements, jiraSyncStatements };

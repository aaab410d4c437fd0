'use strict';
/**
 * Settings derived from several stage params, for serverless.yml (`${file(resources/settings.js):…}`).
 * Each function fails the deploy with a message naming the param when a value is unusable.
 *
 * Each function's settings are declared once, in `functions/<fn>/settings.json` (and the shared ones
 * in `shared/function/settings.json`): the same files give the TypeScript schema its defaults and
 * secrets, and give the template the function's `environment` and IAM (below).
 */
const { checkSecretParameter, checkSecretValue } = require('./secret-params');

const COMMON_SETTINGS = require('../shared/function/settings.json');
const FUNCTION_SETTINGS = {
  jiraSync: require('../functions/jiraSync/settings.json'),
  portForwarder: require('../functions/portForwarder/settings.json'),
  portResync: require('../functions/portResync/settings.json'),
};
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

/**
 * One setting's value in the template: its `from` variable when that resolves (a stage param set for
 * this stage, `sls:stage`), else the deploying shell's `NAME`, else its declared default, else ''.
 * The same as `${param:…}` / `${env:NAME, default}`, with the default written once.
 */
async function settingValue(resolveVariable, name, declaration) {
  if (declaration.from) {
    const value = await resolveVariable(`${declaration.from}, null`);
    if (value !== null && value !== undefined) return typeof value === 'object' ? value : String(value);
  }
  const fromShell = await resolveVariable(`env:${name}, null`);
  if (fromShell !== null && fromShell !== undefined && String(fromShell).trim() !== '') return String(fromShell);
  return declaration.default ?? '';
}

/**
 * A function's environment: every declared setting, `<NAME>_SSM_PARAM` for each secret, its service
 * name. Secrets follow resources/secret-params.js: no plain value outside the local stage, and on
 * `sls deploy` each named SSM parameter must exist.
 */
async function environmentOf(fn, resolveVariable) {
  const declared = { ...COMMON_SETTINGS, ...FUNCTION_SETTINGS[fn] };
  const env = { POWERTOOLS_SERVICE_NAME: fn };
  for (const [name, declaration] of Object.entries(declared)) {
    env[name] = await settingValue(resolveVariable, name, declaration);
    const ssmParam = `${name}_SSM_PARAM`;
    if (declaration.secret && !(ssmParam in declared)) env[ssmParam] = await settingValue(resolveVariable, ssmParam, {});
  }
  const where = await secretRules(resolveVariable);
  for (const name of secretsOf(fn)) {
    env[name] = checkSecretValue(name, env[name], where);
    await checkSecretParameter(name, String(env[`${name}_SSM_PARAM`] ?? '').trim(), where);
  }
  return env;
}

/** What resources/secret-params.js needs to judge a secret: the stage, where secrets live, the region. */
async function secretRules(resolveVariable) {
  const stage = String(await resolveVariable('sls:stage'));
  return {
    stage,
    secretsSsmPath: String((await resolveVariable('param:secretsSsmPath, null')) ?? `/halo-jira-port/${stage}`),
    region: String((await resolveVariable('self:provider.region, null')) ?? ''),
    skip: String((await resolveVariable('env:SKIP_SSM_PARAM_CHECK, null')) ?? '').trim() === 'true',
  };
}

const secretsOf = (fn) => Object.keys(FUNCTION_SETTINGS[fn]).filter((name) => FUNCTION_SETTINGS[fn][name].secret);

const sub = (s) => ({ 'Fn::Sub': s });
const ssmArn = (name) => sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${name.replace(/^\//, '')}`);
const arnOf = (logicalId) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const allow = (Action, Resource) => ({ Effect: 'Allow', Action, Resource });

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

const text = async (resolveVariable, variable) => String((await resolveVariable(variable)) ?? '').trim();

/** The deployed function's name: osls names it `<service>-<stage>-<fn>` unless `name` is set. */
async function functionName(resolveVariable, fn) {
  const explicit = await resolveVariable(`self:functions.${fn}.name, null`);
  if (explicit) return String(explicit);
  return `${await text(resolveVariable, 'self:service')}-${await text(resolveVariable, 'sls:stage')}-${fn}`;
}

/**
 * kms:Decrypt on the configured key only (none when no key is set), and only for ciphertext bound to
 * this function: encryption context `LambdaFunctionName` = its own name, as the Lambda console
 * encrypts. `StringEqualsIfExists` by default, because users of the old tool encrypted without any
 * context; the stage param `kmsRequireContext: true` makes the context mandatory (`StringEquals`).
 * Then SSM SecureStrings under that key (context PARAMETER_ARN, no LambdaFunctionName) get their own
 * statement, limited to decryption through SSM (`kms:ViaService`).
 */
async function kmsStatements(resolveVariable, fn, readsSsm) {
  const kmsKeyArn = await text(resolveVariable, 'param:kmsKeyArn');
  if (!kmsKeyArn) return [];
  if (!KEY_ARN.test(kmsKeyArn)) throw new Error(`param kmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${JSON.stringify(kmsKeyArn)}`);
  const required = await text(resolveVariable, 'param:kmsRequireContext, false');
  if (!['true', 'false'].includes(required)) throw new Error(`param kmsRequireContext must be true or false, got ${JSON.stringify(required)}`);
  const operator = required === 'true' ? 'StringEquals' : 'StringEqualsIfExists';
  const ownCiphertext = {
    ...allow(['kms:Decrypt'], [kmsKeyArn]),
    Condition: { [operator]: { 'kms:EncryptionContext:LambdaFunctionName': await functionName(resolveVariable, fn) } },
  };
  if (required !== 'true' || !readsSsm) return [ownCiphertext];
  const viaSsm = { ...allow(['kms:Decrypt'], [kmsKeyArn]), Condition: { StringEquals: { 'kms:ViaService': sub('ssm.${AWS::Region}.amazonaws.com') } } };
  return [ownCiphertext, viaSsm];
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
  const secretParams = await secretParamsOf('portForwarder', resolveVariable);
  return [
    ...logStatements('PortForwarderLogGroup'),
    allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], [arnOf('EventsQueue')]),
    allow(['sqs:SendMessage'], [arnOf('DeadLetterQueue')]),
    ...ssmReadStatements(secretParams),
    ...(await kmsStatements(resolveVariable, 'portForwarder', secretParams.length > 0)),
  ];
}

/** `[<NAME>_SSM_PARAM, /path]` for each secret the function's environment reads from SSM. */
async function secretParamsOf(fn, resolveVariable) {
  const env = await environmentOf(fn, resolveVariable);
  return secretsOf(fn)
    .map((name) => [`${name}_SSM_PARAM`, String(env[`${name}_SSM_PARAM`] ?? '').trim()])
    .filter(([, param]) => param);
}

// jiraSync's state table (resources/state-table.yml): item reads and writes only; no CreateTable,
// no Scan, nothing on any other table. The `local` stage creates its table itself (moto).
const STATE_TABLE_ACTIONS = [
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem',
  'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query',
];

/**
 * jiraSync: read and write its checkpoint and its state table, read the credentials given as
 * `<NAME>_SSM_PARAM`, decrypt with the configured key, write its own logs. Nothing on the queues.
 */
async function jiraSyncStatements({ resolveVariable }) {
  const checkpoint = String((await environmentOf('jiraSync', resolveVariable)).AWS_SSM_TIMESTAMP_PARAM).trim();
  if (!checkpoint.startsWith('/')) throw new Error(`AWS_SSM_TIMESTAMP_PARAM / param checkpointParam must start with "/", got ${JSON.stringify(checkpoint)}`);
  const credentialParams = await secretParamsOf('jiraSync', resolveVariable);
  return [
    ...logStatements('JiraSyncLogGroup'),
    allow(['ssm:GetParameter', 'ssm:PutParameter'], [ssmArn(checkpoint)]),
    allow(STATE_TABLE_ACTIONS, [arnOf('SyncStateTable')]),
    ...ssmReadStatements(credentialParams),
    ...(await kmsStatements(resolveVariable, 'jiraSync', credentialParams.length > 0)),
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

/**
 * Other accounts (RESYNC_ACCOUNTS): AssumeRole of the spoke's resync role, by name in any account
 * (the spoke role's trust policy and external id decide who gets in), and ListAccounts only when the
 * accounts come from Organizations. docs/organization.md "Resync across accounts".
 */
function resyncAccountStatements(env) {
  const accounts = String(env.RESYNC_ACCOUNTS ?? '').trim();
  if (!accounts) return [];
  const roleName = String(env.RESYNC_ROLE_NAME ?? '').trim();
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) throw new Error(`RESYNC_ROLE_NAME must be an IAM role name, got ${JSON.stringify(roleName)}`);
  return [
    allow(['sts:AssumeRole'], [sub(`arn:\${AWS::Partition}:iam::*:role/${roleName}`)]),
    ...(accounts === 'organization' ? [allow(['organizations:ListAccounts'], ['*'])] : []),
  ];
}

/**
 * portResync: the list/describe calls of the enabled sources (sts:GetCallerIdentity needs no
 * permission), read/write its progress parameters (one per account × region beyond its own, under
 * RESYNC_STATE_PARAM/), assume the spoke roles of other accounts, read its credential parameters,
 * decrypt with the configured key, write its own logs.
 */
async function portResyncStatements({ resolveVariable }) {
  const env = await environmentOf('portResync', resolveVariable);
  const sources = String(env.EVENT_SOURCES).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = sources.filter((s) => !RESYNC_READ_ACTIONS[s]);
  if (unknown.length) throw new Error(`EVENT_SOURCES / param eventSources: unknown ${unknown.join(', ')}; known: ${Object.keys(RESYNC_READ_ACTIONS).join(', ')}`);
  const state = String(env.RESYNC_STATE_PARAM).trim();
  if (!state.startsWith('/')) throw new Error(`RESYNC_STATE_PARAM / param resyncStateParam must start with "/", got ${JSON.stringify(state)}`);
  const credentialParams = await secretParamsOf('portResync', resolveVariable);
  const accounts = resyncAccountStatements(env);
  const severalTargets = accounts.length > 0 || String(env.RESYNC_REGIONS ?? '').trim() !== '';
  return [
    ...logStatements('PortResyncLogGroup'),
    allow([...new Set(sources.flatMap((s) => RESYNC_READ_ACTIONS[s]))], ['*']),
    allow(['ssm:GetParameter', 'ssm:PutParameter'], severalTargets ? [ssmArn(state), ssmArn(`${state}/*`)] : [ssmArn(state)]),
    ...accounts,
    ...ssmReadStatements(credentialParams),
    ...(await kmsStatements(resolveVariable, 'portResync', credentialParams.length > 0)),
  ];
}

module.exports = {
  visibilityTimeout,
  webhookSsmParam,
  portForwarderStatements,
  jiraSyncStatements,
  portResyncStatements,
  RESYNC_READ_ACTIONS,
  jiraSyncEnvironment: ({ resolveVariable }) => environmentOf('jiraSync', resolveVariable),
  portForwarderEnvironment: ({ resolveVariable }) => environmentOf('portForwarder', resolveVariable),
  portResyncEnvironment: ({ resolveVariable }) => environmentOf('portResync', resolveVariable),
};

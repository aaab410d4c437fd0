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

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Least privilege: DLQ send, SSM reads under the secrets path, checkpoint, kms:Decrypt only if a key is set. */
async function iamStatements({ resolveVariable }) {
  const kmsKeyArn = String((await resolveVariable('param:kmsKeyArn')) || '').trim();
  const ssmPath = String(await resolveVariable('param:secretsSsmPath')).replace(/\/+$/, '');
  const checkpoint = String(await resolveVariable('param:checkpointParam'));
  const webhookParam = String((await resolveVariable('param:portWebhookUrlSsmParam')) || '').trim();
  if (!ssmPath.startsWith('/')) throw new Error(`param secretsSsmPath must start with "/", got ${JSON.stringify(ssmPath)}`);
  const statements = [
    { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }] },
    {
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Resource: [
        ssmArn(ssmPath),
        ssmArn(`${ssmPath}/*`),
        ...(webhookParam && !webhookParam.startsWith(`${ssmPath}/`) ? [ssmArn(webhookParam)] : []),
      ],
    },
    {
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:PutParameter'],
      Resource: [ssmArn(checkpoint)],
    },
  ];
  if (kmsKeyArn) {
    if (!KEY_ARN.test(kmsKeyArn)) throw new Error(`param kmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${JSON.stringify(kmsKeyArn)}`);
    statements.push({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [kmsKeyArn] });
  }
  return statements;
}

module.exports = { visibilityTimeout, webhookSsmParam, iamStatements };

import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsTarget } from './target';

/**
 * Puts into moto what an operator would have set up next to the stack: secrets in SSM
 * SecureStrings, a KMS key for env-var ciphertexts, and the jiraSync checkpoint.
 */
export async function putSecureString(aws: AwsTarget, name: string, value: string): Promise<void> {
  const ssm = new SSMClient(aws.client);
  try {
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
  } finally {
    ssm.destroy();
  }
}

/**
 * Encrypts `plaintext` the way the Lambda console does for env vars (encryption context
 * `LambdaFunctionName`), with a fresh key. Returns the base64 ciphertext.
 */
export async function kmsEncryptForFunction(aws: AwsTarget, functionName: string, plaintext: string): Promise<string> {
  const kms = new KMSClient(aws.client);
  try {
    const key = await kms.send(new CreateKeyCommand({ Description: 'halo-jira-port sandbox: env-var secrets' }));
    const out = await kms.send(
      new EncryptCommand({
        KeyId: key.KeyMetadata?.KeyId,
        Plaintext: Buffer.from(plaintext, 'utf8'),
        EncryptionContext: { LambdaFunctionName: functionName },
      }),
    );
    if (!out.CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
    return Buffer.from(out.CiphertextBlob).toString('base64');
  } finally {
    kms.destroy();
  }
}

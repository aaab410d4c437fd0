import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { decryptOrPlain, secrets, ssmFetchData } from '../../../shared/middleware/secrets';

const kmsMock = mockClient(KMSClient);
const kms = new KMSClient({ region: 'eu-west-1' });
const CIPHERTEXT = Buffer.from('x'.repeat(64)).toString('base64');

beforeEach(() => kmsMock.reset());

describe('decryptOrPlain', () => {
  it('decrypts with the LambdaFunctionName encryption context first', async () => {
    kmsMock.on(DecryptCommand, { EncryptionContext: { LambdaFunctionName: 'fn' } }).resolves({ Plaintext: Buffer.from('token') });
    await expect(decryptOrPlain('JIRA_API_TOKEN', CIPHERTEXT, kms, 'fn')).resolves.toEqual({ value: 'token', source: 'kms' });
  });

  it('falls back to decrypting without a context', async () => {
    kmsMock.on(DecryptCommand).callsFake(async (input: { EncryptionContext?: unknown }) => {
      if (input.EncryptionContext) throw Object.assign(new Error('bad ctx'), { name: 'InvalidCiphertextException' });
      return { Plaintext: Buffer.from('plain-from-kms') };
    });
    await expect(decryptOrPlain('X', CIPHERTEXT, kms, 'fn')).resolves.toEqual({ value: 'plain-from-kms', source: 'kms' });
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(2);
  });

  it('uses the value as plaintext when KMS cannot decrypt it', async () => {
    kmsMock.on(DecryptCommand).rejects(Object.assign(new Error('nope'), { name: 'InvalidCiphertextException' }));
    await expect(decryptOrPlain('X', CIPHERTEXT, kms, 'fn')).resolves.toEqual({ value: CIPHERTEXT, source: 'plaintext' });
  });

  it('does not call KMS for values that cannot be ciphertext', async () => {
    await expect(decryptOrPlain('X', 'https://ingest.port.io/abc', kms, 'fn')).resolves.toEqual({ value: 'https://ingest.port.io/abc', source: 'plaintext' });
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });
});

describe('secrets middleware', () => {
  it('prefers SSM-injected values, decrypts the rest once per container', async () => {
    kmsMock.on(DecryptCommand).resolves({ Plaintext: Buffer.from('decrypted') });
    const mw = secrets({ names: ['A', 'B', 'C'] as const, env: { B: CIPHERTEXT }, kms });
    const run = async () => {
      const context = { functionName: 'fn', A: 'from-ssm' } as never as Parameters<NonNullable<typeof mw.before>>[0]['context'];
      await mw.before!({ context } as never);
      return context.secrets;
    };
    expect(await run()).toEqual({ A: 'from-ssm', B: 'decrypted', C: undefined });
    await run();
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(1);
  });

  it('ssmFetchData lists only secrets that name a parameter', () => {
    expect(ssmFetchData(['A', 'B'], { A_SSM_PARAM: '/p/a', B: 'x' })).toEqual({ A: '/p/a' });
  });
});

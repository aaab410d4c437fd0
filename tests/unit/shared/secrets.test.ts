import { inspect } from 'node:util';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { Request } from '@middy/core';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { ConfigError } from '../../../shared/errors';
import { decryptOrPlain, secrets, SecretUnavailableError, type ParameterReader, type Secrets, type SecretsOptions } from '../../../shared/middleware/secrets';

const kmsMock = mockClient(KMSClient);
const kms = new KMSClient({ region: 'eu-west-1' });
const CIPHERTEXT = Buffer.from('x'.repeat(64)).toString('base64');
const kmsError = (name: string) => Object.assign(new Error(`${name} from KMS`), { name });

beforeEach(() => kmsMock.reset());

describe('decryptOrPlain', () => {
  it('decrypts with the LambdaFunctionName encryption context first', async () => {
    kmsMock.on(DecryptCommand, { EncryptionContext: { LambdaFunctionName: 'fn' } }).resolves({ Plaintext: Buffer.from('token') });
    await expect(decryptOrPlain('JIRA_API_TOKEN', CIPHERTEXT, kms, 'fn')).resolves.toEqual({ value: 'token', source: 'kms' });
  });

  it('falls back to decrypting without a context (ciphertext of the old tool)', async () => {
    kmsMock.on(DecryptCommand).callsFake(async (input: { EncryptionContext?: unknown }) => {
      if (input.EncryptionContext) throw kmsError('InvalidCiphertextException');
      return { Plaintext: Buffer.from('plain-from-kms') };
    });
    await expect(decryptOrPlain('X', CIPHERTEXT, kms, 'fn')).resolves.toEqual({ value: 'plain-from-kms', source: 'kms' });
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(2);
  });

  it('uses the value as plaintext only when KMS answers InvalidCiphertextException, with and without the context', async () => {
    kmsMock.on(DecryptCommand).rejects(kmsError('InvalidCiphertextException'));
    await expect(decryptOrPlain('X', CIPHERTEXT, kms, 'fn')).resolves.toEqual({ value: CIPHERTEXT, source: 'plaintext' });
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(2);
  });

  it.each(['AccessDeniedException', 'ThrottlingException', 'KMSInternalException', 'DisabledException', 'TimeoutError'])(
    'throws on %s instead of taking the ciphertext for the password',
    async (name) => {
      kmsMock.on(DecryptCommand).rejects(kmsError(name));
      const err = await decryptOrPlain('JIRA_API_TOKEN', CIPHERTEXT, kms, 'fn').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SecretUnavailableError);
      expect((err as Error).message).toContain('JIRA_API_TOKEN');
      expect((err as Error).message).toContain(name);
      expect((err as Error).message).not.toContain(CIPHERTEXT);
    },
  );

  it('refuses an empty decrypted value, naming the variable', async () => {
    kmsMock.on(DecryptCommand).resolves({ Plaintext: new Uint8Array() });
    await expect(decryptOrPlain('HALO_API_KEY', CIPHERTEXT, kms, 'fn')).rejects.toThrow(/HALO_API_KEY="<redacted>"; expected KMS ciphertext of a non-empty value/);
  });

  it('does not call KMS for values that cannot be ciphertext', async () => {
    await expect(decryptOrPlain('X', 'https://ingest.port.io/abc', kms, 'fn')).resolves.toEqual({ value: 'https://ingest.port.io/abc', source: 'plaintext' });
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });
});

type K = 'A' | 'B' | 'C';
type SecretsRequest = Request<unknown, unknown, Error, Context, { secrets?: Secrets<K> }>;

/** One invocation of the middleware alone: a fresh request (and Lambda context) each time. */
function middleware(opts: Partial<SecretsOptions<K>> & Pick<SecretsOptions<K>, 'sources'>) {
  const mw = secrets<K>({ refreshMs: 900_000, kms, ...opts });
  return async () => {
    const context = { functionName: 'halo-jira-port-test-fn' } as Context;
    const request: SecretsRequest = { event: {}, context, response: null, error: null, internal: {} };
    await mw.before?.(request);
    return { secrets: request.internal.secrets, context };
  };
}

/** An SSM stand-in: parameter values by name, a call counter, and a switch to fail. */
function fakeSsm(values: Record<string, string>) {
  const state = { calls: 0, failWith: undefined as Error | undefined, values };
  const read: ParameterReader = async (names) => {
    state.calls += 1;
    if (state.failWith) throw state.failWith;
    return { values: new Map(names.flatMap((n) => (n in state.values ? [[n, state.values[n]!] as const] : []))), invalid: names.filter((n) => !(n in state.values)) };
  };
  return { read, state };
}

describe('secrets middleware', () => {
  it('hands the values on in request.internal, not on the Lambda context; SSM values and the rest, decrypted once per container', async () => {
    kmsMock.on(DecryptCommand).resolves({ Plaintext: Buffer.from('decrypted') });
    const ssm = fakeSsm({ '/p/a': 'from-ssm' });
    const invoke = middleware({ sources: [{ name: 'A', ssmParam: '/p/a' }, { name: 'B', value: CIPHERTEXT }, { name: 'C', value: 'plain' }], ssm: ssm.read });
    const first = await invoke();
    expect(['A', 'B', 'C'].map((n) => first.secrets?.get(n as K))).toEqual(['from-ssm', 'decrypted', 'plain']);
    expect(Object.keys(first.context)).toEqual(['functionName']);
    await invoke();
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(1);
    expect(ssm.state.calls).toBe(1);
  });

  it('a KMS error other than InvalidCiphertext fails the invocation, caches nothing, and the next invocation tries again', async () => {
    kmsMock.on(DecryptCommand).rejectsOnce(kmsError('ThrottlingException')).resolves({ Plaintext: Buffer.from('decrypted') });
    const invoke = middleware({ sources: [{ name: 'B', value: CIPHERTEXT }] });
    await expect(invoke()).rejects.toThrow(/B: KMS Decrypt failed \(ThrottlingException/);
    expect((await invoke()).secrets?.get('B')).toBe('decrypted');
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(2);
  });

  it('fetches SSM values again on the first invocation after the refresh interval, with no timer', async () => {
    let now = 1_000_000;
    const ssm = fakeSsm({ '/p/a': 'token-1' });
    const invoke = middleware({ sources: [{ name: 'A', ssmParam: '/p/a' }], ssm: ssm.read, refreshMs: 900_000, now: () => now });
    const first = (await invoke()).secrets;
    ssm.state.values['/p/a'] = 'token-2'; // rotated in SSM
    now += 899_999;
    const beforeExpiry = (await invoke()).secrets;
    expect(beforeExpiry?.get('A')).toBe('token-1');
    expect(beforeExpiry).toBe(first); // unchanged values: the very same object (clients built on it stay)
    now += 1;
    const afterExpiry = (await invoke()).secrets;
    expect(afterExpiry?.get('A')).toBe('token-2');
    expect(afterExpiry).not.toBe(first);
    expect(ssm.state.calls).toBe(2);
  });

  it('a failed refresh keeps the values in use and tries again on the next invocation', async () => {
    let now = 0;
    const ssm = fakeSsm({ '/p/a': 'token-1' });
    const invoke = middleware({ sources: [{ name: 'A', ssmParam: '/p/a' }], ssm: ssm.read, refreshMs: 60_000, now: () => now });
    await invoke();
    now = 60_000;
    ssm.state.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    expect((await invoke()).secrets?.get('A')).toBe('token-1');
    ssm.state.failWith = undefined;
    ssm.state.values['/p/a'] = 'token-2';
    expect((await invoke()).secrets?.get('A')).toBe('token-2');
    expect(ssm.state.calls).toBe(3);
  });

  it('the first SSM fetch failing fails the invocation; an unknown parameter is a ConfigError naming <NAME>_SSM_PARAM', async () => {
    const ssm = fakeSsm({});
    ssm.state.failWith = Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
    const invoke = middleware({ sources: [{ name: 'A', ssmParam: '/p/missing' }], ssm: ssm.read });
    await expect(invoke()).rejects.toBeInstanceOf(SecretUnavailableError);
    ssm.state.failWith = undefined;
    const err = await invoke().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('A_SSM_PARAM="/p/missing"; expected an existing, non-empty SSM parameter');
  });

  it('checks the values when they change, and fails the invocation when the check does', async () => {
    let now = 0;
    const ssm = fakeSsm({ '/p/a': 'good' });
    const checked: string[] = [];
    const check = (s: Secrets<K>) => {
      checked.push(s.get('A'));
      if (s.get('A') !== 'good') throw new ConfigError([{ variable: 'A', value: '<redacted>', expected: 'good' }]);
    };
    const invoke = middleware({ sources: [{ name: 'A', ssmParam: '/p/a' }], ssm: ssm.read, refreshMs: 10, now: () => now, check });
    await invoke();
    now = 10;
    await invoke(); // refreshed, same value: not checked again
    ssm.state.values['/p/a'] = 'bad';
    now = 20;
    await expect(invoke()).rejects.toThrow(/A="<redacted>"; expected good/);
    expect(checked).toEqual(['good', 'bad']);
  });

  it('never prints a value', async () => {
    const invoke = middleware({ sources: [{ name: 'C', value: 'hunter2-plain' }] });
    const { secrets: resolved } = await invoke();
    expect(JSON.stringify({ resolved })).not.toContain('hunter2');
    expect(inspect(resolved)).not.toContain('hunter2');
  });
});

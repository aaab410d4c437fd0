import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { EnvReader, type Env } from '../../../shared/config/env';
import { ConfigError } from '../../../shared/errors';
import { lambdaHandler, type Invocation } from '../../../shared/function/handler';
import { httpsRequired, readFunctionSettings, settingsReader, type FunctionSettings } from '../../../shared/function/settings';

/** The handler shape every function shares: config → secrets → one call, on a small made-up function. */
const SETTINGS = { API_TOKEN: { secret: true }, API_URL: {}, BATCH: { default: '5' } } as const;
interface Config extends FunctionSettings {
  apiUrl: string;
  batch: number;
}

const kmsMock = mockClient(KMSClient);
const CIPHERTEXT = Buffer.from('c'.repeat(64)).toString('base64');
beforeEach(() => kmsMock.reset());

function coldStart(env: Env) {
  const reads: Env[] = [];
  const invocations: Array<Invocation<Config, 'API_TOKEN'>> = [];
  const readConfig = (e: Env): Config => {
    reads.push(e);
    const r = settingsReader(e, SETTINGS);
    const common = readFunctionSettings(r, SETTINGS);
    const config = { ...common, apiUrl: r.url('API_URL', { required: true, https: httpsRequired(common) }) ?? '', batch: r.int('BATCH', { required: true, min: 1 }) };
    r.done();
    return config;
  };
  const handler = lambdaHandler(
    {
      settings: SETTINGS,
      readConfig,
      checkSecrets: (secrets) => {
        const r = new EnvReader({ API_TOKEN: secrets.get('API_TOKEN') });
        r.custom('API_TOKEN', 'a token of 6+ characters', (v) => (v.length >= 6 ? v : undefined), { secret: true });
        r.done();
      },
      invoke: async (event: { n: number }, invocation) => {
        invocations.push(invocation);
        return { n: event.n, batch: invocation.config.batch, token: invocation.secrets.get('API_TOKEN') };
      },
    },
    env,
  );
  return { handler, reads, invocations };
}

const context = (): Context => ({ functionName: 'halo-jira-port-test-fn', awsRequestId: 'r', getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;

it('parses the config once per container and hands config and secrets to the invocation, not on the context', async () => {
  const { handler, reads, invocations } = coldStart({ API_TOKEN: 'plain-token', API_URL: 'http://127.0.0.1:9' });
  const ctx = context();
  await expect(handler({ n: 1 }, ctx)).resolves.toEqual({ n: 1, batch: 5, token: 'plain-token' });
  await expect(handler({ n: 2 }, context())).resolves.toEqual({ n: 2, batch: 5, token: 'plain-token' });
  expect(reads).toHaveLength(1);
  expect(invocations[0]!.config).toMatchObject({ stage: 'local', ssmRefreshMs: 900_000, apiUrl: 'http://127.0.0.1:9', batch: 5 });
  expect(invocations[0]!.context).toBe(ctx);
  expect(Object.keys(ctx)).toEqual(['functionName', 'awsRequestId', 'getRemainingTimeInMillis']);
});

it('fails every invocation at cold start with one ConfigError naming each variable, its value and the form, before any secret', async () => {
  const { handler, invocations } = coldStart({ API_URL: 'ftp://x', BATCH: 'many', SSM_SECRETS_REFRESH_SECONDS: '-1' });
  for (let i = 0; i < 2; i++) {
    const err = await handler({ n: i }, context()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.variable)).toEqual(['API_TOKEN', 'SSM_SECRETS_REFRESH_SECONDS', 'API_URL', 'BATCH']);
    expect((err as ConfigError).message).toMatch(/API_URL="ftp:\/\/x"; expected an absolute http\(s\) URL/);
    expect((err as ConfigError).message).toMatch(/BATCH="many"; expected a whole number ≥ 1/);
  }
  expect(invocations).toEqual([]);
  expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(0);
});

it('applies the https rule by stage: http:// refused outside the local stage', async () => {
  const dev = coldStart({ STAGE: 'dev', API_TOKEN: 'plain-token', API_URL: 'http://api.example.com' });
  await expect(dev.handler({ n: 1 }, context())).rejects.toThrow(/API_URL="http:\/\/api\.example\.com"; expected an absolute https:\/\/ URL/);
  const devHttps = coldStart({ STAGE: 'dev', API_TOKEN: 'plain-token', API_URL: 'https://api.example.com' });
  await expect(devHttps.handler({ n: 1 }, context())).resolves.toMatchObject({ n: 1 });
});

it('checks the resolved secrets, naming the variable without its value', async () => {
  const { handler, invocations } = coldStart({ API_TOKEN: 'abc', API_URL: 'http://127.0.0.1:9' });
  const err = await handler({ n: 1 }, context()).catch((e: unknown) => e);
  expect((err as Error).message).toContain('API_TOKEN="<redacted>"; expected a token of 6+ characters');
  expect((err as Error).message).not.toContain('abc');
  expect(invocations).toEqual([]);
});

it('a KMS error at cold start fails the invocation and the next one retries the decryption', async () => {
  kmsMock.on(DecryptCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })).resolves({ Plaintext: Buffer.from('decrypted-token') });
  const { handler } = coldStart({ API_TOKEN: CIPHERTEXT, API_URL: 'http://127.0.0.1:9' });
  await expect(handler({ n: 1 }, context())).rejects.toThrow(/API_TOKEN: KMS Decrypt failed \(AccessDeniedException/);
  await expect(handler({ n: 2 }, context())).resolves.toEqual({ n: 2, batch: 5, token: 'decrypted-token' });
  expect(kmsMock.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual({ LambdaFunctionName: 'halo-jira-port-test-fn' });
});

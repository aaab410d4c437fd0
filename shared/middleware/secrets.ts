import { inspect } from 'node:util';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError, ConfigError, reasonOf } from '../errors';
import type { SecretSource } from '../function/settings';
import { logger } from '../observability';

/**
 * The `secrets` middleware (after `config`): resolves each secret from the source the operator chose,
 * and hands the values on in Middy's `request.internal.secrets`, as @middy/ssm does with its values:
 *  - `<NAME>_SSM_PARAM=/path` → the SSM SecureString, fetched again on the first invocation after
 *    `refreshMs` (a rotated token is picked up; no timer, so nothing keeps a process alive);
 *  - `<NAME>=<base64 KMS ciphertext>` → decrypted once per container, first with the
 *    `LambdaFunctionName` encryption context the Lambda console uses, then without one (old tool);
 *  - `<NAME>=<plain value>` → as is, when KMS answers InvalidCiphertextException (it is no ciphertext).
 * Any other KMS or SSM error fails the invocation and caches nothing, so the next one tries again.
 * Which source won is logged, never a value.
 */
export class Secrets<K extends string> {
  constructor(private readonly values: ReadonlyMap<K, string>) {}

  get(name: K): string {
    const value = this.values.get(name);
    if (value === undefined) throw new AppError(`secret ${name} has no source`, { secret: name });
    return value;
  }

  /** An optional secret's value, or undefined when it has no source. */
  find(name: K): string | undefined {
    return this.values.get(name);
  }

  sameAs(other: Secrets<K>): boolean {
    return this.values.size === other.values.size && [...this.values].every(([name, value]) => other.values.get(name) === value);
  }

  /** Never printed by accident: a log line or an error context shows the names only. */
  toJSON(): string {
    return `<secrets ${[...this.values.keys()].join(', ')}>`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

/** Resolving a secret failed for a reason other than "not ciphertext": nothing was cached. */
export class SecretUnavailableError extends AppError {}

/** Reads SSM parameters by name, decrypted. `invalid` lists the names SSM does not know. */
export type ParameterReader = (names: readonly string[]) => Promise<{ values: ReadonlyMap<string, string>; invalid: readonly string[] }>;

export interface SecretsOptions<K extends string> {
  sources: ReadonlyArray<SecretSource<K>>;
  /** SSM values are fetched again on the first invocation this long after the last fetch (0: every time). */
  refreshMs: number;
  kms?: Pick<KMSClient, 'send'>;
  /** Required when a source is in SSM: `ssmParameters(...)` over the SDK. */
  ssm?: ParameterReader;
  now?: () => number;
  /** Checks the resolved values (e.g. a URL's form) and throws a ConfigError naming the variable. */
  check?: (secrets: Secrets<K>) => void;
}

type SecretsInternal<K extends string> = { secrets?: Secrets<K> };

export function secrets<K extends string>(opts: SecretsOptions<K>): MiddlewareObj<unknown, unknown, Error, Context, SecretsInternal<K>> {
  const now = opts.now ?? Date.now;
  const inSsm = opts.sources.flatMap((s) => ('ssmParam' in s ? [s] : []));
  const inEnv = opts.sources.flatMap((s) => ('value' in s ? [s] : []));
  let decrypted: ReadonlyMap<K, string> | undefined;
  let fetched: { values: ReadonlyMap<K, string>; at: number } | undefined;
  let current: Secrets<K> | undefined;

  async function fetchFromSsm(): Promise<ReadonlyMap<K, string>> {
    if (!opts.ssm) throw new AppError('secrets: a secret names an SSM parameter but no SSM reader was given');
    const { values, invalid } = await opts.ssm(inSsm.map((s) => s.ssmParam));
    const problems = inSsm
      .filter((s) => invalid.includes(s.ssmParam) || !values.get(s.ssmParam))
      .map((s) => ({ variable: `${s.name}_SSM_PARAM`, value: s.ssmParam, expected: 'an existing, non-empty SSM parameter the function may read' }));
    if (problems.length > 0) throw new ConfigError(problems);
    return new Map(inSsm.map((s) => [s.name, values.get(s.ssmParam) ?? ''] as const));
  }

  async function ssmValues(): Promise<ReadonlyMap<K, string>> {
    if (inSsm.length === 0) return new Map();
    if (fetched && now() - fetched.at < opts.refreshMs) return fetched.values;
    try {
      fetched = { values: await fetchFromSsm(), at: now() };
      for (const s of inSsm) logger.info('secret resolved', { secret: s.name, source: 'ssm' });
    } catch (err) {
      if (!fetched) throw err instanceof ConfigError ? err : new SecretUnavailableError(`SSM GetParameters failed: ${reasonOf(err)}`, {}, { cause: err });
      // A failed refresh keeps the values in use; `fetched.at` is unchanged, so the next invocation tries again.
      logger.warn('SSM secrets refresh failed; keeping the values in use', { reason: reasonOf(err) });
    }
    return fetched.values;
  }

  async function decryptOnce(functionName: string): Promise<ReadonlyMap<K, string>> {
    if (decrypted) return decrypted;
    const kms = opts.kms ?? lazyKmsClient();
    const resolved = await Promise.all(
      inEnv.map(async (s) => {
        const { value, source } = await decryptOrPlain(s.name, s.value, kms, functionName);
        logger.info('secret resolved', { secret: s.name, source });
        return [s.name, value] as const;
      }),
    );
    decrypted = new Map(resolved);
    return decrypted;
  }

  return {
    before: async (request) => {
      const [fromEnv, fromSsm] = await Promise.all([decryptOnce(request.context.functionName), ssmValues()]);
      const next = new Secrets(new Map([...fromEnv, ...fromSsm]));
      if (!current?.sameAs(next)) {
        opts.check?.(next);
        current = next;
      }
      request.internal.secrets = current;
    },
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const isInvalidCiphertext = (err: unknown): boolean => err instanceof Error && err.name === 'InvalidCiphertextException';

/**
 * KMS ciphertext → its plaintext; anything KMS says is not ciphertext (InvalidCiphertextException,
 * with and without the context) → the value itself. Any other KMS error (access denied, throttling,
 * network, disabled key) throws: a transient fault must never turn a ciphertext into the password.
 */
export async function decryptOrPlain(
  name: string,
  value: string,
  kms: Pick<KMSClient, 'send'>,
  functionName: string | undefined,
): Promise<{ value: string; source: 'kms' | 'plaintext' }> {
  // Plain values that cannot be ciphertext never cost a KMS call.
  if (value.length < 40 || !BASE64.test(value)) return { value, source: 'plaintext' };
  // Loaded on first use: a cold start with no encrypted secret never pays for the KMS SDK.
  const { DecryptCommand } = await import('@aws-sdk/client-kms');
  const blob = Buffer.from(value, 'base64');
  const contexts = functionName ? [{ LambdaFunctionName: functionName }, undefined] : [undefined];
  for (const EncryptionContext of contexts) {
    let plaintext: Uint8Array | undefined;
    try {
      plaintext = (await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext }))).Plaintext;
    } catch (err) {
      if (isInvalidCiphertext(err)) continue;
      throw new SecretUnavailableError(`${name}: KMS Decrypt failed (${reasonOf(err)})`, { secret: name }, { cause: err });
    }
    const text = plaintext ? Buffer.from(plaintext).toString('utf8') : '';
    if (!text) throw new ConfigError([{ variable: name, value: '<redacted>', expected: 'KMS ciphertext of a non-empty value' }]);
    return { value: text, source: 'kms' };
  }
  logger.warn('secret is not KMS ciphertext (InvalidCiphertextException); using it as plaintext', { secret: name });
  return { value, source: 'plaintext' };
}

/**
 * GetParameters (≤ 10 names a call, decrypted) over the SDK module the caller loaded: the handler
 * requires `@aws-sdk/client-ssm` only when a secret is in SSM.
 */
export function ssmParameters(sdk: { SSMClient: typeof SSMClient; GetParametersCommand: typeof GetParametersCommand }): ParameterReader {
  const client = new sdk.SSMClient({ maxAttempts: 3 });
  return async (names) => {
    const unique = [...new Set(names)];
    const values = new Map<string, string>();
    const invalid: string[] = [];
    for (let i = 0; i < unique.length; i += 10) {
      const out = await client.send(new sdk.GetParametersCommand({ Names: unique.slice(i, i + 10), WithDecryption: true }));
      for (const p of out.Parameters ?? []) if (p.Name !== undefined && p.Value !== undefined) values.set(p.Name, p.Value);
      invalid.push(...(out.InvalidParameters ?? []));
    }
    return { values, invalid };
  };
}

/** A KMS client created on the first call, so importing this module does not load the KMS SDK. */
function lazyKmsClient(): Pick<KMSClient, 'send'> {
  let client: KMSClient | undefined;
  return {
    send: async (command) => {
      if (!client) {
        const { KMSClient: Client } = await import('@aws-sdk/client-kms');
        client = new Client({ maxAttempts: 2 });
      }
      return client.send(command);
    },
  };
}

import type { KMSClient } from '@aws-sdk/client-kms';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Env } from '../config/env';
import { logger } from '../observability';

/**
 * Secrets arrive in one of three forms, chosen per variable by the operator:
 *  - `<NAME>_SSM_PARAM=/path` → an SSM SecureString fetched by @middy/ssm into context[NAME];
 *  - `<NAME>=<base64 KMS ciphertext>` → decrypted once per cold start (with the
 *    `LambdaFunctionName` encryption context the Lambda console uses, then without);
 *  - `<NAME>=<plain value>` → used as is when decryption is not possible.
 * The resolved values end up in `context.secrets`; which source won is logged, never the value.
 */
export type Secrets<K extends string> = Record<K, string | undefined>;
export type SecretsContext<K extends string> = Context & { secrets: Secrets<K> } & Partial<Record<K, string>>;

/** `fetchData` for @middy/ssm: only the secrets that name an SSM parameter. */
export function ssmFetchData(names: readonly string[], env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const param = env[`${name}_SSM_PARAM`]?.trim();
    if (param) out[name] = param;
  }
  return out;
}

export interface SecretsOptions<K extends string> {
  names: readonly K[];
  env: Env;
  kms?: Pick<KMSClient, 'send'>;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

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
  let lastError: unknown;
  for (const EncryptionContext of contexts) {
    try {
      const out = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext }));
      if (out.Plaintext) return { value: Buffer.from(out.Plaintext).toString('utf8'), source: 'kms' };
    } catch (err) {
      lastError = err;
    }
  }
  logger.warn('secret is not decryptable with KMS; using it as plaintext', {
    secret: name,
    reason: (lastError as Error | undefined)?.name ?? 'empty plaintext',
  });
  return { value, source: 'plaintext' };
}

/** Resolves the secrets once per container and puts them on `context.secrets`. */
export function secrets<K extends string>(opts: SecretsOptions<K>): MiddlewareObj<unknown, unknown, Error, SecretsContext<K>> {
  let cache: Secrets<K> | undefined;
  return {
    before: async (request) => {
      if (!cache) {
        const kms = opts.kms ?? lazyKmsClient();
        const resolved = {} as Secrets<K>;
        for (const name of opts.names) {
          const fromSsm = request.context[name];
          if (typeof fromSsm === 'string') {
            resolved[name] = fromSsm;
            logger.info('secret resolved', { secret: name, source: 'ssm' });
            continue;
          }
          const raw = opts.env[name]?.trim();
          if (!raw) {
            resolved[name] = undefined;
            continue;
          }
          const { value, source } = await decryptOrPlain(name, raw, kms, request.context.functionName);
          resolved[name] = value;
          logger.info('secret resolved', { secret: name, source });
        }
        cache = resolved;
      }
      request.context.secrets = cache;
    },
  };
}

/** A KMS client created on the first call, so importing this module does not load the KMS SDK. */
function lazyKmsClient(): Pick<KMSClient, 'send'> {
  let client: KMSClient | undefined;
  const send = async (command: Parameters<KMSClient['send']>[0]) => {
    if (!client) {
      const { KMSClient: Client } = await import('@aws-sdk/client-kms');
      client = new Client({ maxAttempts: 2 });
    }
    return client.send(command);
  };
  return { send } as Pick<KMSClient, 'send'>;
}

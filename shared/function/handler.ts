import middy, { type MiddyfiedHandler } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import type { Env } from '../config/env';
import { AppError } from '../errors';
import { config, parseConfig } from '../middleware/config';
import { secrets, ssmParameters, type ParameterReader, type Secrets } from '../middleware/secrets';
import { logger, metrics } from '../observability';
import { secretNames, secretSources, type Declarations, type FunctionSettings, type SecretName } from './settings';

/**
 * The one handler shape every function has:
 *   logger + metrics → `config` (schema, once per container) → `secrets` (request.internal) → invoke.
 * `functions/<fn>/handler.ts` only names its settings, its schema and its invocation module.
 */
export interface Invocation<C, K extends string> {
  config: C;
  secrets: Secrets<K>;
  context: Context;
}

export interface FunctionDefinition<E, R, C extends FunctionSettings, D extends Declarations> {
  /** `functions/<fn>/settings.json`: names, defaults, which are secrets. */
  settings: D;
  /** The function's schema: env → typed config, or one ConfigError listing every bad variable. */
  readConfig: (env: Env) => C;
  /** Checks resolved secret values (their form); throws a ConfigError naming the variable. */
  checkSecrets?: (secrets: Secrets<SecretName<D>>, config: C) => void;
  /** The one call into `functions/<fn>/invocation.ts`. */
  invoke: (event: E, invocation: Invocation<C, SecretName<D>>) => Promise<R>;
}

type Internal<C, K extends string> = { config?: C; secrets?: Secrets<K> };

export function lambdaHandler<E, R, C extends FunctionSettings, D extends Declarations>(
  definition: FunctionDefinition<E, R, C, D>,
  env: Env = process.env,
): MiddyfiedHandler<E, R, Error, Context, Internal<C, SecretName<D>>> {
  const parsed = parseConfig(() => definition.readConfig(env));
  const sources = secretSources(secretNames(definition.settings), env);
  // Middy calls the handler with (event, context) only: the last step reads `request.internal` and
  // hands it to the invocation of this very request.
  const invocations = new WeakMap<Context, Invocation<C, SecretName<D>>>();
  return middy<E, R, Error, Context, Internal<C, SecretName<D>>>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .use(config(parsed))
    .use(
      secrets({
        sources,
        refreshMs: parsed.ok ? parsed.config.ssmRefreshMs : 0,
        ssm: sources.some((s) => 'ssmParam' in s) ? ssmReader() : undefined,
        check: (values) => {
          if (parsed.ok) definition.checkSecrets?.(values, parsed.config);
        },
      }),
    )
    .before(({ internal, context }) => {
      invocations.set(context, { config: handedOn(internal.config, 'config'), secrets: handedOn(internal.secrets, 'secrets'), context });
    })
    .handler((event, context) => definition.invoke(event, handedOn(invocations.get(context), 'last before')));
}

function handedOn<T>(value: T | undefined, step: string): T {
  if (value === undefined) throw new AppError(`the ${step} middleware did not run`);
  return value;
}

/**
 * Loaded here, at cold start, and only when a secret is in SSM: a function given its secrets
 * directly never pays for the SSM SDK.
 */
function ssmReader(): ParameterReader {
  const sdk: typeof import('@aws-sdk/client-ssm') = require('@aws-sdk/client-ssm');
  return ssmParameters(sdk);
}

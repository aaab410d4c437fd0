import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * The `config` middleware (first in every function): the function's settings are parsed by its
 * schema once per container, at cold start, and handed on in Middy's `request.internal.config`.
 * A bad setting fails every invocation with the same ConfigError (naming the variable, the value
 * and the expected form) before any secret is fetched or any service called.
 */
export type ParsedConfig<C> = { ok: true; config: C } | { ok: false; error: unknown };

export function parseConfig<C>(read: () => C): ParsedConfig<C> {
  try {
    return { ok: true, config: read() };
  } catch (error) {
    return { ok: false, error };
  }
}

type ConfigInternal<C> = { config?: C };

export function config<C>(parsed: ParsedConfig<C>): MiddlewareObj<unknown, unknown, Error, Context, ConfigInternal<C>> {
  return {
    before: (request) => {
      if (!parsed.ok) throw parsed.error;
      request.internal.config = parsed.config;
    },
  };
}

import { EnvReader, type Env } from '../config/env';
import COMMON from './settings.json';

/**
 * A function's settings are declared once, as data, in `functions/<fn>/settings.json` (plus the
 * settings every function shares, `./settings.json`). The same files feed the TypeScript schema
 * (defaults, which settings are secrets) and `resources/settings.js` (the function's environment in
 * the template, its IAM). A declaration says:
 *  - `default`: the value when nothing sets it (the template writes it, the schema falls back to it);
 *  - `secret`: the value may also come from `<NAME>_SSM_PARAM` (an SSM SecureString) or be KMS ciphertext;
 *  - `from`: a serverless variable that sets it first, e.g. `param:checkpointParam` or `sls:stage`;
 *  - `optional` (secrets only): the function runs without it, e.g. the webhook signing secret.
 * The parse rules (type, bounds, expected form) live in the function's config.ts.
 */
interface SettingDeclaration {
  readonly default?: string;
  readonly secret?: boolean;
  readonly from?: string;
  readonly optional?: boolean;
}
export type Declarations = Readonly<Record<string, SettingDeclaration>>;

/** The names declared `"secret": true` (JSON types keep the keys, so this stays a literal union). */
export type SecretName<D> = { [K in keyof D]: D[K] extends { secret: boolean } ? K : never }[keyof D] & string;

/** A stage named `local` runs against stand-ins on 127.0.0.1: plain http:// URLs are fine there only. */
const LOCAL_STAGE = 'local';

/** What every function's config carries besides its own settings. */
export interface FunctionSettings {
  stage: string;
  /** SSM secrets are fetched again on the first invocation after this many ms. */
  ssmRefreshMs: number;
}

export function secretNames<D extends Declarations>(declarations: D): Array<SecretName<D>> {
  return Object.keys(declarations).filter((name): name is SecretName<D> => declarations[name]?.secret === true);
}

/** The environment with each unset (or empty) declared setting replaced by its declared default. */
function withDefaults(env: Env, declarations: Declarations): Env {
  const out: Record<string, string | undefined> = { ...env };
  for (const [name, { default: fallback }] of Object.entries({ ...COMMON, ...declarations })) {
    if (fallback !== undefined && !env[name]?.trim()) out[name] = fallback;
  }
  return out;
}

/** An EnvReader over `env` with the declared defaults applied: the start of every function's schema. */
export function settingsReader(env: Env, declarations: Declarations): EnvReader {
  return new EnvReader(withDefaults(env, declarations));
}

/**
 * The settings every function shares: its stage, the SSM refresh interval, and a source for each
 * declared secret (the value, plain or KMS-encrypted, or `<NAME>_SSM_PARAM`). Problems are recorded
 * on `r`, so they are reported together with the function's own.
 */
export function readFunctionSettings(r: EnvReader, declarations: Declarations): FunctionSettings {
  for (const name of secretNames(declarations)) {
    if (declarations[name]?.optional) continue;
    if (r.raw(name) === undefined && r.raw(`${name}_SSM_PARAM`) === undefined) {
      r.fail(name, undefined, `the value (plain or KMS-encrypted base64), or ${name}_SSM_PARAM naming an SSM SecureString`);
    }
  }
  return {
    stage: r.string('STAGE', { required: true, expected: 'the deployment stage (sls:stage), e.g. dev or local' }),
    ssmRefreshMs: 1000 * r.int('SSM_SECRETS_REFRESH_SECONDS', { required: true, min: 0, max: 86_400, expected: 'a whole number of seconds between 0 and 86400' }),
  };
}

/** Where each secret comes from, for the secrets middleware. Values are never logged. */
export type SecretSource<K extends string> = { name: K; ssmParam: string } | { name: K; value: string };

/** `<NAME>_SSM_PARAM` wins over `<NAME>`; a secret with neither is left out (the schema reported it). */
export function secretSources<K extends string>(names: readonly K[], env: Env): Array<SecretSource<K>> {
  return names.flatMap((name): Array<SecretSource<K>> => {
    const ssmParam = env[`${name}_SSM_PARAM`]?.trim();
    const value = env[name]?.trim();
    return ssmParam ? [{ name, ssmParam }] : value ? [{ name, value }] : [];
  });
}

/**
 * The https rule: outside the local stage base URLs must be `https://` (the local stage's stand-ins
 * speak plain HTTP on 127.0.0.1).
 */
export const httpsRequired = (settings: FunctionSettings): boolean => settings.stage !== LOCAL_STAGE;

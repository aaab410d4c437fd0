/**
 * osls's `resolveVariable`, as resources/settings.js sees it, over plain maps: `param:`, `env:`,
 * `sls:stage`, `self:service`. `<address>, <fallback>` answers the fallback (null, '' or false) when
 * the address has no value; without a fallback a missing value fails, as in osls.
 */
export interface OslsValues {
  params?: Record<string, unknown>;
  env?: Record<string, string>;
  stage?: string;
}

const FALLBACKS: Record<string, unknown> = { null: null, "''": '', false: false };

export function oslsResolver({ params = {}, env = {}, stage = 'dev' }: OslsValues = {}) {
  const lookup = (address: string): unknown => {
    const [source, name = ''] = address.split(/:(.*)/s);
    if (source === 'param') return params[name];
    if (source === 'env') return env[name];
    if (address === 'sls:stage') return stage;
    if (address === 'self:service') return 'halo-jira-port';
    if (/^self:functions\.\w+\.name$/.test(address)) return undefined;
    throw new Error(`settings.js asked for an address this test does not know: ${address}`);
  };
  return {
    resolveVariable: async (variable: string): Promise<unknown> => {
      const [address = '', fallback] = variable.split(/\s*,\s*/);
      const value = lookup(address);
      if (value !== undefined) return value;
      if (fallback !== undefined && fallback in FALLBACKS) return FALLBACKS[fallback];
      throw new Error(`Value not found at "${address}"`);
    },
  };
}

import { ConfigError, type ConfigProblem } from '../errors';

/**
 * A tiny schema reader for environment variables. Every read records its problem instead of
 * throwing, so `done()` can fail once with *all* bad variables, each named with its value and
 * the expected form. Secrets are never echoed back.
 */
export type Env = Readonly<Record<string, string | undefined>>;

interface Common<T> {
  default?: T;
  /** Human wording of the accepted form, used in the error message. */
  expected?: string;
  /** Mask the value in errors. */
  secret?: boolean;
}

const TRUE = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '0', 'no', 'n', 'off']);

export class EnvReader {
  private readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: Env) {}

  /** The raw value, with surrounding whitespace trimmed; empty counts as unset. */
  raw(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  fail(name: string, value: string | undefined, expected: string, secret = false): void {
    this.problems.push({ variable: name, value: secret && value !== undefined ? '<redacted>' : value, expected });
  }

  string(name: string, opts: Common<string> & { required: true; oneOf?: readonly string[] }): string;
  string(name: string, opts: Common<string> & { default: string; oneOf?: readonly string[] }): string;
  string(name: string, opts?: Common<string> & { oneOf?: readonly string[] }): string | undefined;
  string(name: string, opts: Common<string> & { required?: boolean; oneOf?: readonly string[] } = {}): string | undefined {
    return this.parse(name, opts, opts.expected ?? (opts.oneOf ? `one of ${opts.oneOf.join(', ')}` : 'a non-empty string'), (v) =>
      opts.oneOf && !opts.oneOf.includes(v) ? undefined : v,
    );
  }

  int(name: string, opts: Common<number> & { min?: number; max?: number; required?: boolean } = {}): number {
    const bounds = [opts.min !== undefined ? `≥ ${opts.min}` : '', opts.max !== undefined ? `≤ ${opts.max}` : '']
      .filter(Boolean)
      .join(' and ');
    const expected = opts.expected ?? `a whole number${bounds ? ` ${bounds}` : ''}`;
    return this.parse(name, opts, expected, (v) => {
      if (!/^-?\d+$/.test(v)) return undefined;
      const n = Number(v);
      if (!Number.isSafeInteger(n)) return undefined;
      if (opts.min !== undefined && n < opts.min) return undefined;
      if (opts.max !== undefined && n > opts.max) return undefined;
      return n;
    }) as number;
  }

  bool(name: string, opts: Common<boolean> = {}): boolean {
    return (this.parse(name, { default: false, ...opts }, opts.expected ?? 'true/false, 1/0 or yes/no (any case)', (v) => {
      const k = v.toLowerCase();
      return TRUE.has(k) ? true : FALSE.has(k) ? false : undefined;
    }) ?? false) as boolean;
  }

  list(name: string, opts: Common<string[]> & { required?: boolean; item?: RegExp } = {}): string[] {
    return (this.parse(name, opts, opts.expected ?? 'a comma-separated list', (v) => {
      const items = v.split(',').map((s) => s.trim());
      if (items.some((s) => s === '' || (opts.item && !opts.item.test(s)))) return undefined;
      return items;
    }) ?? []) as string[];
  }

  /** An absolute http(s) URL; `https: true` refuses plain http. */
  url(name: string, opts: Common<string> & { required?: boolean; https?: boolean } = {}): string | undefined {
    return this.parse(name, opts, opts.expected ?? (opts.https ? 'an absolute https:// URL' : 'an absolute http(s) URL'), (v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || (u.protocol === 'http:' && !opts.https) ? v : undefined;
      } catch {
        return undefined;
      }
    });
  }

  /** Any other form: `parse` returns undefined (or throws) for a bad value. */
  custom<T>(name: string, expected: string, parse: (raw: string) => T | undefined, opts: Common<T> & { required?: boolean } = {}): T | undefined {
    return this.parse(name, opts, expected, (v) => {
      try {
        return parse(v);
      } catch {
        return undefined;
      }
    });
  }

  /** Throws one ConfigError listing every problem found so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError([...this.problems]);
  }

  private parse<T>(name: string, opts: Common<T> & { required?: boolean }, expected: string, conv: (v: string) => T | undefined): T | undefined {
    const v = this.raw(name);
    if (v === undefined) {
      if (opts.required) this.fail(name, undefined, expected, opts.secret);
      return opts.default;
    }
    const out = conv(v);
    if (out === undefined) this.fail(name, v, expected, opts.secret);
    return out ?? opts.default;
  }
}

/** `key:value;key:value` pairs (the format users migrate with). Whitespace around items is trimmed. */
export function parsePairs(raw: string): Array<[string, string]> | undefined {
  const items = raw.split(';').map((s) => s.trim()).filter((s, i, all) => s !== '' || i < all.length - 1);
  const out: Array<[string, string]> = [];
  for (const item of items) {
    const at = item.indexOf(':');
    if (at <= 0 || at === item.length - 1) return undefined;
    out.push([item.slice(0, at).trim(), item.slice(at + 1).trim()]);
  }
  return out;
}

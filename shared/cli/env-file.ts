import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { UsageError } from './exit';

/**
 * The one `.env` reader of every command (`--env-file`). One precedence rule, as dotenv and
 * Docker Compose apply it: a variable already set (non-empty) in the environment wins over the
 * file; the file only fills what is unset. Empty counts as unset, as in the config schema.
 */
type Env = Readonly<Record<string, string | undefined>>;

/** The `--env-file` option every command offers; `names` says what the file typically holds. */
export function envFileOption(names = 'variables'): Option {
  return new Option('--env-file <path>', `fill ${names} from this KEY=value file where the environment does not set them`);
}

/** The environment a command reads: `env`, with the file's values where `env` has none. */
export function withEnvFile(env: Env, file: string | undefined): Env {
  if (file === undefined) return env;
  const merged: Record<string, string | undefined> = { ...env };
  for (const [key, value] of Object.entries(readEnvFile(file))) {
    if ((env[key] ?? '').trim() === '') merged[key] = value;
  }
  return merged;
}

function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--env-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseEnvFile(text, file);
}

/**
 * `KEY=value` lines: `#` comments, optional `export `, single quotes taken literally, double
 * quotes with \n \t \" \\ escapes, ` #comment` after an unquoted value. A line that is none of
 * these is a usage error naming file and line: a typo must not silently drop a setting.
 */
export function parseEnvFile(text: string, origin: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new UsageError(`${origin}:${i + 1}: expected KEY=value, got ${JSON.stringify(line.slice(0, 40))}`);
    const [, key, rest] = m as unknown as [string, string, string];
    out[key] = value(rest, `${origin}:${i + 1}`);
  });
  return out;
}

function value(rest: string, where: string): string {
  if (rest.startsWith("'")) {
    const end = rest.indexOf("'", 1);
    if (end < 0) throw new UsageError(`${where}: unterminated single quote`);
    return rest.slice(1, end);
  }
  if (rest.startsWith('"')) {
    let out = '';
    for (let i = 1; i < rest.length; i++) {
      const c = rest[i] as string;
      if (c === '"') return out;
      if (c === '\\' && i + 1 < rest.length) {
        const n = rest[++i] as string;
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      } else {
        out += c;
      }
    }
    throw new UsageError(`${where}: unterminated double quote`);
  }
  return rest.replace(/\s+#.*$/, '').trim();
}

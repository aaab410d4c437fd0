import { UsageError } from '../cli';

/**
 * `KEY=value` lines as in a `.env` file: `#` comments, optional `export `, single quotes taken
 * literally, double quotes with \n \t \" \\ escapes, ` #comment` after an unquoted value.
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

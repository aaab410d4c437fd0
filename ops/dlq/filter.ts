import { UsageError } from '../../shared/cli';
import type { Letter } from './letter';

/**
 * The `--filter` language (docs/operations.md). One term per `--filter`; repeat to AND them.
 *   text fields   reason, source, kind, class, id, body   with  =  !=  ~ (contains)  !~
 *                 (case-insensitive; `a|b` matches either)
 *   numbers       receives, replays                        with  =  >  >=  <  <=
 *   age           older-than=<duration>, newer-than=<duration>   (30s, 15m, 1h, 2d, 1h30m)
 */
export type LetterFilter = (letter: Letter) => boolean;

const TEXT_FIELDS: Record<string, (l: Letter) => string[]> = {
  reason: (l) => [l.reason, l.errorClass ?? ''],
  source: (l) => [l.source],
  kind: (l) => [l.kind],
  class: (l) => [l.errorClass ?? ''],
  id: (l) => [l.messageId, l.originalMessageId ?? ''],
  body: (l) => [l.body],
};
const NUMBER_FIELDS: Record<string, (l: Letter) => number | undefined> = {
  receives: (l) => l.receiveCount,
  replays: (l) => l.replayCount,
};
const TERM = /^\s*([a-z-]+)\s*(!=|!~|>=|<=|=|~|>|<)\s*(.*?)\s*$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(raw: string): number | undefined {
  const parts = raw.trim().toLowerCase().match(/\d+(?:\.\d+)?[smhdw]/g);
  if (!parts || parts.join('') !== raw.trim().toLowerCase()) return undefined;
  return parts.reduce((ms, p) => ms + Number(p.slice(0, -1)) * (UNIT_MS[p.slice(-1)] as number), 0);
}

const usage = (term: string, why: string): UsageError =>
  new UsageError(`--filter ${JSON.stringify(term)}: ${why}. Examples: reason~413, source=aws.ec2|aws.s3, kind=redrive, older-than=1h, replays<3`);

export function parseFilter(term: string): LetterFilter {
  const m = TERM.exec(term);
  if (!m) throw usage(term, 'expected <field><operator><value>');
  const [, rawField, op, value] = m as unknown as [string, string, string, string];
  const field = rawField.toLowerCase();
  if (value === '') throw usage(term, 'the value is empty');

  if (field === 'older-than' || field === 'newer-than') {
    if (op !== '=') throw usage(term, `${field} takes "=" and a duration`);
    const ms = parseDuration(value);
    if (ms === undefined) throw usage(term, `"${value}" is not a duration (30s, 15m, 1h, 2d, 1h30m)`);
    // A letter of unknown age matches neither, so an age filter never sweeps up what it cannot date.
    return field === 'older-than' ? (l) => l.ageMs !== undefined && l.ageMs >= ms : (l) => l.ageMs !== undefined && l.ageMs < ms;
  }

  const numberOf = NUMBER_FIELDS[field];
  if (numberOf) {
    if (!/^\d+$/.test(value)) throw usage(term, `${field} compares with a whole number`);
    const n = Number(value);
    const cmp = { '=': (a: number) => a === n, '>': (a: number) => a > n, '>=': (a: number) => a >= n, '<': (a: number) => a < n, '<=': (a: number) => a <= n }[op as '='];
    if (!cmp) throw usage(term, `${field} takes =, >, >=, < or <=`);
    return (l) => {
      const v = numberOf(l);
      return v !== undefined && cmp(v);
    };
  }

  const textOf = TEXT_FIELDS[field];
  if (!textOf) throw usage(term, `unknown field "${rawField}" (known: ${[...Object.keys(TEXT_FIELDS), ...Object.keys(NUMBER_FIELDS), 'older-than', 'newer-than'].join(', ')})`);
  if (!['=', '!=', '~', '!~'].includes(op)) throw usage(term, `${field} takes =, !=, ~ or !~`);
  const wanted = value.toLowerCase().split('|').filter((v) => v !== '');
  const contains = op.endsWith('~');
  const hit = (l: Letter): boolean =>
    textOf(l).some((actual) => {
      const a = actual.toLowerCase();
      return wanted.some((w) => (contains ? a.includes(w) : a === w));
    });
  return op.startsWith('!') ? (l) => !hit(l) : hit;
}

/** All terms must hold; no terms matches everything. */
export function parseFilters(terms: readonly string[]): LetterFilter {
  const filters = terms.map(parseFilter);
  return (l) => filters.every((f) => f(l));
}

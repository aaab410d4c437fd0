/**
 * Gives a parsed JQL query its meaning on this site: resolves fields (by name, clause name or
 * cf[id]), checks operators per field type and values as Jira does, then filters and sorts issues.
 */
import { adfText } from './adf';
import type { FieldDef } from './fields';
import { JqlError, parseJql, type CompareOp, type FieldRef, type JqlExpr, type Operand } from './jql';
import type { IssueState } from './store';

export interface JqlSite {
  fields: FieldDef[];
  projects: { id: string; key: string; name: string }[];
  statuses: { id: string; name: string }[];
  issueTypes: { id: string; name: string }[];
  /** Issue key → exists (any state) — JQL rejects unknown keys. */
  keyExists(key: string): boolean;
  now: number;
}

type IssuePredicate = (issue: IssueState) => boolean;
export interface CompiledQuery {
  matches: IssuePredicate;
  compare: (a: IssueState, b: IssueState) => number;
}

const UNBOUNDED = 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';

type Family = 'text' | 'exact' | 'date' | 'number' | 'key';
const FAMILY: Record<string, Family> = {
  string: 'text', richtext: 'text', comments: 'text', option: 'exact', labels: 'exact', priority: 'exact', user: 'exact',
  project: 'exact', issuetype: 'exact', status: 'exact', datetime: 'date', number: 'number', key: 'key',
};
const ALLOWED: Record<Family, string[]> = {
  text: ['~', '!~', 'is'],
  exact: ['=', '!=', 'in', 'is'],
  date: ['=', '!=', '>', '>=', '<', '<=', 'in', 'is'],
  number: ['=', '!=', '>', '>=', '<', '<=', 'in', 'is'],
  key: ['=', '!=', '>', '>=', '<', '<=', 'in'],
};

const words = (s: string): string[] => s.toLowerCase().split(/[^\p{L}\p{N}*]+/u).filter(Boolean);

function resolveField(ref: FieldRef, fields: FieldDef[]): FieldDef {
  if ('customId' in ref) {
    const f = fields.find((x) => x.customId === ref.customId);
    if (!f) throw new JqlError(`Field 'cf[${ref.customId}]' does not exist or you do not have permission to view it.`);
    return f;
  }
  const wanted = ref.name.toLowerCase();
  const f = fields.find((x) => x.clauseNames.some((c) => c.toLowerCase() === wanted));
  if (!f) throw new JqlError(`Field '${ref.name}' does not exist or you do not have permission to view it.`);
  return f;
}

/** Searchable text / comparable atoms of a field on an issue. */
function valuesOf(f: FieldDef, issue: IssueState, site: JqlSite): unknown[] {
  switch (f.id) {
    case 'issuekey': return [issue.key];
    case 'project': return [site.projects[0]?.key];
    case 'status': return [issue.status];
    case 'issuetype': return [site.issueTypes.find((t) => t.id === issue.issueTypeId)?.name];
    case 'created': return [issue.created];
    case 'updated': return [issue.updated];
    case 'comment': return []; // comments are not part of the searchable snapshot
  }
  const v = issue.fields[f.id];
  if (v === null || v === undefined) return [];
  if (f.valueKind === 'richtext') return [adfText(v)];
  if (f.valueKind === 'labels') return v as unknown[];
  if (f.valueKind === 'datetime') return [Date.parse(String(v))];
  const atom = (x: unknown): unknown => {
    if (typeof x !== 'object' || x === null) return x;
    const o = x as Record<string, unknown>;
    return o.value ?? o.name ?? o.accountId;
  };
  if (Array.isArray(v)) return v.map(atom); // multi-select, components, versions
  if (typeof v === 'object') return [atom(v)];
  return [v];
}

const PERIOD = /^([+-]?)\s*((?:\d+\s*[wdhm]\s*)+)$/i;
const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };

function parseDate(text: string, f: FieldDef, now: number): number {
  const absolute = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+(\d{2}):(\d{2}))?$/.exec(text.trim());
  if (absolute) {
    const [, y, mo, d, h, mi] = absolute;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
  }
  const period = PERIOD.exec(text.trim());
  if (period) {
    let ms = 0;
    for (const m of period[2]!.matchAll(/(\d+)\s*([wdhm])/gi)) ms += Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
    return now + (period[1] === '-' ? -ms : ms);
  }
  if (/^\d{10,}$/.test(text)) return Number(text);
  throw new JqlError(
    `Date value '${text}' for field '${f.id}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
  );
}

/** Turns an operand into what the field's values are compared with, validating it like Jira. */
function operandValue(f: FieldDef, op: Operand, site: JqlSite): unknown {
  if ('empty' in op) return undefined;
  if ('fn' in op) {
    if (op.fn.toLowerCase() === 'now' && f.valueKind === 'datetime') return site.now;
    if (op.fn.toLowerCase() === 'currentuser' && f.valueKind === 'user') return undefined;
    throw new JqlError(`Unable to find JQL function '${op.fn}()'.`);
  }
  const text = op.text;
  const missing = (): never => { throw new JqlError(`The value '${text}' does not exist for the field '${f.clauseNames[0]}'.`); };
  switch (f.valueKind) {
    case 'project': return site.projects.find((p) => [p.key.toLowerCase(), p.name.toLowerCase(), p.id].includes(text.toLowerCase()))?.key ?? missing();
    case 'status': return site.statuses.find((s) => s.name.toLowerCase() === text.toLowerCase() || s.id === text)?.name ?? missing();
    case 'issuetype': return site.issueTypes.find((t) => t.name.toLowerCase() === text.toLowerCase() || t.id === text)?.name ?? missing();
    case 'option': return f.options?.find((o) => o.value.toLowerCase() === text.toLowerCase() || o.id === text)?.value ?? missing();
    case 'key':
      if (!site.keyExists(text)) throw new JqlError(`An issue with key '${text}' does not exist for field 'key'.`);
      return text.toUpperCase();
    case 'datetime': return parseDate(text, f, site.now);
    case 'number': {
      const n = Number(text);
      if (Number.isNaN(n)) throw new JqlError(`The value '${text}' is not a valid number for the field '${f.name}'.`);
      return n;
    }
    default: return text;
  }
}

const termMatches = (term: string, word: string | undefined): boolean =>
  word !== undefined && (term.endsWith('*') ? word.startsWith(term.slice(0, -1)) : word === term);

/** `~`: an exact phrase when the value is itself quoted ("\"a b\""), otherwise every term. */
function textMatcher(needle: string): (haystack: string[][]) => boolean {
  const phrase = /^".*"$/s.test(needle.trim());
  const terms = words(phrase ? needle.trim().slice(1, -1) : needle);
  // Plain loops: this runs for every issue × clause of a search (hot path of big OR queries).
  const phraseAt = (hw: string[], i: number): boolean => {
    for (let k = 0; k < terms.length; k++) if (!termMatches(terms[k]!, hw[i + k])) return false;
    return true;
  };
  const hasTerm = (hw: string[], t: string): boolean => {
    for (const w of hw) if (termMatches(t, w)) return true;
    return false;
  };
  const fieldMatches = (hw: string[]): boolean => {
    if (phrase) {
      for (let i = 0; i + terms.length <= hw.length; i++) if (phraseAt(hw, i)) return true;
      return false;
    }
    for (const t of terms) if (!hasTerm(hw, t)) return false;
    return true;
  };
  return (haystack) => {
    if (terms.length === 0) return false;
    for (const hw of haystack) if (fieldMatches(hw)) return true;
    return false;
  };
}

/** Words of a field's text per issue, computed once per query (many `~` clauses share them). */
function wordsCache(): (f: FieldDef, issue: IssueState, site: JqlSite) => string[][] {
  const cache = new WeakMap<IssueState, Map<string, string[][]>>();
  return (f, issue, site) => {
    let perIssue = cache.get(issue);
    if (!perIssue) {
      perIssue = new Map();
      cache.set(issue, perIssue);
    }
    let hit = perIssue.get(f.id);
    if (!hit) {
      hit = valuesOf(f, issue, site).map((v) => words(String(v)).map((w) => w.replace(/\*/g, '')));
      perIssue.set(f.id, hit);
    }
    return hit;
  };
}

const keyNumber = (key: unknown): number => Number(String(key).split('-')[1] ?? Number.NaN);

function compareAtoms(f: FieldDef, a: unknown, op: CompareOp, b: unknown): boolean {
  const norm = (x: unknown): unknown => (typeof x === 'string' && f.valueKind !== 'key' ? x.toLowerCase() : x);
  if (op === '=') return norm(a) === norm(b);
  if (op === '!=') return norm(a) !== norm(b);
  const [x, y] = f.valueKind === 'key' ? [keyNumber(a), keyNumber(b)] : [Number(a), Number(b)];
  if (op === '>') return x > y;
  if (op === '>=') return x >= y;
  if (op === '<') return x < y;
  return x <= y;
}

function compileExpr(e: JqlExpr, site: JqlSite, textWords: ReturnType<typeof wordsCache>): IssuePredicate {
  if (e.kind === 'and' || e.kind === 'or') {
    const parts = e.items.map((x) => compileExpr(x, site, textWords));
    return e.kind === 'and' ? (i) => parts.every((p) => p(i)) : (i) => parts.some((p) => p(i));
  }
  if (e.kind === 'not') {
    const inner = compileExpr(e.expr, site, textWords);
    return (i) => !inner(i);
  }
  const f = resolveField(e.field, site.fields);
  const opName = e.kind === 'compare' ? e.op : e.kind === 'in' ? 'in' : 'is';
  if (!ALLOWED[FAMILY[f.valueKind] ?? 'exact'].includes(opName)) {
    const shown = e.kind === 'in' && e.negated ? 'not in' : e.kind === 'is' && e.negated ? 'is not' : opName;
    throw new JqlError(`The operator '${shown}' is not supported by the '${e.field && 'name' in e.field ? e.field.name : f.clauseNames[0]}' field.`);
  }
  if (e.kind === 'is') return (i) => (valuesOf(f, i, site).length === 0) !== e.negated;
  if (e.kind === 'in') {
    const wanted = e.values.map((v) => operandValue(f, v, site));
    const hit = (i: IssueState): boolean => valuesOf(f, i, site).some((v) => wanted.some((w) => compareAtoms(f, v, '=', w)));
    // Like Jira, NOT IN never matches issues whose field is empty.
    return e.negated ? (i) => valuesOf(f, i, site).length > 0 && !hit(i) : hit;
  }
  if (e.op === '~' || e.op === '!~') {
    if ('empty' in e.value || 'fn' in e.value) throw new JqlError(`The operator '${e.op}' is not supported with a function or EMPTY.`);
    const needle = e.value.text;
    if (needle.trim().startsWith('*')) throw new JqlError(`The '*' character is not allowed at the start of the text '${needle}'.`);
    const matcher = textMatcher(needle);
    return e.op === '~' ? (i) => matcher(textWords(f, i, site)) : (i) => !matcher(textWords(f, i, site));
  }
  const target = operandValue(f, e.value, site);
  if (target === undefined) return (i) => (valuesOf(f, i, site).length === 0) === (e.op === '=');
  const op = e.op;
  return op === '!='
    ? (i) => { const vs = valuesOf(f, i, site); return vs.length > 0 && vs.every((v) => compareAtoms(f, v, '!=', target)); }
    : (i) => valuesOf(f, i, site).some((v) => compareAtoms(f, v, op, target));
}

/** Parses, resolves and compiles `jql`; throws JqlError with Jira's message on any problem. */
export function compileJql(jql: string | undefined, site: JqlSite): CompiledQuery {
  const query = parseJql(jql ?? '');
  if (!query.where) throw new JqlError(UNBOUNDED);
  if (query.orderBy.length > 7) throw new JqlError('The ORDER BY clause can contain a maximum of 7 fields.');
  const matches = compileExpr(query.where, site, wordsCache());
  const order = query.orderBy.map((o) => ({ f: resolveField(o.field, site.fields), sign: o.direction === 'DESC' ? -1 : 1 }));
  for (const { f } of order) {
    if (!f.orderable) throw new JqlError(`Field '${f.name}' does not support sorting.`);
  }
  const sortKey = (f: FieldDef, i: IssueState): string | number => {
    if (f.valueKind === 'key') return Number(i.id);
    const v = valuesOf(f, i, site)[0];
    return typeof v === 'number' ? v : String(v ?? '').toLowerCase();
  };
  const compare = (a: IssueState, b: IssueState): number => {
    for (const { f, sign } of order) {
      const x = sortKey(f, a);
      const y = sortKey(f, b);
      if (x !== y) return (x < y ? -1 : 1) * sign;
    }
    return Number(b.id) - Number(a.id); // Jira's fallback order: newest key first
  };
  return { matches, compare };
}

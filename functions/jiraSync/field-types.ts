/**
 * Typing of JIRA_FIELD_STATIC / JIRA_FIELD_MAPPING values from Jira's own metadata (the field's
 * `schema` and `allowedValues` from createmeta): text in, the JSON Jira accepts out. Pure, no I/O.
 * Jira refuses plain strings for most non-text fields (priority, components, users, selects, dates),
 * so every value is shaped here once, and a value that cannot be shaped is reported, never sent.
 * Input forms: docs/jiraSync.md "Typed field values".
 */

export interface FieldSchema {
  type?: string;
  items?: string;
  custom?: string;
  system?: string;
}

export interface AllowedValue {
  id?: string;
  name?: string;
  value?: string;
  children?: AllowedValue[];
}

/** What typing needs to know about a field: createmeta's FieldCreateMetadata, or /field's schema alone. */
export interface FieldType {
  id: string;
  name?: string;
  schema?: FieldSchema;
  /** From createmeta; when absent, option/priority/component/version names are not checked. */
  allowedValues?: readonly AllowedValue[];
}

export type Typed = { ok: true; value: unknown } | { ok: false; problem: string };

const CASCADE = /\s*->\s*/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An ISO 8601 instant with a zone (Halo sends 0–6 fractional digits). */
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/;
/** Atlassian account ids: 24 hex digits (older accounts), `<n>:<uuid>`, or `qm:<uuid>:<uuid>` (JSM customers). */
const ACCOUNT_ID = /^(?:[0-9a-f]{24}|\d+:[0-9a-f-]{36}|qm:[0-9a-f-]{36}:[0-9a-f-]{36})$/i;
const TEXT_LIMIT = 255;
const LABEL_LIMIT = 255;

const ok = (value: unknown): Typed => ({ ok: true, value });
const fail = (problem: string): Typed => ({ ok: false, problem });
const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean);
const quoted = (xs: readonly string[], max = 15): string =>
  xs.slice(0, max).map((x) => `"${x}"`).join(', ') + (xs.length > max ? `, … (${xs.length} in all)` : '');

/** A kind name for messages and docs, e.g. "select list", "date (YYYY-MM-DD)". */
export function typeLabel(field: FieldType): string {
  const s = field.schema ?? {};
  if (isRichText(s)) return 'multi-line text';
  if (s.type === 'array') return `list of ${s.items === 'string' ? 'labels' : s.items === 'option' ? 'options' : `${s.items ?? '?'}s`}`;
  return ({ option: 'select list', 'option-with-child': 'cascading select', date: 'date (YYYY-MM-DD)', datetime: 'date-time' } as Record<string, string>)[s.type ?? ''] ?? s.type ?? 'unknown type';
}

const isRichText = (s: FieldSchema | undefined): boolean =>
  s?.custom?.endsWith(':textarea') === true || s?.system === 'description' || s?.system === 'environment';

/** A value among `allowed` by `key` (name or value): exact first, then ignoring case when that is unambiguous. */
function pick(allowed: readonly AllowedValue[] | undefined, key: 'name' | 'value', wanted: string, what: string): { ok: true; canonical: string; entry?: AllowedValue } | { ok: false; problem: string } {
  if (!allowed) return { ok: true, canonical: wanted };
  const label = (a: AllowedValue): string => a[key] ?? a.id ?? '';
  const exact = allowed.find((a) => label(a) === wanted || a.id === wanted);
  const loose = allowed.filter((a) => label(a).toLowerCase() === wanted.toLowerCase());
  const entry = exact ?? (loose.length === 1 ? loose[0] : undefined);
  if (entry) return { ok: true, canonical: label(entry), entry };
  return { ok: false, problem: `"${wanted}" is not ${what}: ${quoted(allowed.map(label)) || 'none allowed'}` };
}

function toDate(text: string): string | undefined {
  const d = DATE.exec(text);
  if (d) {
    const at = new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])));
    return at.getUTCMonth() === Number(d[2]) - 1 && at.getUTCDate() === Number(d[3]) ? text : undefined;
  }
  const ms = instantMs(text);
  return ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 10);
}

function instantMs(text: string): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [, date, time = '', fraction = '', offset = ''] = m;
  const zone = offset === 'Z' ? 'Z' : offset.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}.${fraction.padEnd(3, '0').slice(0, 3)}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Jira's date-time format, e.g. 2026-11-23T10:00:00.000+0000 (UTC). */
export const jiraDateTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

const adf = (text: string): unknown => ({ version: 1, type: 'doc', content: [{ type: 'paragraph', content: text ? [{ type: 'text', text }] : [] }] });

function typeUser(text: string): Typed {
  return ACCOUNT_ID.test(text)
    ? ok({ accountId: text })
    : fail(`"${text}" is not an Atlassian account id; user fields take the accountId (e.g. 5b10ac8d82e05b22cc7d4ef5 or 712020:…), not a name or e-mail`);
}

function typeList(field: FieldType, text: string): Typed {
  const items = list(text);
  if (items.length === 0) return fail('an empty list');
  const out: unknown[] = [];
  for (const item of items) {
    let one: Typed;
    switch (field.schema?.items) {
      case 'string': {
        // Labels cannot contain spaces: Jira refuses them, so words are joined with _.
        const label = item.replace(/\s+/g, '_');
        one = label.length > LABEL_LIMIT ? fail(`the label "${label.slice(0, 40)}…" is longer than ${LABEL_LIMIT} characters`) : ok(label);
        break;
      }
      case 'option': {
        const p = pick(field.allowedValues, 'value', item, 'one of its options');
        one = p.ok ? ok({ value: p.canonical }) : fail(p.problem);
        break;
      }
      case 'component':
      case 'version': {
        const p = pick(field.allowedValues, 'name', item, `a ${field.schema.items} of the project`);
        one = p.ok ? ok({ name: p.canonical }) : fail(p.problem);
        break;
      }
      case 'user':
        one = typeUser(item);
        break;
      default:
        return fail(`lists of "${field.schema?.items ?? '?'}" cannot be set by jiraSync`);
    }
    if (!one.ok) return one;
    out.push(one.value);
  }
  return ok(out);
}

/**
 * Types one textual value for a field: a JIRA_FIELD_STATIC value, or a Halo attribute as text.
 * Lists are comma-separated; a cascading select is `Parent -> Child` (or just `Parent`).
 */
export function typeValue(field: FieldType, text: string): Typed {
  const s = field.schema ?? {};
  const value = text.trim();
  if (isRichText(s)) return ok(adf(text));
  switch (s.type) {
    case 'string':
      return text.length > TEXT_LIMIT ? fail(`longer than the ${TEXT_LIMIT} characters a single-line text field holds`) : ok(text);
    case 'number': {
      const n = Number(value);
      return value !== '' && Number.isFinite(n) ? ok(n) : fail(`"${value}" is not a number`);
    }
    case 'date': {
      const d = toDate(value);
      return d ? ok(d) : fail(`"${value}" is not a date (YYYY-MM-DD, or an ISO 8601 instant whose UTC day is taken)`);
    }
    case 'datetime': {
      const ms = DATE.test(value) && toDate(value) ? Date.parse(`${value}T00:00:00Z`) : instantMs(value);
      return ms === undefined ? fail(`"${value}" is not a date-time (ISO 8601 with a zone, e.g. 2026-11-23T10:00:00Z)`) : ok(jiraDateTime(ms));
    }
    case 'priority': {
      const p = pick(field.allowedValues, 'name', value, 'a priority of this site');
      return p.ok ? ok({ name: p.canonical }) : fail(p.problem);
    }
    case 'user':
      return typeUser(value);
    case 'option': {
      const p = pick(field.allowedValues, 'value', value, 'one of its options');
      return p.ok ? ok({ value: p.canonical }) : fail(p.problem);
    }
    case 'option-with-child': {
      const [parent = '', child, ...extra] = value.split(CASCADE);
      if (extra.length > 0 || parent === '') return fail(`"${value}" is not "Parent -> Child" (or "Parent")`);
      const p = pick(field.allowedValues, 'value', parent, 'one of its parent options');
      if (!p.ok) return fail(p.problem);
      if (child === undefined || child === '') return ok({ value: p.canonical });
      const c = pick(p.entry?.children ?? (field.allowedValues ? [] : undefined), 'value', child, `a child option of "${p.canonical}"`);
      return c.ok ? ok({ value: p.canonical, child: { value: c.canonical } }) : fail(c.problem);
    }
    case 'array':
      return typeList(field, value);
    default:
      return fail(`its type "${s.type ?? 'unknown'}"${s.custom ? ` (${s.custom})` : ''} cannot be set by jiraSync`);
  }
}

/** A Halo attribute value as the text typing starts from (booleans and numbers as written, objects as JSON). */
export function haloText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * A Halo attribute typed for a mapped field. Halo data is not configuration: a long text is cut to
 * fit a single-line field rather than refused; anything else that cannot be typed is refused.
 */
export function typeHaloValue(field: FieldType, value: unknown): Typed {
  const text = haloText(value);
  if (field.schema?.type === 'string' && !isRichText(field.schema) && text.length > TEXT_LIMIT) return ok(`${text.slice(0, TEXT_LIMIT - 1)}…`);
  return typeValue(field, text);
}

/** Whether jiraSync can type values for this field at all (checked for mapped fields at start-up). */
export function typeable(field: FieldType): boolean {
  const s = field.schema ?? {};
  if (isRichText(s)) return true;
  if (s.type === 'array') return ['string', 'option', 'component', 'version', 'user'].includes(s.items ?? '');
  return ['string', 'number', 'date', 'datetime', 'priority', 'user', 'option', 'option-with-child'].includes(s.type ?? '');
}

/**
 * The field catalogue of the stand-in site (system + custom fields) and how each field's values
 * are validated on create/edit and stored (in the shape Jira returns them). Pure, no I/O.
 */
import { checkAdf } from './adf';
import type { CustomFieldConfig, CustomFieldKind, ProjectConfig } from './config';

/** How a value is checked and searched. */
type ValueKind =
  | 'string' // single-line text (≤ 255)
  | 'richtext' // ADF document
  | 'option'
  | 'options' // multi-select: [{value}]
  | 'cascading' // {value, child: {value}}
  | 'components' // [{name}] among the project's components
  | 'versions' // [{name}] among the project's versions
  | 'number'
  | 'labels'
  | 'date'
  | 'datetime'
  | 'priority'
  | 'user'
  | 'project'
  | 'issuetype'
  | 'status'
  | 'key'
  | 'comments';

export interface FieldDef {
  id: string;
  name: string;
  custom: boolean;
  customId?: number;
  clauseNames: string[];
  schema?: { type: string; system?: string; custom?: string; customId?: number; items?: string };
  valueKind: ValueKind;
  /** Settable through create/edit (on the screen). */
  settable: boolean;
  required: boolean;
  navigable: boolean;
  orderable: boolean;
  searchable: boolean;
  options?: { id: string; value: string; children?: { id: string; value: string }[] }[];
  /** Names a `components` / `versions` field accepts, with their ids. */
  named?: { id: string; name: string }[];
}

export const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
  { id: '5', name: 'Lowest' },
];

const CF_TYPE = 'com.atlassian.jira.plugin.system.customfieldtypes:';
/** Schema of each custom field type as GET /field and createmeta describe it. */
const CUSTOM_SCHEMA: Record<CustomFieldKind, { type: string; items?: string; valueKind: ValueKind }> = {
  textfield: { type: 'string', valueKind: 'string' },
  textarea: { type: 'string', valueKind: 'richtext' },
  select: { type: 'option', valueKind: 'option' },
  multiselect: { type: 'array', items: 'option', valueKind: 'options' },
  cascadingselect: { type: 'option-with-child', valueKind: 'cascading' },
  float: { type: 'number', valueKind: 'number' },
  labels: { type: 'array', items: 'string', valueKind: 'labels' },
  datepicker: { type: 'date', valueKind: 'date' },
  datetime: { type: 'datetime', valueKind: 'datetime' },
  userpicker: { type: 'user', valueKind: 'user' },
};

function system(
  id: string,
  name: string,
  type: string,
  valueKind: ValueKind,
  extra: Partial<FieldDef> = {},
): FieldDef {
  return {
    id, name, custom: false, clauseNames: [id], schema: { type, system: id }, valueKind,
    settable: false, required: false, navigable: true, orderable: true, searchable: true, ...extra,
  };
}

const named = (names: string[], base: number): { id: string; name: string }[] => names.map((name, i) => ({ id: String(base + i), name }));

export function buildFieldCatalogue(customFields: CustomFieldConfig[], project: Pick<ProjectConfig, 'components' | 'versions'>): FieldDef[] {
  const versions = named(project.versions, 10_200);
  const systemFields: FieldDef[] = [
    system('summary', 'Summary', 'string', 'string', { settable: true, required: true }),
    system('description', 'Description', 'string', 'richtext', { settable: true, orderable: false }),
    system('environment', 'Environment', 'string', 'richtext', { settable: true, orderable: false }),
    system('labels', 'Labels', 'array', 'labels', { settable: true, schema: { type: 'array', items: 'string', system: 'labels' } }),
    system('priority', 'Priority', 'priority', 'priority', { settable: true }),
    system('assignee', 'Assignee', 'user', 'user', { settable: true }),
    system('components', 'Components', 'array', 'components', { settable: true, orderable: false, schema: { type: 'array', items: 'component', system: 'components' }, named: named(project.components, 10_100) }),
    system('versions', 'Affects versions', 'array', 'versions', { settable: true, orderable: false, schema: { type: 'array', items: 'version', system: 'versions' }, named: versions }),
    system('fixVersions', 'Fix versions', 'array', 'versions', { settable: true, orderable: false, schema: { type: 'array', items: 'version', system: 'fixVersions' }, named: versions }),
    system('duedate', 'Due date', 'date', 'date', { settable: true }),
    system('project', 'Project', 'project', 'project', { settable: true, required: true }),
    system('issuetype', 'Issue Type', 'issuetype', 'issuetype', { settable: true, required: true, clauseNames: ['issuetype', 'type'] }),
    system('status', 'Status', 'status', 'status'),
    system('created', 'Created', 'datetime', 'datetime', { clauseNames: ['created', 'createdDate'] }),
    system('updated', 'Updated', 'datetime', 'datetime', { clauseNames: ['updated', 'updatedDate'] }),
    system('comment', 'Comment', 'comments-page', 'comments', { orderable: false, navigable: false }),
    {
      id: 'issuekey', name: 'Key', custom: false, clauseNames: ['id', 'issue', 'issuekey', 'key'], valueKind: 'key',
      settable: false, required: false, navigable: true, orderable: true, searchable: false,
    },
  ];
  const custom = customFields.map((cf): FieldDef => {
    const shape = CUSTOM_SCHEMA[cf.kind];
    const id = `customfield_${cf.customId}`;
    return {
      id, name: cf.name, custom: true, customId: cf.customId,
      clauseNames: [`cf[${cf.customId}]`, cf.name],
      schema: { type: shape.type, ...(shape.items ? { items: shape.items } : {}), custom: `${CF_TYPE}${cf.kind}`, customId: cf.customId },
      valueKind: shape.valueKind, settable: cf.onScreen ?? true, required: cf.required ?? false,
      navigable: true, orderable: cf.kind !== 'textarea', searchable: true,
      options: cf.options?.map((value, i) => {
        const id = 10_000 + (cf.customId % 1000) * 10 + i;
        const children = cf.children?.[value]?.map((child, j) => ({ id: String(id * 100 + j), value: child }));
        return { id: String(id), value, ...(children ? { children } : {}) };
      }),
    };
  });
  return [...systemFields, ...custom];
}

/** GET /rest/api/3/field item (FieldDetails). */
export function fieldDetails(f: FieldDef): Record<string, unknown> {
  return {
    id: f.id, key: f.id, name: f.name, custom: f.custom, orderable: f.orderable, navigable: f.navigable,
    searchable: f.searchable, clauseNames: f.clauseNames, ...(f.schema ? { schema: f.schema } : {}),
    ...(f.custom ? { untranslatedName: f.name } : {}),
  };
}

export type FieldValueResult = { ok: true; value: unknown } | { ok: false; message: string };

/** What value checks need from the site: its URL (for `self` links) and the users that exist. */
export interface ValueContext {
  siteUrl: string;
  accountIds: ReadonlySet<string>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SINGLE_LINE_LIMIT = 255;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Jira's date-time input: ISO 8601 with an offset, e.g. 2015-11-18T14:39:00.000+1100. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;

function calendarDate(raw: string): boolean {
  const m = DATE.exec(raw);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

type Option = NonNullable<FieldDef['options']>[number];
const optionBean = (o: Pick<Option, 'id' | 'value'>, ctx: ValueContext) => ({ self: `${ctx.siteUrl}/rest/api/3/customFieldOption/${o.id}`, value: o.value, id: o.id });

/** An option given as {value} or {id}, among `options`. */
function pickOption(raw: unknown, options: readonly Pick<Option, 'id' | 'value'>[] | undefined, f: FieldDef): { ok: true; option: Pick<Option, 'id' | 'value'> } | { ok: false; message: string } {
  if (!isObject(raw) || (typeof raw.value !== 'string' && typeof raw.id !== 'string')) return { ok: false, message: `Specify a valid 'id' or 'name' for ${f.name}` };
  const option = options?.find((o) => o.value === raw.value || o.id === raw.id);
  return option ? { ok: true, option } : { ok: false, message: `Option value '${String(raw.value ?? raw.id)}' is not valid` };
}

/** `[{name}]` or `[{id}]` among the project's components / versions. */
function pickNamed(raw: unknown, f: FieldDef, what: 'Component' | 'Version', ctx: ValueContext): FieldValueResult {
  if (!Array.isArray(raw)) return { ok: false, message: 'data was not an array' };
  const out: unknown[] = [];
  for (const item of raw) {
    const found = isObject(item) ? f.named?.find((n) => n.name === item.name || n.id === item.id) : undefined;
    if (!found) return { ok: false, message: `${what} name '${isObject(item) ? String(item.name ?? item.id) : String(item)}' is not valid` };
    out.push({ self: `${ctx.siteUrl}/rest/api/3/${what.toLowerCase()}/${found.id}`, id: found.id, name: found.name });
  }
  return { ok: true, value: out };
}

/** Checks a create/edit value against the field's schema; returns it in stored (response) form. */
export function checkFieldValue(f: FieldDef, raw: unknown, ctx: ValueContext): FieldValueResult {
  if (raw === null && !f.required) return { ok: true, value: null };
  switch (f.valueKind) {
    case 'string': {
      if (typeof raw !== 'string') return { ok: false, message: 'Operation value must be a string' };
      if (raw.length > SINGLE_LINE_LIMIT) {
        return f.id === 'summary'
          ? { ok: false, message: 'Summary must be less than 255 characters.' }
          : { ok: false, message: 'The entered text is too long. It exceeds the allowed limit of 255 characters.' };
      }
      return { ok: true, value: raw };
    }
    case 'richtext': {
      const check = checkAdf(raw);
      return check.ok ? { ok: true, value: raw } : { ok: false, message: check.message };
    }
    case 'option': {
      const picked = pickOption(raw, f.options, f);
      return picked.ok ? { ok: true, value: optionBean(picked.option, ctx) } : picked;
    }
    case 'options': {
      if (!Array.isArray(raw)) return { ok: false, message: 'data was not an array' };
      const out: unknown[] = [];
      for (const item of raw) {
        const picked = pickOption(item, f.options, f);
        if (!picked.ok) return picked;
        out.push(optionBean(picked.option, ctx));
      }
      return { ok: true, value: out };
    }
    case 'cascading': {
      const parent = pickOption(raw, f.options, f);
      if (!parent.ok) return parent;
      const child = (raw as Record<string, unknown>).child;
      if (child === undefined || child === null) return { ok: true, value: optionBean(parent.option, ctx) };
      const kids = f.options?.find((o) => o.id === parent.option.id)?.children;
      const picked = pickOption(child, kids, f);
      if (!picked.ok) return { ok: false, message: `${picked.message} for parent option '${parent.option.value}'` };
      return { ok: true, value: { ...optionBean(parent.option, ctx), child: optionBean(picked.option, ctx) } };
    }
    case 'components':
      return pickNamed(raw, f, 'Component', ctx);
    case 'versions':
      return pickNamed(raw, f, 'Version', ctx);
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw)
        ? { ok: true, value: raw }
        : { ok: false, message: `Operation value must be a number` };
    case 'labels': {
      if (!Array.isArray(raw) || raw.some((l) => typeof l !== 'string')) return { ok: false, message: 'Operation value must be a list of strings' };
      const bad = (raw as string[]).find((l) => /\s/.test(l) || l === '');
      if (bad !== undefined) return { ok: false, message: `The label '${bad}' contains spaces which is invalid.` };
      return { ok: true, value: raw };
    }
    case 'date':
      return typeof raw === 'string' && calendarDate(raw)
        ? { ok: true, value: raw }
        : { ok: false, message: `Error parsing date string: ${String(typeof raw === 'string' ? raw : JSON.stringify(raw))}` };
    case 'datetime':
      return typeof raw === 'string' && DATE_TIME.test(raw) && !Number.isNaN(Date.parse(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')))
        ? { ok: true, value: raw }
        : { ok: false, message: `Invalid date format for ${f.name}. Please enter the date-time as yyyy-MM-ddTHH:mm:ss.SSSZ.` };
    case 'priority': {
      const p = isObject(raw) ? PRIORITIES.find((x) => x.id === raw.id || x.name === raw.name) : undefined;
      if (!p) return { ok: false, message: 'Specify the Priority (id or name) in the string format' };
      return { ok: true, value: { self: `${ctx.siteUrl}/rest/api/3/priority/${p.id}`, iconUrl: `${ctx.siteUrl}/images/icons/priorities/${p.name.toLowerCase()}.svg`, name: p.name, id: p.id } };
    }
    case 'user': {
      if (!isObject(raw) || typeof raw.accountId !== 'string') return { ok: false, message: "Specify the user's accountId as an object: {\"accountId\": \"…\"}" };
      if (!ctx.accountIds.has(raw.accountId)) return { ok: false, message: `Specify a valid value for ${f.name}: no user with accountId '${raw.accountId}'` };
      return { ok: true, value: { accountId: raw.accountId, self: `${ctx.siteUrl}/rest/api/3/user?accountId=${raw.accountId}` } };
    }
    default:
      return { ok: false, message: `Field '${f.id}' cannot be set. It is not on the appropriate screen, or unknown.` };
  }
}

export const notSettable = (id: string): string => `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;

/**
 * The field catalogue of the stand-in site (system + custom fields) and how each field's values
 * are validated on create/edit and stored (in the shape Jira returns them). Pure, no I/O.
 */
import { checkAdf } from './adf';
import type { CustomFieldConfig, CustomFieldKind } from './config';

/** How a value is checked and searched. */
export type ValueKind =
  | 'string' // single-line text (≤ 255)
  | 'richtext' // ADF document
  | 'option'
  | 'number'
  | 'labels'
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
  options?: { id: string; value: string }[];
}

export const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
  { id: '5', name: 'Lowest' },
];

const CF_TYPE = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const CUSTOM_SCHEMA: Record<CustomFieldKind, { type: string; items?: string; valueKind: ValueKind }> = {
  textfield: { type: 'string', valueKind: 'string' },
  textarea: { type: 'string', valueKind: 'richtext' },
  select: { type: 'option', valueKind: 'option' },
  float: { type: 'number', valueKind: 'number' },
  labels: { type: 'array', items: 'string', valueKind: 'labels' },
  datetime: { type: 'datetime', valueKind: 'datetime' },
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

export function buildFieldCatalogue(customFields: CustomFieldConfig[]): FieldDef[] {
  const systemFields: FieldDef[] = [
    system('summary', 'Summary', 'string', 'string', { settable: true, required: true }),
    system('description', 'Description', 'string', 'richtext', { settable: true, orderable: false }),
    system('environment', 'Environment', 'string', 'richtext', { settable: true, orderable: false }),
    system('labels', 'Labels', 'array', 'labels', { settable: true, schema: { type: 'array', items: 'string', system: 'labels' } }),
    system('priority', 'Priority', 'priority', 'priority', { settable: true }),
    system('assignee', 'Assignee', 'user', 'user', { settable: true }),
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
      options: cf.options?.map((value, i) => ({ id: String(10_000 + (cf.customId % 1000) * 10 + i), value })),
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SINGLE_LINE_LIMIT = 255;

/** Checks a create/edit value against the field's schema; returns it in stored (response) form. */
export function checkFieldValue(f: FieldDef, raw: unknown, siteUrl: string): FieldValueResult {
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
      if (!isObject(raw) || (typeof raw.value !== 'string' && typeof raw.id !== 'string')) {
        return { ok: false, message: `Specify a valid 'id' or 'name' for ${f.name}` };
      }
      const opt = f.options?.find((o) => o.value === raw.value || o.id === raw.id);
      if (!opt) return { ok: false, message: `Option value '${String(raw.value ?? raw.id)}' is not valid` };
      return { ok: true, value: { self: `${siteUrl}/rest/api/3/customFieldOption/${opt.id}`, value: opt.value, id: opt.id } };
    }
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
    case 'datetime':
      return typeof raw === 'string' && !Number.isNaN(Date.parse(raw))
        ? { ok: true, value: raw }
        : { ok: false, message: `Invalid date format for ${f.name}.` };
    case 'priority': {
      const p = isObject(raw) ? PRIORITIES.find((x) => x.id === raw.id || x.name === raw.name) : undefined;
      if (!p) return { ok: false, message: 'Specify the Priority (id or name) in the string format' };
      return { ok: true, value: { self: `${siteUrl}/rest/api/3/priority/${p.id}`, iconUrl: `${siteUrl}/images/icons/priorities/${p.name.toLowerCase()}.svg`, name: p.name, id: p.id } };
    }
    case 'user':
      return isObject(raw) && typeof raw.accountId === 'string'
        ? { ok: true, value: { accountId: raw.accountId, self: `${siteUrl}/rest/api/3/user?accountId=${raw.accountId}` } }
        : { ok: false, message: "Specify the user's accountId as an object: {\"accountId\": \"…\"}" };
    default:
      return { ok: false, message: `Field '${f.id}' cannot be set. It is not on the appropriate screen, or unknown.` };
  }
}

export const notSettable = (id: string): string => `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;

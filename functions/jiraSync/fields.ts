import { ConfigError, type ConfigProblem } from '../../shared/errors';
import type { SyncConfig } from './config';
import type { HaloIssue } from './model';
import type { AdfDoc } from './render';

/**
 * Jira field names → ids (from GET /rest/api/3/field, once per run) and the `fields` object of a
 * create request. An unknown name fails the run naming the variable; values are shaped by the
 * field's schema (text, number, labels, select, ADF textarea) instead of always being strings.
 */
export interface JiraField {
  id: string;
  name: string;
  custom?: boolean;
  clauseNames?: string[];
  schema?: { type?: string; items?: string; custom?: string; system?: string };
}

export interface ResolvedField {
  id: string;
  /** How to reference the field in JQL: cf[10050] for custom fields, else its id. */
  jql: string;
  schema: JiraField['schema'];
}

export interface ResolvedFields {
  haloId: ResolvedField;
  mapping: Array<{ haloAttribute: string; field: ResolvedField }>;
  statics: Array<{ field: ResolvedField; value: string }>;
}

function lookup(fields: readonly JiraField[], nameOrId: string): ResolvedField | undefined {
  const f = fields.find((x) => x.id === nameOrId) ?? fields.find((x) => x.name === nameOrId) ?? fields.find((x) => x.name.toLowerCase() === nameOrId.toLowerCase());
  if (!f) return undefined;
  const custom = /^customfield_(\d+)$/.exec(f.id);
  return { id: f.id, jql: custom ? `cf[${custom[1]}]` : f.id, schema: f.schema };
}

export function resolveFields(config: SyncConfig, fields: readonly JiraField[]): ResolvedFields {
  const problems: ConfigProblem[] = [];
  const unknown = (variable: string, value: string): void => {
    problems.push({ variable, value, expected: 'a Jira field name or id that exists on this site (GET /rest/api/3/field)' });
  };
  const haloId = lookup(fields, config.jiraIssueIdField);
  if (!haloId) unknown('JIRA_ISSUE_ID_FIELD', config.jiraIssueIdField);
  const mapping = config.fieldMapping.flatMap((m) => {
    const field = lookup(fields, m.jiraField);
    if (!field) unknown('JIRA_FIELD_MAPPING', m.jiraField);
    return field ? [{ haloAttribute: m.haloAttribute, field }] : [];
  });
  const statics = config.fieldStatic.flatMap((s) => {
    const field = lookup(fields, s.jiraField);
    if (!field) unknown('JIRA_FIELD_STATIC', s.jiraField);
    return field ? [{ field, value: s.value }] : [];
  });
  if (problems.length > 0 || !haloId) throw new ConfigError(problems);
  return { haloId, mapping, statics };
}

const isTextarea = (schema: JiraField['schema']): boolean =>
  schema?.custom?.endsWith(':textarea') === true || schema?.system === 'environment' || schema?.system === 'description';

/** A Halo value (or a static string) in the shape the Jira field accepts. */
export function fieldValue(field: ResolvedField, value: unknown): unknown {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const schema = field.schema ?? {};
  if (isTextarea(schema)) return { version: 1, type: 'doc', content: [{ type: 'paragraph', content: text ? [{ type: 'text', text }] : [] }] };
  switch (schema.type) {
    case 'number':
      return Number.isFinite(Number(text)) ? Number(text) : null;
    case 'option':
      return { value: text };
    case 'array':
      if (schema.items === 'option') return text.split(',').map((v) => ({ value: v.trim() }));
      // Labels cannot contain spaces.
      return text.split(',').map((v) => v.trim().replace(/\s+/g, '_')).filter(Boolean);
    default:
      return text;
  }
}

export interface CreateInput {
  issue: HaloIssue;
  summary: string;
  description: AdfDoc;
}

/** `fields` of one create request: static, then mapped, then the Halo id (which always wins). */
export function createFields(config: SyncConfig, resolved: ResolvedFields, input: CreateInput): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const s of resolved.statics) fields[s.field.id] = fieldValue(s.field, s.value);
  for (const m of resolved.mapping) {
    const v = input.issue[m.haloAttribute];
    if (v !== undefined && v !== null) fields[m.field.id] = fieldValue(m.field, v);
  }
  fields[resolved.haloId.id] = fieldValue(resolved.haloId, input.issue.id);
  fields.project = { key: config.jiraProjectKey };
  fields.issuetype = { name: config.jiraIssueType };
  fields.summary = input.summary;
  fields.description = input.description;
  return fields;
}

/** The Halo id a ticket carries in the id field (text or ADF), for the client-side equality check. */
export function haloIdOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object') {
    const texts: string[] = [];
    const walk = (n: unknown): void => {
      if (!n || typeof n !== 'object') return;
      const node = n as { text?: unknown; content?: unknown[] };
      if (typeof node.text === 'string') texts.push(node.text);
      node.content?.forEach(walk);
    };
    walk(value);
    return texts.join('').trim() || undefined;
  }
  return undefined;
}

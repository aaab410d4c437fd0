import { ConfigError, type ConfigProblem } from '../../shared/errors';
import type { SyncConfig } from './config';
import { haloText, typeable, typeHaloValue, typeLabel, typeValue, type AllowedValue, type FieldSchema } from './field-types';
import type { HaloIssue } from './model';
import type { AdfDoc } from './render';

/**
 * Jira field names → ids (GET /rest/api/3/field) and typed values (createmeta of the project and
 * issue type, both fetched once per run), and the `fields` object of a create request.
 * Everything that would make Jira refuse a create — an unknown or ambiguous field name, a field
 * missing from the create screen, a value that cannot be typed — fails here, before any write.
 */
export interface JiraField {
  id: string;
  name: string;
  custom?: boolean;
  clauseNames?: string[];
  schema?: FieldSchema;
}

/** One field of GET /rest/api/3/issue/createmeta/{project}/issuetypes/{id} (FieldCreateMetadata). */
export interface CreateMetaField {
  fieldId: string;
  name: string;
  required?: boolean;
  hasDefaultValue?: boolean;
  schema?: FieldSchema;
  allowedValues?: AllowedValue[];
}

export interface ResolvedField {
  id: string;
  /** How to reference the field in JQL: cf[10050] for custom fields, else its id. */
  jql: string;
  schema: JiraField['schema'];
  name?: string;
  /** From createmeta, when it was given: option, priority, component and version names. */
  allowedValues?: readonly AllowedValue[];
}

export interface ResolvedFields {
  haloId: ResolvedField;
  mapping: Array<{ haloAttribute: string; field: ResolvedField }>;
  /** Static values, already typed for their field (undefined: an empty value, nothing is sent). */
  statics: Array<{ field: ResolvedField; value: string; typed: unknown }>;
}

export type FieldLookup = { ok: true; field: JiraField } | { ok: false; candidates: JiraField[] };

/**
 * A field by id, else by name (exact, then ignoring case). Several fields with that name (common
 * on Jira Cloud) is not a match: `candidates` lists them so the id can be given instead.
 */
export function lookupField(fields: readonly JiraField[], nameOrId: string): FieldLookup {
  const byId = fields.find((f) => f.id === nameOrId);
  if (byId) return { ok: true, field: byId };
  const exact = fields.filter((f) => f.name === nameOrId);
  const matches = exact.length > 0 ? exact : fields.filter((f) => f.name.toLowerCase() === nameOrId.toLowerCase());
  const [only] = matches;
  return only && matches.length === 1 ? { ok: true, field: only } : { ok: false, candidates: matches };
}

function resolved(f: JiraField, meta: CreateMetaField | undefined): ResolvedField {
  const custom = /^customfield_(\d+)$/.exec(f.id);
  return {
    id: f.id, jql: custom ? `cf[${custom[1]}]` : f.id, schema: meta?.schema ?? f.schema, name: f.name,
    ...(meta?.allowedValues ? { allowedValues: meta.allowedValues } : {}),
  };
}

const candidatesText = (cs: readonly JiraField[]): string => cs.map((c) => `${c.id} (${typeLabel({ id: c.id, schema: c.schema })})`).join(', ');

/**
 * Resolves JIRA_ISSUE_ID_FIELD, JIRA_FIELD_MAPPING and JIRA_FIELD_STATIC and types the static
 * values. With `createMeta` (the create screen of the project + issue type) it also checks that
 * each field is on that screen and types against its allowedValues. Every problem in one ConfigError.
 */
export function resolveFields(config: SyncConfig, fields: readonly JiraField[], createMeta?: readonly CreateMetaField[]): ResolvedFields {
  const problems: ConfigProblem[] = [];
  const screen = createMeta ? new Map(createMeta.map((m) => [m.fieldId, m])) : undefined;
  // Lookup problems show the field as written; typing problems show the whole `field:value` item.
  const resolve = (variable: string, nameOrId: string): ResolvedField | undefined => {
    const shown = nameOrId;
    const found = lookupField(fields, nameOrId);
    if (!found.ok) {
      problems.push({
        variable, value: shown,
        expected: found.candidates.length > 1
          ? `one field, but "${nameOrId}" names ${found.candidates.length}: ${candidatesText(found.candidates)}; give the id instead of the name`
          : `a Jira field name or id that exists on this site (GET /rest/api/3/field); "${nameOrId}" does not`,
      });
      return undefined;
    }
    if (screen && !screen.has(found.field.id)) {
      problems.push({ variable, value: shown, expected: `a field on the create screen of ${config.jiraProjectKey} / ${config.jiraIssueType}; "${found.field.name}" (${found.field.id}) is not` });
      return undefined;
    }
    return resolved(found.field, screen?.get(found.field.id));
  };

  const haloId = resolve('JIRA_ISSUE_ID_FIELD', config.jiraIssueIdField);
  const mapping = config.fieldMapping.flatMap((m) => {
    const shown = `issue_${m.haloAttribute}:${m.jiraField}`;
    const field = resolve('JIRA_FIELD_MAPPING', m.jiraField);
    if (field && !typeable(field)) {
      problems.push({ variable: 'JIRA_FIELD_MAPPING', value: shown, expected: `a field jiraSync can fill; "${m.jiraField}" (${field.id}) is a ${typeLabel(field)}, which it cannot` });
      return [];
    }
    return field ? [{ haloAttribute: m.haloAttribute, field }] : [];
  });
  const statics = config.fieldStatic.flatMap((st) => {
    const shown = `${st.jiraField}:${st.value}`;
    const field = resolve('JIRA_FIELD_STATIC', st.jiraField);
    if (!field) return [];
    // `Field:` with nothing after the colon sets nothing (there is no value to type).
    if (st.value.trim() === '') return [{ field, value: st.value, typed: undefined }];
    const typed = typeValue(field, st.value);
    if (!typed.ok) {
      problems.push({ variable: 'JIRA_FIELD_STATIC', value: shown, expected: `a value "${field.name ?? st.jiraField}" (${field.id}, ${typeLabel(field)}) accepts; ${typed.problem}` });
      return [];
    }
    return [{ field, value: st.value, typed: typed.value }];
  });
  if (problems.length > 0 || !haloId) throw new ConfigError(problems);
  return { haloId, mapping, statics };
}

/** A Halo value (or a static string) in the shape the Jira field accepts; null when it cannot be typed. */
export function fieldValue(field: ResolvedField, value: unknown): unknown {
  const typed = typeHaloValue(field, value);
  return typed.ok ? typed.value : null;
}

export interface CreateInput {
  issue: HaloIssue;
  summary: string;
  description: AdfDoc;
}

/** `fields` of one create request: static, then mapped, then the Halo id (which always wins). */
export function createFields(
  config: SyncConfig,
  resolved: ResolvedFields,
  input: CreateInput,
  /** Told about each mapped Halo value left out because it cannot be typed for its field. */
  onUntyped?: (field: ResolvedField, haloAttribute: string, problem: string) => void,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const s of resolved.statics) if (s.typed !== undefined) fields[s.field.id] = s.typed;
  for (const m of resolved.mapping) {
    const v = input.issue[m.haloAttribute];
    if (v === undefined || v === null || haloText(v) === '') continue;
    const typed = typeHaloValue(m.field, v);
    if (typed.ok) fields[m.field.id] = typed.value;
    else onUntyped?.(m.field, m.haloAttribute, typed.problem);
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

import { ConfigError } from '../../shared/errors';
import type { SyncConfig } from '../../functions/jiraSync/config';
import { resolveFields, type JiraField, type ResolvedField } from '../../functions/jiraSync/fields';
import { jiraSays, type CheckResult, type Site } from './finding';
import { sampleHaloValue, valueProblem, type FieldMeta } from './values';

/**
 * Checks 4 and 8-10: the id field (exists, searchable, the sync's own search runs, on the create
 * screen), the mapped and static fields (known, on the screen, can take the value the sync
 * sends), and the required fields (each gets a value). Fields resolve by jiraSync's own rule.
 */

/** Fields settable on create for the project's issue type, by id; empty when the type is unknown. */
type CreateScreen = ReadonlyMap<string, FieldMeta>;

type Variable = 'JIRA_ISSUE_ID_FIELD' | 'JIRA_FIELD_MAPPING' | 'JIRA_FIELD_STATIC';

interface FieldResolver {
  resolve(nameOrId: string, variable: Variable): ResolvedField | undefined;
  byId(id: string): JiraField | undefined;
}

export async function createScreen({ jira, project, issueType }: Pick<Site, 'jira' | 'project' | 'issueType'>): Promise<CreateScreen> {
  const screen = new Map<string, FieldMeta>();
  if (!issueType) return screen;
  try {
    const meta = await jira.get<{ fields?: Array<FieldMeta & { fieldId?: string; key?: string }> }>(
      `/rest/api/3/issue/createmeta/${encodeURIComponent(project.key)}/issuetypes/${encodeURIComponent(issueType.id)}`, { maxResults: 200 },
    );
    for (const f of meta.fields ?? []) screen.set(f.fieldId ?? f.key ?? f.id, { ...f, id: f.fieldId ?? f.key ?? f.id });
  } catch {
    // Judged by the field checks as "not on the create screen".
  }
  return screen;
}

/** jiraSync's own resolution rule (id, then name, then name in any case) over the site's field list. */
export function fieldResolver(config: SyncConfig, fields: readonly JiraField[]): FieldResolver {
  const byId = new Map(fields.map((f) => [f.id, f]));
  return {
    byId: (id) => byId.get(id),
    resolve(nameOrId, variable) {
      try {
        const r = resolveFields({
          ...config,
          jiraIssueIdField: variable === 'JIRA_ISSUE_ID_FIELD' ? nameOrId : 'summary',
          fieldMapping: variable === 'JIRA_FIELD_MAPPING' ? [{ haloAttribute: 'id', jiraField: nameOrId }] : [],
          fieldStatic: variable === 'JIRA_FIELD_STATIC' ? [{ jiraField: nameOrId, value: '' }] : [],
        }, fields);
        return variable === 'JIRA_ISSUE_ID_FIELD' ? r.haloId : variable === 'JIRA_FIELD_MAPPING' ? r.mapping[0]?.field : r.statics[0]?.field;
      } catch (err) {
        if (err instanceof ConfigError) return undefined;
        throw err;
      }
    },
  };
}

/** Why a field cannot be written on create, or undefined (also when the issue type is unknown). */
function screenNote({ project, issueType }: Pick<Site, 'project' | 'issueType'>, screen: CreateScreen, id: string): string | undefined {
  return issueType && !screen.has(id) ? `not on the create screen of ${project.key}/${issueType.name}` : undefined;
}

/** 4. The id field: exists, searchable, the sync's own search runs, settable on create. */
export async function idFieldCheck(site: Pick<Site, 'config' | 'jira' | 'project' | 'issueType'>, fields: FieldResolver, screen: CreateScreen): Promise<CheckResult> {
  const { config, jira } = site;
  const base = { id: 'id-field', title: 'id field' };
  const resolved = fields.resolve(config.jiraIssueIdField, 'JIRA_ISSUE_ID_FIELD');
  const field = resolved && fields.byId(resolved.id);
  if (!resolved || !field) {
    return {
      ...base, status: 'fail', detail: `JIRA_ISSUE_ID_FIELD="${config.jiraIssueIdField}" is neither the id nor the name of a field on this site`,
      fix: 'create a custom field of type "Text Field (single line)" (Jira: Settings → Issues → Custom fields), add it to the project\'s create screen, and set JIRA_ISSUE_ID_FIELD to its name or id (customfield_NNNNN)',
    };
  }
  const label = `"${field.name}" (${field.id})`;
  const searchable = (field as JiraField & { searchable?: boolean }).searchable !== false && (field.clauseNames?.length ?? 0) > 0;
  if (!searchable) {
    return { ...base, status: 'fail', detail: `${label} exists but cannot be searched with JQL`, fix: 'give the field a search template (Custom fields → ⋯ → Edit details → Search template) or use a searchable text field' };
  }
  try {
    // The very search jiraSync runs, for an id that cannot exist: bounded, and answers "no tickets".
    const hits = await jira.findTickets(resolved, [`jira-doctor-probe-${Date.now()}`]);
    const off = screenNote(site, screen, field.id);
    const notes = [off, field.schema?.type !== 'string' ? `its type is "${field.schema?.type}"; a single-line text field is expected` : undefined].filter(Boolean);
    return {
      ...base, status: notes.length ? (off ? 'fail' : 'warn') : 'pass',
      detail: `${label}, JQL ${resolved.jql} ~ "…" answers (${hits.length} hit${hits.length === 1 ? '' : 's'})${notes.length ? `; ${notes.join('; ')}` : ''}`,
      fix: off ? `add ${label} to the create screen of the project (Project settings → Screens): the sync writes it when it creates a ticket` : undefined,
    };
  } catch (err) {
    return { ...base, status: 'fail', detail: `${label}: the sync's search (${resolved.jql} ~ "<id>") fails: ${jiraSays(err)}`, fix: 'use a single-line text field that supports the ~ (contains) operator' };
  }
}

/** 8. JIRA_FIELD_MAPPING: each field known, on the screen, able to take a Halo value. */
export function mappedFieldsCheck(site: Pick<Site, 'config' | 'project' | 'issueType'>, fields: FieldResolver, screen: CreateScreen): CheckResult {
  return fieldsCheck(site, 'mapped-fields', 'mapped fields', 'JIRA_FIELD_MAPPING',
    site.config.fieldMapping.map((m) => ({ label: `issue_${m.haloAttribute}:${m.jiraField}`, nameOrId: m.jiraField, value: sampleHaloValue(m.haloAttribute) })),
    fields, screen);
}

/** 9. JIRA_FIELD_STATIC: each field known, on the screen, able to take the configured value. */
export function staticFieldsCheck(site: Pick<Site, 'config' | 'project' | 'issueType'>, fields: FieldResolver, screen: CreateScreen): CheckResult {
  return fieldsCheck(site, 'static-fields', 'static fields', 'JIRA_FIELD_STATIC',
    site.config.fieldStatic.map((s) => ({ label: `${s.jiraField}:${s.value}`, nameOrId: s.jiraField, value: s.value })),
    fields, screen);
}

/** 10. Every field required on create (without a default) gets a value from the sync. */
export function requiredFieldsCheck({ config, issueType }: Pick<Site, 'config' | 'issueType'>, fields: FieldResolver, screen: CreateScreen): CheckResult {
  const filled = new Set(['summary', 'description', 'project', 'issuetype', 'reporter',
    fields.resolve(config.jiraIssueIdField, 'JIRA_ISSUE_ID_FIELD')?.id,
    ...config.fieldMapping.map((m) => fields.resolve(m.jiraField, 'JIRA_FIELD_MAPPING')?.id),
    ...config.fieldStatic.map((s) => fields.resolve(s.jiraField, 'JIRA_FIELD_STATIC')?.id)]);
  const unfilled = [...screen.values()].filter((f) => f.required && !f.hasDefaultValue && !filled.has(f.id));
  return unfilled.length
    ? {
        id: 'required-fields', title: 'required fields', status: 'fail',
        detail: `required on create and never filled by the sync: ${unfilled.map((f) => `"${f.name}" (${f.id})`).join(', ')}`,
        fix: 'give them a value with JIRA_FIELD_STATIC (or JIRA_FIELD_MAPPING), a default value, or make them optional in the field configuration',
      }
    : { id: 'required-fields', title: 'required fields', status: issueType ? 'pass' : 'skip', detail: issueType ? 'every required field gets a value' : 'skipped: issue type unknown' };
}

function fieldsCheck(
  site: Pick<Site, 'project' | 'issueType'>,
  id: string,
  title: string,
  variable: Exclude<Variable, 'JIRA_ISSUE_ID_FIELD'>,
  wanted: ReadonlyArray<{ label: string; nameOrId: string; value: string }>,
  fields: FieldResolver,
  screen: CreateScreen,
): CheckResult {
  if (wanted.length === 0) return { id, title, status: 'pass', detail: `none configured (${variable} empty)` };
  const problems: string[] = [];
  for (const w of wanted) {
    const field = fields.resolve(w.nameOrId, variable);
    if (!field) {
      problems.push(`"${w.nameOrId}" is not a field on this site`);
      continue;
    }
    const off = screenNote(site, screen, field.id);
    if (off) {
      problems.push(`"${w.nameOrId}" (${field.id}) is ${off}`);
      continue;
    }
    const meta = screen.get(field.id) ?? { id: field.id, name: w.nameOrId, schema: field.schema };
    const bad = valueProblem(meta, w.value);
    if (bad) problems.push(`"${w.nameOrId}" (${field.id}) cannot take ${variable === 'JIRA_FIELD_STATIC' ? `"${w.value}"` : `the Halo value`}: ${bad}`);
  }
  return problems.length
    ? { id, title, status: 'fail', detail: problems.join('; '), fix: `fix ${variable} (field names or ids from Jira: Settings → Issues → Custom fields; values as the field type expects), or add the fields to the create screen` }
    : { id, title, status: 'pass', detail: `${wanted.map((w) => w.label).join(', ')} accepted` };
}

import type { JiraClient } from '../../functions/jiraSync/clients/jira';
import type { SyncConfig } from '../../functions/jiraSync/config';
import { resolveFields, type CreateMetaField } from '../../functions/jiraSync/fields';
import { ConfigError } from '../../shared/errors';
import type { CheckResult } from './checks';

/**
 * The doctor's view of jiraSync's start-up typing: the very `resolveFields` the sync runs, on the
 * project's create screen (createmeta), so the doctor reports exactly what would stop a run
 * (ambiguous field names, fields off the screen, static values Jira would refuse). And whether
 * mass closes can use the bulk transition API (global "Make bulk changes" permission).
 */
type Probe = Pick<JiraClient, 'get' | 'fields'>;

interface IssueTypeRef { id: string; name: string }
type Page<K extends string, T> = { total?: number } & Partial<Record<K, T[]>>;

async function allPages<K extends 'fields' | 'issueTypes', T>(jira: Probe, url: string, key: K): Promise<T[]> {
  const out: T[] = [];
  for (let startAt = 0; ; ) {
    const page = await jira.get<Page<K, T>>(url, { startAt, maxResults: 200 });
    const items = page[key] ?? [];
    out.push(...items);
    startAt += items.length;
    if (items.length === 0 || startAt >= (page.total ?? 0)) return out;
  }
}

export async function typedFieldChecks(config: SyncConfig, jira: Probe): Promise<CheckResult[]> {
  return [await typedFields(config, jira), await bulkChange(jira)];
}

async function typedFields(config: SyncConfig, jira: Probe): Promise<CheckResult> {
  const base = { id: 'typed-fields', title: 'typed field values' };
  const project = encodeURIComponent(config.jiraProjectKey);
  let screen: CreateMetaField[];
  try {
    const types = await allPages<'issueTypes', IssueTypeRef>(jira, `/rest/api/3/issue/createmeta/${project}/issuetypes`, 'issueTypes');
    const type = types.find((t) => t.name === config.jiraIssueType) ?? types.find((t) => t.name.toLowerCase() === config.jiraIssueType.toLowerCase());
    if (!type) return { ...base, status: 'skip', detail: `skipped: issue type "${config.jiraIssueType}" not creatable in ${config.jiraProjectKey}` };
    screen = await allPages<'fields', CreateMetaField>(jira, `/rest/api/3/issue/createmeta/${project}/issuetypes/${encodeURIComponent(type.id)}`, 'fields');
  } catch (err) {
    return { ...base, status: 'fail', detail: `createmeta for ${config.jiraProjectKey}: ${(err as Error).message}`, fix: 'the account needs Create Issues in the project' };
  }
  try {
    const resolved = resolveFields(config, await jira.fields(), screen);
    const shown = resolved.statics.map((s) => `${s.field.id} ← ${JSON.stringify(s.typed)}`);
    return { ...base, status: 'pass', detail: shown.length ? `JIRA_FIELD_STATIC sends ${shown.join(', ')}` : 'every configured field resolves to one field on the create screen' };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // The id field has its own check (id-field); this one is about the values sent.
    const problems = err.problems.filter((p) => p.variable !== 'JIRA_ISSUE_ID_FIELD');
    if (problems.length === 0) return { ...base, status: 'skip', detail: 'skipped: JIRA_ISSUE_ID_FIELD does not resolve (see the id field check)' };
    return {
      ...base, status: 'fail',
      detail: problems.map((p) => `${p.variable} ${JSON.stringify(p.value)}: expected ${p.expected}`).join('; '),
      fix: 'give fields by id (customfield_NNNNN) where names repeat, and values in the form the field type takes (docs/jiraSync.md "Typed field values")',
    };
  }
}

async function bulkChange(jira: Probe): Promise<CheckResult> {
  const base = { id: 'bulk-change', title: 'bulk transitions' };
  try {
    const perms = await jira.get<{ permissions?: Record<string, { havePermission?: boolean }> }>('/rest/api/3/mypermissions', { permissions: 'BULK_CHANGE' });
    return perms.permissions?.BULK_CHANGE?.havePermission === true
      ? { ...base, status: 'pass', detail: 'global "Make bulk changes" granted: mass closes use the bulk transition API' }
      : {
          ...base, status: 'warn', detail: 'no global "Make bulk changes" permission: mass closes fall back to one transition request per ticket',
          fix: 'grant "Make bulk changes" to the account (Jira settings → System → Global permissions)',
        };
  } catch (err) {
    return { ...base, status: 'warn', detail: `mypermissions BULK_CHANGE: ${(err as Error).message}` };
  }
}

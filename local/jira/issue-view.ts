/** Renders issues, comments and changelogs in Jira's response shapes. Pure, no I/O. */
import type { JiraStubConfig } from './config';
import type { FieldDef } from './fields';
import type { HistoryEntry, IssueComment, IssueState, StoredIssue } from './store';
import type { Workflow } from './workflow';

export interface ViewContext {
  config: JiraStubConfig;
  fields: FieldDef[];
  workflow: Workflow;
  siteUrl: string;
}

/** Jira's timestamp format: 2025-11-23T10:11:12.345+0000. */
export const jiraTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

/**
 * Which fields a `fields` parameter selects: `*all`, `*navigable`, ids, `-id` exclusions.
 * Returns field ids; an empty set means "ids only" (the search default).
 */
export function selectFields(param: string[] | undefined, defaultSelector: '*all' | 'id', fields: FieldDef[]): Set<string> {
  const tokens = (param && param.length > 0 ? param : [defaultSelector]).flatMap((p) => p.split(',')).map((t) => t.trim()).filter(Boolean);
  const selected = new Set<string>();
  const excluded = new Set<string>();
  let sawPositive = false;
  for (const t of tokens) {
    if (t.startsWith('-')) { excluded.add(t.slice(1)); continue; }
    sawPositive = true;
    if (t === '*all') fields.forEach((f) => { selected.add(f.id); });
    else if (t === '*navigable') fields.filter((f) => f.navigable).forEach((f) => { selected.add(f.id); });
    else if (t !== 'id' && t !== 'key' && fields.some((f) => f.id === t)) selected.add(t);
  }
  // Only exclusions given: Jira starts from the navigable fields.
  if (!sawPositive) fields.filter((f) => f.navigable).forEach((f) => { selected.add(f.id); });
  selected.delete('issuekey');
  excluded.forEach((x) => { selected.delete(x); });
  return selected;
}

export function commentBean(c: IssueComment, issue: IssueState, ctx: ViewContext): Record<string, unknown> {
  const author = { accountId: c.authorAccountId, displayName: ctx.config.displayName, active: true, accountType: 'atlassian' };
  return {
    self: `${ctx.siteUrl}/rest/api/3/issue/${issue.id}/comment/${c.id}`, id: c.id, author, body: c.body, updateAuthor: author,
    created: jiraTime(c.created), updated: jiraTime(c.updated), jsdPublic: true,
  };
}

function fieldValue(f: FieldDef, issue: IssueState, ctx: ViewContext, comments: IssueComment[] | undefined): unknown {
  const { config, siteUrl, workflow } = ctx;
  switch (f.id) {
    case 'project':
      return { self: `${siteUrl}/rest/api/3/project/${config.project.id}`, id: config.project.id, key: config.project.key, name: config.project.name, projectTypeKey: 'software', simplified: false };
    case 'issuetype': {
      const t = config.issueTypes.find((x) => x.id === issue.issueTypeId);
      return t ? { self: `${siteUrl}/rest/api/3/issuetype/${t.id}`, id: t.id, description: '', iconUrl: `${siteUrl}/images/icons/issuetypes/${t.name.toLowerCase()}.svg`, name: t.name, subtask: false, hierarchyLevel: 0 } : null;
    }
    case 'status': {
      const s = workflow.status(issue.status);
      return s ? workflow.statusDetails(s, siteUrl) : null;
    }
    case 'created': return jiraTime(issue.created);
    case 'updated': return jiraTime(issue.updated);
    case 'comment': {
      const list = (comments ?? []).map((c) => commentBean(c, issue, ctx));
      return { comments: list, self: `${siteUrl}/rest/api/3/issue/${issue.id}/comment`, maxResults: list.length, total: list.length, startAt: 0 };
    }
  }
  return issue.fields[f.id] ?? null;
}

/** IssueBean; `selected` empty → `{id}` only (search default). */
export function issueBean(issue: IssueState | StoredIssue, selected: Set<string>, ctx: ViewContext, withKey = true): Record<string, unknown> {
  if (selected.size === 0 && !withKey) return { id: issue.id };
  const comments = 'comments' in issue ? issue.comments : undefined;
  const fields: Record<string, unknown> = {};
  for (const f of ctx.fields) if (selected.has(f.id)) fields[f.id] = fieldValue(f, issue, ctx, comments);
  return { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: issue.id, self: `${ctx.siteUrl}/rest/api/3/issue/${issue.id}`, key: issue.key, fields };
}

export function changelogBean(h: HistoryEntry, ctx: ViewContext): Record<string, unknown> {
  const byApi = h.author === ctx.config.accountId;
  return {
    id: h.id,
    author: byApi ? { accountId: h.author, displayName: ctx.config.displayName, active: true } : { accountId: 'human', displayName: h.author, active: true },
    created: jiraTime(h.created),
    items: h.items,
  };
}

/** Read-only site metadata: who am I, server, fields, project, issue types, statuses, createmeta, permissions, workflow. */
import { queryValue } from '../http-kit';
import { PERMISSION_KEYS, type PermissionKey } from './config';
import { fieldDetails, PRIORITIES, type FieldDef } from './fields';
import { listParam, type Route } from './router';
import { jiraError, type JiraSite } from './site';

const PERMISSION_NAMES: Record<PermissionKey, [string, string]> = {
  BROWSE_PROJECTS: ['10', 'Browse Projects'],
  CREATE_ISSUES: ['11', 'Create Issues'],
  EDIT_ISSUES: ['12', 'Edit Issues'],
  ADD_COMMENTS: ['15', 'Add Comments'],
  TRANSITION_ISSUES: ['46', 'Transition Issues'],
  CLOSE_ISSUES: ['18', 'Close Issues'],
  RESOLVE_ISSUES: ['17', 'Resolve Issues'],
  BULK_CHANGE: ['33', 'Make bulk changes'],
};

function issueTypeDetails(site: JiraSite, t: { id: string; name: string }): Record<string, unknown> {
  return {
    self: `${site.siteUrl}/rest/api/3/issuetype/${t.id}`, id: t.id, description: `${t.name} issue type`, name: t.name,
    iconUrl: `${site.siteUrl}/images/icons/issuetypes/${t.name.toLowerCase()}.svg`, subtask: false, hierarchyLevel: 0,
  };
}

function projectBean(site: JiraSite): Record<string, unknown> {
  const p = site.config.project;
  return {
    self: `${site.siteUrl}/rest/api/3/project/${p.id}`, id: p.id, key: p.key, name: p.name, description: '',
    projectTypeKey: 'software', simplified: false, style: 'classic', isPrivate: false, archived: false,
    issueTypes: site.config.issueTypes.map((t) => issueTypeDetails(site, t)),
    lead: { accountId: site.config.accountId, displayName: site.config.displayName, active: true },
  };
}

/** allowedValues as createmeta lists them: issue types, project, priorities, options (with children), components, versions. */
function allowedValues(site: JiraSite, f: FieldDef): unknown[] | undefined {
  const url = site.siteUrl;
  const option = (o: { id: string; value: string }) => ({ self: `${url}/rest/api/3/customFieldOption/${o.id}`, value: o.value, id: o.id });
  if (f.id === 'issuetype') return site.config.issueTypes.map((t) => issueTypeDetails(site, t));
  if (f.id === 'project') return [{ id: site.config.project.id, key: site.config.project.key, name: site.config.project.name }];
  if (f.id === 'priority') return PRIORITIES.map((p) => ({ self: `${url}/rest/api/3/priority/${p.id}`, id: p.id, name: p.name }));
  if (f.valueKind === 'components') return f.named?.map((c) => ({ self: `${url}/rest/api/3/component/${c.id}`, id: c.id, name: c.name }));
  if (f.valueKind === 'versions') {
    return f.named?.map((v) => ({ self: `${url}/rest/api/3/version/${v.id}`, id: v.id, name: v.name, archived: false, released: false, projectId: Number(site.config.project.id) }));
  }
  return f.options?.map((o) => ({ ...option(o), ...(o.children ? { children: o.children.map(option) } : {}) }));
}

const MULTI_VALUE: ReadonlySet<string> = new Set(['labels', 'options', 'components', 'versions']);

function createMetaField(site: JiraSite, f: FieldDef): Record<string, unknown> {
  const allowed = allowedValues(site, f);
  return {
    required: f.required, schema: f.schema ?? { type: 'any' }, name: f.name, key: f.id, fieldId: f.id,
    ...(f.valueKind === 'user' ? { autoCompleteUrl: `${site.siteUrl}/rest/api/3/user/search?query=` } : {}),
    hasDefaultValue: false, operations: MULTI_VALUE.has(f.valueKind) ? ['add', 'set', 'remove'] : ['set'],
    ...(allowed ? { allowedValues: allowed } : {}),
  };
}

/** Project routes answer 404 like Jira when the project is unknown or not browsable. */
function withProject(site: JiraSite, ref: string | undefined, answer: () => ReturnType<Route['handle']>): ReturnType<Route['handle']> {
  if (!site.isProject(ref) || !site.allowed('BROWSE_PROJECTS')) {
    return jiraError(404, [`No project could be found with key '${ref ?? ''}'.`]);
  }
  return answer();
}

export const metaRoutes: Route[] = [
  {
    method: 'GET', template: '/rest/api/3/myself', kind: 'other',
    handle: (_req, site) => ({
      status: 200,
      body: {
        self: `${site.siteUrl}/rest/api/3/user?accountId=${site.config.accountId}`, accountId: site.config.accountId,
        accountType: 'atlassian', emailAddress: site.config.email, displayName: site.config.displayName,
        active: true, timeZone: 'UTC', locale: 'en_US',
      },
    }),
  },
  {
    method: 'GET', template: '/rest/api/3/serverInfo', kind: 'other',
    handle: (_req, site) => ({
      status: 200,
      body: {
        baseUrl: site.siteUrl, displayUrl: site.siteUrl, version: '1001.0.0-SNAPSHOT', versionNumbers: [1001, 0, 0],
        deploymentType: 'Cloud', buildNumber: 100_300, buildDate: '2026-11-01T00:00:00.000+0000',
        serverTime: new Date(site.now()).toISOString().replace('Z', '+0000'), scmInfo: 'stand-in', serverTitle: 'Jira',
      },
    }),
  },
  { method: 'GET', template: '/rest/api/3/field', kind: 'field', handle: (_req, site) => ({ status: 200, body: site.fields.map(fieldDetails) }) },
  {
    method: 'GET', template: '/rest/api/3/project/{projectIdOrKey}', kind: 'other',
    handle: (req, site) => withProject(site, req.params.projectIdOrKey, () => ({ status: 200, body: projectBean(site) })),
  },
  {
    method: 'GET', template: '/rest/api/3/project/{projectIdOrKey}/statuses', kind: 'other',
    handle: (req, site) => withProject(site, req.params.projectIdOrKey, () => ({
      status: 200,
      body: site.config.issueTypes.map((t) => ({
        self: `${site.siteUrl}/rest/api/3/issuetype/${t.id}`, id: t.id, name: t.name, subtask: false,
        statuses: site.config.workflow.statuses.map((s) => site.workflow.statusDetails(s, site.siteUrl)),
      })),
    })),
  },
  { method: 'GET', template: '/rest/api/3/issuetype', kind: 'other', handle: (_req, site) => ({ status: 200, body: site.config.issueTypes.map((t) => issueTypeDetails(site, t)) }) },
  { method: 'GET', template: '/rest/api/3/status', kind: 'other', handle: (_req, site) => ({ status: 200, body: site.config.workflow.statuses.map((s) => site.workflow.statusDetails(s, site.siteUrl)) }) },
  {
    method: 'GET', template: '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', kind: 'other',
    handle: (req, site) => withProject(site, req.params.projectIdOrKey, () => {
      const types = site.config.issueTypes.map((t) => issueTypeDetails(site, t));
      return { status: 200, body: { maxResults: 50, startAt: 0, total: types.length, issueTypes: types } };
    }),
  },
  {
    method: 'GET', template: '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', kind: 'createmeta',
    handle: (req, site) => withProject(site, req.params.projectIdOrKey, () => {
      if (!site.config.issueTypes.some((t) => t.id === req.params.issueTypeId)) return jiraError(404, [`Issue type with id ${String(req.params.issueTypeId)} does not exist.`]);
      const all = site.fields.filter((f) => f.settable);
      // Paged like Jira: startAt / maxResults (default 50, at most 200).
      const startAt = Math.max(Number(queryValue(req.query, 'startAt') ?? 0), 0);
      const maxResults = Math.min(Math.max(Number(queryValue(req.query, 'maxResults') ?? 50), 1), 200);
      const fields = all.slice(startAt, startAt + maxResults).map((f) => createMetaField(site, f));
      return { status: 200, body: { maxResults, startAt, total: all.length, fields } };
    }),
  },
  {
    method: 'GET', template: '/rest/api/3/mypermissions', kind: 'other',
    handle: (req, site) => {
      const wanted = listParam(req.query, 'permissions');
      if (!wanted || wanted.length === 0) return jiraError(400, ['The permissions query parameter is required.']);
      const unknown = wanted.filter((k) => !(PERMISSION_KEYS as readonly string[]).includes(k));
      if (unknown.length > 0) return jiraError(404, [`No permission with key ${unknown.join(', ')} found.`]);
      const permissions = Object.fromEntries(
        wanted.map((k) => {
          const [id, name] = PERMISSION_NAMES[k as PermissionKey];
          return [k, { id, key: k, name, type: k === 'BULK_CHANGE' ? 'GLOBAL' : 'PROJECT', description: name, havePermission: site.allowed(k as PermissionKey) }];
        }),
      );
      return { status: 200, body: { permissions } };
    },
  },
  {
    method: 'GET', template: '/rest/api/3/workflow/search', kind: 'other',
    handle: (req, site) => {
      const names = listParam(req.query, 'workflowName');
      const expand = (queryValue(req.query, 'expand') ?? '').split(',').map((x) => x.trim());
      const values = names && !names.includes(site.config.workflow.name) ? [] : [site.workflow.workflowBean(expand)];
      return { status: 200, body: { self: `${site.siteUrl}/rest/api/3/workflow/search`, maxResults: 50, startAt: 0, total: values.length, isLast: true, values } };
    },
  },
];

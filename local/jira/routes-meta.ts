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

function createMetaField(site: JiraSite, f: FieldDef): Record<string, unknown> {
  const allowed =
    f.id === 'issuetype' ? site.config.issueTypes.map((t) => issueTypeDetails(site, t))
    : f.id === 'project' ? [{ id: site.config.project.id, key: site.config.project.key, name: site.config.project.name }]
    : f.id === 'priority' ? PRIORITIES.map((p) => ({ self: `${site.siteUrl}/rest/api/3/priority/${p.id}`, id: p.id, name: p.name }))
    : f.options?.map((o) => ({ self: `${site.siteUrl}/rest/api/3/customFieldOption/${o.id}`, value: o.value, id: o.id }));
  return {
    required: f.required, schema: f.schema ?? { type: 'any' }, name: f.name, key: f.id, fieldId: f.id,
    hasDefaultValue: false, operations: f.valueKind === 'labels' ? ['add', 'set', 'remove'] : ['set'],
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
    method: 'GET', template: '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', kind: 'other',
    handle: (req, site) => withProject(site, req.params.projectIdOrKey, () => {
      if (!site.config.issueTypes.some((t) => t.id === req.params.issueTypeId)) return jiraError(404, ['Issue type with id ' + String(req.params.issueTypeId) + ' does not exist.']);
      const fields = site.fields.filter((f) => f.settable).map((f) => createMetaField(site, f));
      return { status: 200, body: { maxResults: 50, startAt: 0, total: fields.length, fields } };
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
          return [k, { id, key: k, name, type: 'PROJECT', description: name, havePermission: site.allowed(k as PermissionKey) }];
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

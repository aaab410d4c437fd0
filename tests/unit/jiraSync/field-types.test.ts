/**
 * Typed field values: every schema type jiraSync fills, the input forms it accepts, what it sends,
 * and the refusals (before any write) naming the variable, the field and the candidates.
 */
import { loadConfig } from '../../../functions/jiraSync/config';
import { haloText, jiraDateTime, typeable, typeHaloValue, typeValue, type FieldType } from '../../../functions/jiraSync/field-types';
import { createFields, lookupField, resolveFields, type CreateMetaField, type JiraField } from '../../../functions/jiraSync/fields';
import { ConfigError } from '../../../shared/errors';

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const opt = (value: string, id: string, children?: Array<[string, string]>) => ({ value, id, ...(children ? { children: children.map(([v, i]) => ({ value: v, id: i })) } : {}) });

const META: CreateMetaField[] = [
  { fieldId: 'summary', name: 'Summary', required: true, schema: { type: 'string', system: 'summary' } },
  { fieldId: 'description', name: 'Description', schema: { type: 'string', system: 'description' } },
  { fieldId: 'priority', name: 'Priority', schema: { type: 'priority', system: 'priority' }, allowedValues: [{ name: 'Highest', id: '1' }, { name: 'High', id: '2' }, { name: 'Low', id: '4' }] },
  { fieldId: 'components', name: 'Components', schema: { type: 'array', items: 'component', system: 'components' }, allowedValues: [{ name: 'Cloud', id: '10100' }, { name: 'Servers', id: '10102' }] },
  { fieldId: 'fixVersions', name: 'Fix versions', schema: { type: 'array', items: 'version', system: 'fixVersions' }, allowedValues: [{ name: '2026.12', id: '10201' }] },
  { fieldId: 'labels', name: 'Labels', schema: { type: 'array', items: 'string', system: 'labels' } },
  { fieldId: 'assignee', name: 'Assignee', schema: { type: 'user', system: 'assignee' } },
  { fieldId: 'duedate', name: 'Due date', schema: { type: 'date', system: 'duedate' } },
  { fieldId: 'customfield_10050', name: 'Halo Issue ID', schema: { type: 'string', custom: `${CF}textfield` } },
  { fieldId: 'customfield_10054', name: 'Halo First Seen', schema: { type: 'date', custom: `${CF}datepicker` } },
  { fieldId: 'customfield_10055', name: 'Halo Last Seen', schema: { type: 'datetime', custom: `${CF}datetime` } },
  { fieldId: 'customfield_10056', name: 'Security Owner', schema: { type: 'user', custom: `${CF}userpicker` } },
  { fieldId: 'customfield_10057', name: 'Environments', schema: { type: 'array', items: 'option', custom: `${CF}multiselect` }, allowedValues: [opt('production', '1'), opt('staging', '2')] },
  { fieldId: 'customfield_10058', name: 'Risk Area', schema: { type: 'option-with-child', custom: `${CF}cascadingselect` }, allowedValues: [opt('Network', '3', [['Firewall', '31'], ['VPN', '32']]), opt('Host', '4', [['Linux', '41']])] },
  { fieldId: 'customfield_10059', name: 'Risk Score', schema: { type: 'number', custom: `${CF}float` } },
  { fieldId: 'customfield_10060', name: 'Team', schema: { type: 'option', custom: `${CF}select` }, allowedValues: [opt('Platform', '5'), opt('Security', '6')] },
  { fieldId: 'customfield_10061', name: 'Team', schema: { type: 'string', custom: `${CF}textfield` } },
  { fieldId: 'customfield_10062', name: 'Notes', schema: { type: 'string', custom: `${CF}textarea` } },
  { fieldId: 'customfield_10063', name: 'Sprint', schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint' } },
];
const FIELDS: JiraField[] = [
  ...META.map((m) => ({ id: m.fieldId, name: m.name, custom: m.fieldId.startsWith('customfield_'), schema: m.schema })),
  { id: 'customfield_10070', name: 'Off Screen', custom: true, schema: { type: 'string', custom: `${CF}textfield` } },
];
const meta = (id: string): FieldType => {
  const m = META.find((x) => x.fieldId === id)!;
  return { id: m.fieldId, name: m.name, schema: m.schema, allowedValues: m.allowedValues };
};

const BASE = {
  HALO_API_KEY: 'k', HALO_API_SECRET_KEY: 's', JIRA_API_USER: 'u', JIRA_API_TOKEN: 't', JIRA_API_URL: 'https://x.atlassian.net',
  JIRA_ISSUE_ID_FIELD: 'Halo Issue ID', JIRA_PROJECT_KEY: 'SEC', JIRA_ISSUE_TYPE: 'Bug',
  ISSUE_CLOSE_TRANSITION: 'Close', ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed',
};
const config = (env: Record<string, string> = {}) => loadConfig({ ...BASE, ...env });

describe('typeValue: accepted input → what is sent', () => {
  it.each<[string, string, unknown]>([
    ['summary', 'plain text', 'plain text'],
    ['customfield_10062', 'two\nlines', { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'two\nlines' }] }] }],
    ['priority', 'High', { name: 'High' }],
    ['priority', 'high', { name: 'High' }],
    ['priority', '4', { name: 'Low' }],
    ['components', 'Cloud', [{ name: 'Cloud' }]],
    ['components', 'Cloud, servers', [{ name: 'Cloud' }, { name: 'Servers' }]],
    ['fixVersions', '2026.12', [{ name: '2026.12' }]],
    ['labels', 'halo, cloud secure', ['halo', 'cloud_secure']],
    ['assignee', '5b10ac8d82e05b22cc7d4ef5', { accountId: '5b10ac8d82e05b22cc7d4ef5' }],
    ['customfield_10056', '712020:2f1c6b4e-8a0d-4c52-9a47-0a3c9b6e1d21', { accountId: '712020:2f1c6b4e-8a0d-4c52-9a47-0a3c9b6e1d21' }],
    ['duedate', '2026-11-30', '2026-11-30'],
    ['customfield_10054', '2026-11-23T23:30:00.123456-02:00', '2026-11-24'],
    ['customfield_10055', '2026-11-23T10:00:00Z', '2026-11-23T10:00:00.000+0000'],
    ['customfield_10055', '2026-11-23T12:00:00.5+0200', '2026-11-23T10:00:00.500+0000'],
    ['customfield_10055', '2026-11-23', '2026-11-23T00:00:00.000+0000'],
    ['customfield_10059', '7.5', 7.5],
    ['customfield_10059', ' -3 ', -3],
    ['customfield_10060', 'Platform', { value: 'Platform' }],
    ['customfield_10060', 'security', { value: 'Security' }],
    ['customfield_10057', 'production,staging', [{ value: 'production' }, { value: 'staging' }]],
    ['customfield_10058', 'Network -> VPN', { value: 'Network', child: { value: 'VPN' } }],
    ['customfield_10058', 'host->linux', { value: 'Host', child: { value: 'Linux' } }],
    ['customfield_10058', 'Network', { value: 'Network' }],
  ])('%s: %j → %j', (id, input, sent) => {
    expect(typeValue(meta(id), input)).toEqual({ ok: true, value: sent });
  });
});

describe('typeValue: refusals say why', () => {
  it.each<[string, string, RegExp]>([
    ['summary', 'x'.repeat(256), /255/],
    ['priority', 'Urgent', /"Urgent" is not a priority of this site: "Highest", "High", "Low"/],
    ['components', 'Cloud,Network', /"Network" is not a component of the project: "Cloud", "Servers"/],
    ['fixVersions', '1999.1', /not a version/],
    ['labels', ' , ', /empty list/],
    ['assignee', 'Security Analyst', /accountId/],
    ['customfield_10056', 'analyst@example.com', /not a name or e-mail/],
    ['duedate', '30/11/2026', /not a date/],
    ['customfield_10054', '2026-02-30', /not a date/],
    ['customfield_10055', '2026-11-23T10:00:00', /not a date-time/],
    ['customfield_10055', 'yesterday', /not a date-time/],
    ['customfield_10059', 'high', /"high" is not a number/],
    ['customfield_10059', '', /is not a number/],
    ['customfield_10060', 'Ops', /"Ops" is not one of its options: "Platform", "Security"/],
    ['customfield_10057', 'production,prod', /"prod" is not one of its options/],
    ['customfield_10058', 'Network -> Linux', /"Linux" is not a child option of "Network": "Firewall", "VPN"/],
    ['customfield_10058', 'Cloud -> VPN', /not one of its parent options/],
    ['customfield_10058', 'A -> B -> C', /Parent -> Child/],
    ['customfield_10063', '1', /"json".*cannot be set/],
  ])('%s: %j', (id, input, why) => {
    const typed = typeValue(meta(id), input);
    expect(typed.ok).toBe(false);
    expect(!typed.ok && typed.problem).toMatch(why);
  });

  it('without allowedValues (schema from /field only) takes names as given', () => {
    expect(typeValue({ id: 'priority', schema: { type: 'priority' } }, 'Urgent')).toEqual({ ok: true, value: { name: 'Urgent' } });
    expect(typeValue({ id: 'cf', schema: { type: 'option-with-child' } }, 'A -> B')).toEqual({ ok: true, value: { value: 'A', child: { value: 'B' } } });
  });

  it('knows which types it can fill', () => {
    expect(META.filter((m) => !typeable({ id: m.fieldId, schema: m.schema })).map((m) => m.fieldId)).toEqual(['customfield_10063']);
    expect(typeable({ id: 'x', schema: { type: 'sd-customerrequesttype' } })).toBe(false);
  });
});

describe('typeHaloValue: Halo attributes for mapped fields', () => {
  it('types Halo timestamps, booleans and numbers; cuts long text for single-line fields', () => {
    expect(typeHaloValue(meta('customfield_10054'), '2026-11-23T10:11:12.123456Z')).toEqual({ ok: true, value: '2026-11-23' });
    expect(typeHaloValue(meta('customfield_10055'), '2026-11-23T10:11:12.123456Z')).toEqual({ ok: true, value: '2026-11-23T10:11:12.123+0000' });
    expect(typeHaloValue({ id: 'cf', schema: { type: 'option' }, allowedValues: [{ value: 'true' }, { value: 'false' }] }, true)).toEqual({ ok: true, value: { value: 'true' } });
    expect(typeHaloValue(meta('customfield_10059'), 42)).toEqual({ ok: true, value: 42 });
    const cut = typeHaloValue(meta('customfield_10061'), 'y'.repeat(400));
    expect(cut.ok && (cut.value as string).length).toBe(255);
    expect(typeHaloValue(meta('customfield_10059'), true).ok).toBe(false);
    expect(haloText({ a: 1 })).toBe('{"a":1}');
    expect(jiraDateTime(Date.UTC(2026, 10, 23, 1, 2, 3, 4))).toBe('2026-11-23T01:02:03.004+0000');
  });
});

describe('lookupField', () => {
  it('matches an id, then a unique name (exact, then any case); several fields with one name is no match', () => {
    expect(lookupField(FIELDS, 'customfield_10060')).toMatchObject({ ok: true, field: { id: 'customfield_10060' } });
    expect(lookupField(FIELDS, 'risk score')).toMatchObject({ ok: true, field: { id: 'customfield_10059' } });
    const team = lookupField(FIELDS, 'Team');
    expect(team.ok).toBe(false);
    expect(!team.ok && team.candidates.map((c) => c.id)).toEqual(['customfield_10060', 'customfield_10061']);
    expect(lookupField(FIELDS, 'Nope')).toEqual({ ok: false, candidates: [] });
  });
});

describe('resolveFields with createmeta', () => {
  const problemsOf = (env: Record<string, string>): Array<{ variable: string; value?: string; expected: string }> => {
    try {
      resolveFields(config(env), FIELDS, META);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return [...(err as ConfigError).problems];
    }
    throw new Error('expected a ConfigError');
  };

  it('types static values once, at start-up, and fills them into every create', () => {
    const resolved = resolveFields(config({
      JIRA_FIELD_STATIC: 'Priority:High;Components:Cloud;Labels:halo;customfield_10056:5b10ac8d82e05b22cc7d4ef5;Due date:2026-12-01;Risk Area:Network -> VPN;customfield_10060:Platform',
      JIRA_FIELD_MAPPING: 'issue_first_seen_at:Halo First Seen;issue_critical:Risk Score',
    }), FIELDS, META);
    expect(resolved.statics.map((s) => [s.field.id, s.typed])).toEqual([
      ['priority', { name: 'High' }], ['components', [{ name: 'Cloud' }]], ['labels', ['halo']],
      ['customfield_10056', { accountId: '5b10ac8d82e05b22cc7d4ef5' }], ['duedate', '2026-12-01'],
      ['customfield_10058', { value: 'Network', child: { value: 'VPN' } }], ['customfield_10060', { value: 'Platform' }],
    ]);
    const untyped: string[] = [];
    const fields = createFields(config(), resolved, { issue: { id: 'h-1', first_seen_at: '2026-11-01T08:00:00Z', critical: true }, summary: 's', description: { version: 1, type: 'doc', content: [] } },
      (field, attr, problem) => untyped.push(`${attr}→${field.id}: ${problem}`));
    expect(fields).toMatchObject({ priority: { name: 'High' }, customfield_10054: '2026-11-01', customfield_10050: 'h-1', project: { key: 'SEC' } });
    expect(fields).not.toHaveProperty('customfield_10059');
    expect(untyped).toEqual(['critical→customfield_10059: "true" is not a number']);
  });

  it('refuses a name shared by several fields, naming the variable, the field and the candidate ids', () => {
    const [p] = problemsOf({ JIRA_FIELD_STATIC: 'Team:Platform' });
    expect(p).toMatchObject({ variable: 'JIRA_FIELD_STATIC', value: 'Team' });
    expect(p!.expected).toContain('customfield_10060 (select list), customfield_10061 (string)');
    expect(p!.expected).toMatch(/give the id/);
    expect(problemsOf({ JIRA_FIELD_MAPPING: 'issue_name:team' })[0]).toMatchObject({ variable: 'JIRA_FIELD_MAPPING', value: 'team' });
    expect(problemsOf({ JIRA_ISSUE_ID_FIELD: 'Team' })[0]).toMatchObject({ variable: 'JIRA_ISSUE_ID_FIELD' });
  });

  it('refuses values that cannot be typed, every one in one error', () => {
    const problems = problemsOf({ JIRA_FIELD_STATIC: 'Priority:Urgent;Components:Network;Security Owner:Security Analyst;Due date:2026-11-23T10:00:00;Risk Score:high;customfield_10060:Ops' });
    expect(problems.map((p) => p.value)).toEqual([
      'Priority:Urgent', 'Components:Network', 'Security Owner:Security Analyst', 'Due date:2026-11-23T10:00:00', 'Risk Score:high', 'customfield_10060:Ops',
    ]);
    expect(problems.every((p) => p.variable === 'JIRA_FIELD_STATIC')).toBe(true);
    expect(problems[0]!.expected).toMatch(/"Priority" \(priority, priority\).*"Urgent" is not a priority/);
  });

  it('refuses fields off the create screen and mapped fields of a type it cannot fill', () => {
    expect(problemsOf({ JIRA_FIELD_STATIC: 'Off Screen:x' })[0]!.expected).toMatch(/create screen of SEC \/ Bug; "Off Screen" \(customfield_10070\) is not/);
    expect(problemsOf({ JIRA_FIELD_MAPPING: 'issue_name:Sprint' })[0]!.expected).toMatch(/cannot/);
  });

  it('without createmeta still types by the /field schema (no allowedValues, no screen check)', () => {
    const resolved = resolveFields(config({ JIRA_FIELD_STATIC: 'Priority:Urgent;Off Screen:x' }), FIELDS);
    expect(resolved.statics.map((s) => s.typed)).toEqual([{ name: 'Urgent' }, 'x']);
  });
});

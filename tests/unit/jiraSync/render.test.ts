import { fieldValue, haloIdOf, resolveFields } from '../../../functions/jiraSync/fields';
import { loadConfig } from '../../../functions/jiraSync/config';
import { changeMarker, fitToLimit, hasMarker, JIRA_TEXT_LIMIT, renderComment, renderDescription, renderSummary, type AdfDoc, type AdfNode } from '../../../functions/jiraSync/render';
import { ConfigError } from '../../../shared/errors';
import { haloIssue } from './factories';
import { JIRA_FIELDS } from './fakes';

const texts = (doc: AdfDoc): string[] => {
  const out: string[] = [];
  const walk = (n: AdfNode): void => {
    if (n.type === 'text') out.push(n.text!);
    n.content?.forEach(walk);
  };
  doc.content.forEach(walk);
  return out;
};
const everyTextNonEmpty = (doc: AdfDoc): boolean => texts(doc).every((t) => t.length > 0);

describe('rendering', () => {
  it('summary: name with source, type and criticality, one line, ≤ 255 chars', () => {
    expect(renderSummary(haloIssue({ name: 'Ensure SSH root login is disabled', source: 'server_secure', type: 'csm', critical: true }))).toBe(
      'Ensure SSH root login is disabled [Halo server_secure / csm / critical]',
    );
    const long = renderSummary(haloIssue({ name: `x\n${'y'.repeat(400)}` }));
    expect(long.length).toBe(255);
    expect(long).not.toContain('\n');
  });

  it('description: ADF with the issue, asset and finding as JSON code blocks, plus the change marker', () => {
    const issue = haloIssue({ asset_type: 'server' });
    const doc = renderDescription(issue, { asset: { hostname: 'ip-10-0-0-1' }, finding: { id: 'f1', status: 'bad' } });
    expect(doc).toMatchObject({ version: 1, type: 'doc' });
    expect(doc.content.filter((n) => n.type === 'codeBlock')).toHaveLength(3);
    expect(texts(doc)).toEqual(expect.arrayContaining(['Halo issue', 'Asset (server)', 'Latest finding', changeMarker(issue)]));
    expect(everyTextNonEmpty(doc)).toBe(true);
  });

  it('cuts oversized documents under 32,767 serialized characters and says so', () => {
    const issue = haloIssue({ extended_attributes: { blob: 'a"\\'.repeat(30_000) } });
    const doc = renderDescription(issue, { asset: { big: 'z'.repeat(50_000) }, finding: { small: 1 } });
    const size = JSON.stringify(doc).length;
    expect(size).toBeLessThanOrEqual(JIRA_TEXT_LIMIT);
    expect(size).toBeGreaterThan(JIRA_TEXT_LIMIT - 2_000);
    expect(texts(doc).some((t) => /^Truncated: \d+ characters/.test(t))).toBe(true);
    expect(texts(doc)).toContain(changeMarker(issue));
    expect(everyTextNonEmpty(doc)).toBe(true);
  });

  it('leaves documents under the limit untouched', () => {
    const doc = renderDescription(haloIssue(), {});
    expect(fitToLimit(doc)).toBe(doc);
  });

  it('comment: carries the change marker, the finding, and what Halo could not give', () => {
    const issue = haloIssue({ last_seen_at: '2026-11-20T10:00:18.86Z' });
    const doc = renderComment(issue, { finding: { id: 'f9' }, missing: ['asset (deleted in Halo)'] });
    expect(hasMarker(doc, `halo-change:${issue.id}@2026-11-20T10:00:18.86Z`)).toBe(true);
    expect(hasMarker(doc, `halo-change:${issue.id}@2026-11-20T10:00:18.87Z`)).toBe(false);
    expect(texts(doc).join('\n')).toContain('Not available from Halo: asset (deleted in Halo).');
  });
});

describe('Jira fields', () => {
  const base = {
    HALO_API_KEY: 'k', HALO_API_SECRET_KEY: 's', JIRA_API_USER: 'u', JIRA_API_TOKEN: 't', JIRA_API_URL: 'https://x.atlassian.net',
    JIRA_PROJECT_KEY: 'SEC', JIRA_ISSUE_TYPE: 'Bug', ISSUE_CLOSE_TRANSITION: 'Close', ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed',
  };
  it('resolves names and ids (id first, then exact name, then case-insensitive) and uses cf[n] in JQL', () => {
    const byName = resolveFields(loadConfig({ ...base, JIRA_ISSUE_ID_FIELD: 'Halo Issue ID' }), JIRA_FIELDS);
    const byId = resolveFields(loadConfig({ ...base, JIRA_ISSUE_ID_FIELD: 'customfield_10050' }), JIRA_FIELDS);
    const anyCase = resolveFields(loadConfig({ ...base, JIRA_ISSUE_ID_FIELD: 'halo issue id' }), JIRA_FIELDS);
    for (const r of [byName, byId, anyCase]) expect(r.haloId).toMatchObject({ id: 'customfield_10050', jql: 'cf[10050]' });
    expect(resolveFields(loadConfig({ ...base, JIRA_ISSUE_ID_FIELD: 'Environment' }), JIRA_FIELDS).haloId.jql).toBe('environment');
  });

  it('names every unknown field with its variable', () => {
    const config = loadConfig({ ...base, JIRA_ISSUE_ID_FIELD: 'Halo ID', JIRA_FIELD_MAPPING: 'issue_type:Halo Kind', JIRA_FIELD_STATIC: 'customfield_99999:x' });
    let err: unknown;
    try {
      resolveFields(config, JIRA_FIELDS);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => [p.variable, p.value])).toEqual([
      ['JIRA_ISSUE_ID_FIELD', 'Halo ID'],
      ['JIRA_FIELD_MAPPING', 'Halo Kind'],
      ['JIRA_FIELD_STATIC', 'customfield_99999'],
    ]);
  });

  it.each([
    [{ type: 'string' }, true, 'true'],
    [{ type: 'number' }, '7.5', 7.5],
    [{ type: 'option' }, 'csm', { value: 'csm' }],
    [{ type: 'array', items: 'string' }, 'a b,c', ['a_b', 'c']],
    [{ type: 'array', items: 'option' }, 'x,y', [{ value: 'x' }, { value: 'y' }]],
    [{ type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' }, 'hi', { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi' }] }] }],
  ])('shapes a value for schema %j', (schema, value, expected) => {
    expect(fieldValue({ id: 'f', jql: 'f', schema }, value)).toEqual(expected);
  });

  it('reads the Halo id back from a text or ADF field', () => {
    expect(haloIdOf(' abc ')).toBe('abc');
    expect(haloIdOf({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'abc' }] }] })).toBe('abc');
    expect(haloIdOf(null)).toBeUndefined();
  });
});

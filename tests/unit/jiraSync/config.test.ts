import { ConfigError } from '../../../shared/errors';
import { loadConfig } from '../../../functions/jiraSync/config';

const REQUIRED = {
  HALO_API_KEY: 'key',
  HALO_API_SECRET_KEY: 'secret',
  JIRA_API_USER: 'bot@example.com',
  JIRA_API_TOKEN: 'token',
  JIRA_API_URL: 'https://example.atlassian.net/',
  JIRA_ISSUE_ID_FIELD: 'Halo Issue ID',
  JIRA_PROJECT_KEY: 'SEC',
  JIRA_ISSUE_TYPE: 'Bug',
  ISSUE_CLOSE_TRANSITION: 'Close',
  ISSUE_REOPEN_TRANSITION: 'Reopen',
  ISSUE_STATUS_CLOSED: 'Closed',
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('jiraSync config', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(REQUIRED);
    expect(c).toMatchObject({
      haloBaseUrl: 'https://api.cloudpassage.com',
      jiraBaseUrl: 'https://example.atlassian.net',
      timeRangeMinutes: 15,
      checkpointParam: '/CloudPassage-Jira/issues/timestamp',
      syncMax: 2000,
      criticalOnly: false,
      noComment: false,
      noSva: false,
      dryRun: false,
      statusHardClosed: [],
      fieldMapping: [],
      fieldStatic: [],
    });
    expect([...c.excludedSources]).toEqual([]);
  });

  it.each(Object.keys(REQUIRED))('names the missing required variable %s', (name) => {
    const env: Record<string, string> = { ...REQUIRED };
    delete env[name];
    const err = configError(env);
    expect(err.problems.map((p) => p.variable)).toEqual([name]);
    expect(err.message).toContain(`${name} is not set`);
  });

  it('accepts a credential given as <NAME>_SSM_PARAM instead of a value', () => {
    const env: Record<string, string> = { ...REQUIRED, JIRA_API_TOKEN_SSM_PARAM: '/sec/jira-token' };
    delete env.JIRA_API_TOKEN;
    expect(() => loadConfig(env)).not.toThrow();
  });

  it.each([
    ['api.cloudpassage.com', 'https://api.cloudpassage.com'],
    ['api.eu.cloudpassage.com', 'https://api.eu.cloudpassage.com'],
    ['http://127.0.0.1:8081', 'http://127.0.0.1:8081'],
    ['https://halo.internal:8443/', 'https://halo.internal:8443'],
  ])('HALO_API_HOSTNAME=%s → %s', (value, base) => {
    expect(loadConfig({ ...REQUIRED, HALO_API_HOSTNAME: value }).haloBaseUrl).toBe(base);
  });

  it.each([
    ['HALO_API_HOSTNAME', 'not a host!'],
    ['HALO_API_HOSTNAME', 'ftp://api.cloudpassage.com'],
    ['JIRA_API_URL', 'example.atlassian.net'],
    ['TIME_RANGE', 'fifteen'],
    ['TIME_RANGE', '0'],
    ['TIME_RANGE', '-15'],
    ['ISSUE_SYNC_MAX', '2k'],
    ['ISSUE_SYNC_MAX', '-3'],
    ['CRITICAL_ONLY', 'trew'],
    ['NO_COMMENT', 'maybe'],
    ['NO_SVA', '2'],
    ['EXCLUDE_SERVER_SECURE', 'si'],
    ['EXCLUDE_CONTAINER_SECURE', 'yes please'],
    ['EXCLUDE_CLOUD_SECURE', 'Y E S'],
    ['DRY_RUN', 'perhaps'],
    ['JIRA_FIELD_MAPPING', 'issue_critical Halo Critical'],
    ['JIRA_FIELD_MAPPING', 'issue_critical:Halo Critical;;issue_type:Type'],
    ['JIRA_FIELD_MAPPING', 'no_such_attribute:Halo Critical'],
    ['JIRA_FIELD_MAPPING', 'issue_type:'],
    ['JIRA_FIELD_STATIC', 'Environment'],
    ['JIRA_FIELD_STATIC', ':production'],
    ['AWS_SSM_TIMESTAMP_PARAM', 'has spaces in it'],
  ])('rejects %s=%j naming the variable, the value and the expected form', (name, value) => {
    const err = configError({ ...REQUIRED, [name]: value });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ variable: name, value });
    expect(err.problems[0]!.expected.length).toBeGreaterThan(5);
    expect(err.message).toContain(name);
    expect(err.message).toContain(JSON.stringify(value));
  });

  it('reports every bad variable at once', () => {
    const err = configError({ ...REQUIRED, TIME_RANGE: 'x', ISSUE_SYNC_MAX: 'y', NO_SVA: 'z' });
    expect(err.problems.map((p) => p.variable).sort()).toEqual(['ISSUE_SYNC_MAX', 'NO_SVA', 'TIME_RANGE']);
  });

  it.each([
    ['true', true], ['TRUE', true], ['True', true], ['1', true], ['yes', true], ['YES', true],
    ['false', false], ['False', false], ['0', false], ['no', false], ['NO', false],
  ])('booleans accept %s', (value, expected) => {
    const c = loadConfig({ ...REQUIRED, CRITICAL_ONLY: value, NO_COMMENT: value, NO_SVA: value, DRY_RUN: value });
    expect([c.criticalOnly, c.noComment, c.noSva, c.dryRun]).toEqual([expected, expected, expected, expected]);
  });

  it('maps the EXCLUDE_* switches to Halo sources', () => {
    const c = loadConfig({ ...REQUIRED, EXCLUDE_SERVER_SECURE: 'true', EXCLUDE_CLOUD_SECURE: 'yes', EXCLUDE_CONTAINER_SECURE: 'no' });
    expect([...c.excludedSources].sort()).toEqual(['cloud_secure', 'server_secure']);
  });

  it('parses numbers', () => {
    const c = loadConfig({ ...REQUIRED, TIME_RANGE: '60', ISSUE_SYNC_MAX: '500' });
    expect([c.timeRangeMinutes, c.syncMax]).toEqual([60, 500]);
  });

  it('parses STATUS_HARD_CLOSED as a comma list and accepts the old ISSUE_STATUS_HARD_CLOSED', () => {
    expect(loadConfig({ ...REQUIRED, STATUS_HARD_CLOSED: "Won't Fix, Done" }).statusHardClosed).toEqual(["Won't Fix", 'Done']);
    expect(loadConfig({ ...REQUIRED, ISSUE_STATUS_HARD_CLOSED: "Won't Fix" }).statusHardClosed).toEqual(["Won't Fix"]);
    expect(configError({ ...REQUIRED, STATUS_HARD_CLOSED: 'Done,,X' }).problems[0]!.variable).toBe('STATUS_HARD_CLOSED');
  });

  it('parses JIRA_FIELD_MAPPING and JIRA_FIELD_STATIC pairs (trimmed, trailing ; tolerated, colons kept in values)', () => {
    const c = loadConfig({
      ...REQUIRED,
      JIRA_FIELD_MAPPING: 'issue_critical:Halo Critical; issue_type:customfield_10061;',
      JIRA_FIELD_STATIC: 'Environment:production;customfield_10100:https://portal.example.com',
    });
    expect(c.fieldMapping).toEqual([
      { haloAttribute: 'critical', jiraField: 'Halo Critical' },
      { haloAttribute: 'type', jiraField: 'customfield_10061' },
    ]);
    expect(c.fieldStatic).toEqual([
      { jiraField: 'Environment', value: 'production' },
      { jiraField: 'customfield_10100', value: 'https://portal.example.com' },
    ]);
  });

  it('never echoes a credential value', () => {
    const err = configError({ ...REQUIRED, JIRA_API_URL: '' });
    expect(err.message).not.toContain('token');
    expect(err.message).not.toContain('secret');
  });

  describe('https:// outside the local stage', () => {
    it.each([
      ['JIRA_API_URL', 'http://jira.example.com'],
      ['HALO_API_HOSTNAME', 'http://api.cloudpassage.com'],
      ['HALO_API_HOSTNAME', 'http://127.0.0.1:8081'],
    ])('STAGE=prod refuses %s=%s, naming it', (name, value) => {
      const err = configError({ ...REQUIRED, STAGE: 'prod', [name]: value });
      expect(err.problems).toEqual([expect.objectContaining({ variable: name, value })]);
      expect(err.message).toContain('https://');
    });

    it('STAGE=prod accepts https URLs and a bare Halo host name (https implied)', () => {
      const c = loadConfig({ ...REQUIRED, STAGE: 'prod', HALO_API_HOSTNAME: 'api.eu.cloudpassage.com' });
      expect([c.stage, c.haloBaseUrl, c.jiraBaseUrl]).toEqual(['prod', 'https://api.eu.cloudpassage.com', 'https://example.atlassian.net']);
    });

    it('STAGE=local (the default) accepts the stand-ins\' plain http URLs', () => {
      const c = loadConfig({ ...REQUIRED, JIRA_API_URL: 'http://127.0.0.1:8082', HALO_API_HOSTNAME: 'http://127.0.0.1:8081' });
      expect([c.stage, c.haloBaseUrl, c.jiraBaseUrl]).toEqual(['local', 'http://127.0.0.1:8081', 'http://127.0.0.1:8082']);
    });
  });
});

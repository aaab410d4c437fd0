import { loadContract, type Contract, type ContractRequest } from '../../../local/contract';

// Real positive and negative requests against the committed subsets of the official documents
// (local/contracts/*.subset.json): these run in every clone.

function request(method: string, path: string, body?: unknown, query: ContractRequest['query'] = {}): ContractRequest {
  return { method, path, query, headers: { 'content-type': 'application/json' }, body };
}

describe('Jira Cloud platform v3 contract (OpenAPI 3.0)', () => {
  let jira: Contract;
  beforeAll(() => {
    jira = loadContract('jira')!;
  });

  it('is loaded once and cached', () => {
    expect(loadContract('jira')).toBe(jira);
    expect(jira.name).toBe('jira');
    expect(jira.operationCount).toBeGreaterThanOrEqual(20);
  });

  describe('bulk create (POST /rest/api/3/issue/bulk)', () => {
    it('accepts a realistic payload and routes the literal path before /issue/{issueIdOrKey}', () => {
      const r = jira.validateRequest(
        request('POST', '/rest/api/3/issue/bulk', {
          issueUpdates: [{ fields: { project: { key: 'SEC' }, issuetype: { name: 'Bug' }, summary: 'Halo: sshd root login', labels: ['halo'] } }],
        }),
      );
      expect(r).toMatchObject({ ok: true, operationId: 'createIssues', pathTemplate: '/rest/api/3/issue/bulk' });
    });

    it('rejects an issue update whose fields is not an object, naming the place', () => {
      const r = jira.validateRequest(request('POST', '/rest/api/3/issue/bulk', { issueUpdates: [{ fields: 'summary' }] }));
      expect(r).toMatchObject({ ok: false, status: 400, operationId: 'createIssues' });
      expect(!r.ok && r.errors).toContain('body/issueUpdates/0/fields: must be object');
    });

    it('rejects a missing body (requestBody.required)', () => {
      const r = jira.validateRequest(request('POST', '/rest/api/3/issue/bulk'));
      expect(!r.ok && r.errors).toEqual(['body: request body is required']);
    });

    it('lets a body without issueUpdates through: the official schema does not require it (the stand-in must)', () => {
      expect(jira.validateRequest(request('POST', '/rest/api/3/issue/bulk', {})).ok).toBe(true);
      expect(jira.validateRequest(request('POST', '/rest/api/3/issue/bulk', { issueUpdates: {} })).ok).toBe(false);
    });
  });

  describe('search (GET /rest/api/3/search/jql)', () => {
    it('accepts jql with typed paging and fields as a comma list or repeated keys', () => {
      for (const fields of ['summary,status,labels', ['summary', 'status']]) {
        const r = jira.validateRequest(request('GET', '/rest/api/3/search/jql', undefined, { jql: 'project = SEC', maxResults: '100', fields }));
        expect(r).toMatchObject({ ok: true, operationId: 'searchAndReconsileIssuesUsingJql' });
      }
    });

    it('treats jql as optional, as the document does (real Jira rejects unbounded queries itself)', () => {
      expect(jira.validateRequest(request('GET', '/rest/api/3/search/jql')).ok).toBe(true);
    });

    it('rejects a non-integer maxResults, a non-boolean failFast and non-id reconcileIssues', () => {
      const r = jira.validateRequest(request('GET', '/rest/api/3/search/jql', undefined, { jql: 'x = 1', maxResults: 'lots' }));
      expect(!r.ok && r.errors).toEqual(['query/maxResults: must be integer']);
      const r2 = jira.validateRequest(request('GET', '/rest/api/3/search/jql', undefined, { jql: 'x = 1', failFast: 'yes' }));
      expect(!r2.ok && r2.errors).toEqual(['query/failFast: must be boolean']);
      const ids = { jql: 'x = 1', reconcileIssues: '10001,10002' };
      expect(jira.validateRequest(request('GET', '/rest/api/3/search/jql', undefined, ids)).ok).toBe(true);
      const r3 = jira.validateRequest(request('GET', '/rest/api/3/search/jql', undefined, { ...ids, reconcileIssues: '10001,SEC-2' }));
      expect(!r3.ok && r3.errors).toEqual(['query/reconcileIssues/1: must be integer']);
    });
  });

  it('checks required query arrays of integers (comma list) and reports each bad item', () => {
    const path = '/rest/api/3/workflowscheme/project';
    expect(jira.validateRequest(request('GET', path, undefined, { projectId: '10000,10001' })).ok).toBe(true);
    const missing = jira.validateRequest(request('GET', path));
    expect(!missing.ok && missing.errors).toEqual(['query/projectId: required query parameter is missing']);
    const bad = jira.validateRequest(request('GET', path, undefined, { projectId: ['10000', 'SEC'] }));
    expect(!bad.ok && bad.errors).toEqual(['query/projectId/1: must be integer']);
  });

  it('extracts and decodes path params', () => {
    const r = jira.validateRequest(request('GET', '/rest/api/3/issue/SEC-42'));
    expect(r).toMatchObject({ ok: true, operationId: 'getIssue', pathTemplate: '/rest/api/3/issue/{issueIdOrKey}', pathParams: { issueIdOrKey: 'SEC-42' } });
    const t = jira.validateRequest(request('GET', '/rest/api/3/issue/SEC%2D7/transitions'));
    expect(t.ok && t.pathParams).toEqual({ issueIdOrKey: 'SEC-7' });
  });

  it('validates a transition body', () => {
    const path = '/rest/api/3/issue/SEC-1/transitions';
    expect(jira.validateRequest(request('POST', path, { transition: { id: '31' } })).ok).toBe(true);
    const r = jira.validateRequest(request('POST', path, { transition: 31 }));
    expect(!r.ok && r.errors).toContain('body/transition: must be object');
  });

  it('answers 405 for a known path with a wrong method and 404 for an unknown path', () => {
    const r = jira.validateRequest(request('PATCH', '/rest/api/3/issue/SEC-1'));
    expect(r).toMatchObject({ ok: false, status: 405, pathTemplate: '/rest/api/3/issue/{issueIdOrKey}' });
    expect(jira.validateRequest(request('GET', '/rest/api/3/no-such-thing'))).toMatchObject({ ok: false, status: 404 });
    expect(jira.validateRequest(request('GET', '/rest/api/2/issue/SEC-1'))).toMatchObject({ ok: false, status: 404 });
  });

  it('refuses an operation of the real API that the project does not list, saying how to add it', () => {
    const deleteIssue = jira.validateRequest(request('DELETE', '/rest/api/3/issue/SEC-1'));
    expect(deleteIssue).toMatchObject({ ok: false, status: 405, pathTemplate: '/rest/api/3/issue/{issueIdOrKey}' });
    expect(!deleteIssue.ok && deleteIssue.errors[0]).toMatch(/allowed: GET, PUT\).*local\/contracts\/operations\.json.*npm run contracts/);
    const dashboards = jira.validateRequest(request('GET', '/rest/api/3/dashboard'));
    expect(dashboards).toMatchObject({ ok: false, status: 404 });
    expect(!dashboards.ok && dashboards.errors[0]).toContain('local/contracts/operations.json');
  });

  it('validates deprecated operations normally and flags them', () => {
    expect(jira.validateRequest(request('GET', '/rest/api/3/workflow/search', undefined, { expand: 'transitions,statuses' }))).toMatchObject({
      ok: true,
      operationId: 'getWorkflowsPaginated',
      deprecated: true,
    });
    const r = jira.validateRequest(request('GET', '/rest/api/3/workflow/search', undefined, { startAt: 'first' }));
    expect(r).toMatchObject({ ok: false, status: 400 });
    expect(jira.validateRequest(request('GET', '/rest/api/3/search/jql'))).toMatchObject({ ok: true, deprecated: false });
  });
});

describe('Port API contract (OpenAPI 3.1)', () => {
  let port: Contract;
  beforeAll(() => {
    port = loadContract('port')!;
  });

  it('accepts valid credentials and rejects an extra property (additionalProperties: false)', () => {
    const ok = port.validateRequest(request('POST', '/v1/auth/access_token', { clientId: 'id', clientSecret: 'secret' }));
    expect(ok).toMatchObject({ ok: true, operationId: 'POST /v1/auth/access_token', pathTemplate: '/v1/auth/access_token' });
    const extra = port.validateRequest(request('POST', '/v1/auth/access_token', { clientId: 'id', clientSecret: 'secret', scope: 'all' }));
    expect(!extra.ok && extra.errors).toEqual(["body: must NOT have additional properties 'scope'"]);
    const missing = port.validateRequest(request('POST', '/v1/auth/access_token', { clientId: 'id' }));
    expect(!missing.ok && missing.errors).toEqual(["body: must have required property 'clientSecret'"]);
  });

  it('requires a blueprint title', () => {
    const blueprint = { identifier: 'haloIssue', title: 'Halo issue', schema: { properties: { severity: { type: 'string', title: 'Severity' } }, required: [] } };
    expect(port.validateRequest(request('POST', '/v1/blueprints', blueprint)).ok).toBe(true);
    const { title: _omitted, ...untitled } = blueprint;
    const r = port.validateRequest(request('POST', '/v1/blueprints', untitled));
    expect(r).toMatchObject({ ok: false, status: 400, pathTemplate: '/v1/blueprints' });
    expect(!r.ok && r.errors).toEqual(["body: must have required property 'title'"]);
  });

  it('rejects an unknown top-level key on PATCH /v1/webhooks/{identifier}', () => {
    const path = '/v1/webhooks/aws-events';
    const ok = port.validateRequest(request('PATCH', path, { title: 'AWS events', enabled: true }));
    expect(ok).toMatchObject({ ok: true, pathParams: { identifier: 'aws-events' } });
    const r = port.validateRequest(request('PATCH', path, { title: 'AWS events', mapping: [] }));
    expect(!r.ok && r.errors).toEqual(["body: must NOT have additional properties 'mapping'"]);
  });

  it('checks required boolean query params (entity upsert)', () => {
    const path = '/v1/blueprints/haloIssue/entities';
    const entity = { identifier: 'issue-1', title: 'Issue 1', properties: {} };
    expect(port.validateRequest(request('POST', path, entity, { upsert: 'true', merge: 'true' })).ok).toBe(true);
    const missing = port.validateRequest(request('POST', path, entity));
    expect(!missing.ok && missing.errors).toEqual(['query/upsert: required query parameter is missing']);
    const bad = port.validateRequest(request('POST', path, entity, { upsert: 'yes' }));
    expect(!bad.ok && bad.errors).toEqual(['query/upsert: must be boolean']);
  });

  it('answers 405 and 404 for the wrong method and an unknown path', () => {
    expect(port.validateRequest(request('PUT', '/v1/auth/access_token', {}))).toMatchObject({ ok: false, status: 405 });
    expect(port.validateRequest(request('GET', '/v2/blueprints'))).toMatchObject({ ok: false, status: 404 });
  });
});

import { startPortStub, type PortStub } from '../../../local/port';

/** The Port API stand-in refuses what Port's contract (local/contracts/port.subset.json) refuses, in every clone. */
describe('Port stand-in: API requests checked against the contract', () => {
  let port: PortStub;
  let token: string;

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: { ok?: boolean; error?: string; message?: string } }> => {
    const res = await fetch(`${port.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { ok?: boolean; error?: string; message?: string } };
  };

  beforeAll(async () => {
    port = await startPortStub();
    const auth = await call('POST', '/v1/auth/access_token', port.credentials);
    token = (auth.body as { accessToken: string }).accessToken;
  });
  beforeEach(() => port.reset());
  afterAll(() => port.stop());

  it('answers a well-formed conversation without recording a violation', async () => {
    const created = await call('POST', '/v1/blueprints', { identifier: 'thing', title: 'Thing', schema: { properties: { state: { type: 'string' } }, required: [] } });
    expect(created.status).toBe(201);
    expect((await call('PATCH', '/v1/blueprints/thing', { title: 'Thing (renamed)' })).status).toBe(200);
    expect((await call('GET', '/v1/blueprints/thing')).status).toBe(200);
    expect((await call('POST', '/v1/webhooks', { identifier: 'aws-events', title: 'AWS events', enabled: true })).status).toBe(200);
    expect(port.contractViolations).toEqual([]);
  });

  it('refuses a blueprint without a title with 422 and records the violation; nothing is created', async () => {
    const res = await call('POST', '/v1/blueprints', { identifier: 'untitled', schema: { properties: {}, required: [] } });
    expect(res).toEqual({ status: 422, body: { ok: false, error: 'invalid_request', message: "body: must have required property 'title'" } });
    expect(port.contractViolations).toEqual([{ method: 'POST', path: '/v1/blueprints', errors: ["body: must have required property 'title'"] }]);
    expect(port.blueprint('untitled')).toBeUndefined();
  });

  it('refuses credentials with an extra property (additionalProperties: false)', async () => {
    const res = await call('POST', '/v1/auth/access_token', { ...port.credentials, scope: 'all' });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe("body: must NOT have additional properties 'scope'");
    expect(port.contractViolations).toHaveLength(1);
  });

  it('refuses a call of the real API that the project does not list (not in local/contracts/operations.json)', async () => {
    const res = await call('GET', '/v1/blueprints/thing/scorecards');
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('local/contracts/operations.json');
    expect(port.contractViolations).toMatchObject([{ method: 'GET', path: '/v1/blueprints/thing/scorecards' }]);
  });
});

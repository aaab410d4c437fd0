import { runInstall } from '../../../port/installer/cli';
import { EXIT } from '../../../shared/cli';
import { install } from '../../../port/installer/install';
import { SIGNATURE, signatureOf } from '../../../shared/webhook-signature';
import { startPortStub, type PortStub } from '../../../local/port';
import { startMoto, type Moto } from '../../../local/aws/moto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SecretStore } from '../../../port/installer/ssm';

/**
 * The installer CLI against the Port stand-in (API validated against Port's contract subset,
 * local/contracts/port.subset.json) and moto's SSM.
 */
jest.setTimeout(60_000);

describe('port:install against the Port stand-in', () => {
  let port: PortStub;
  let env: NodeJS.ProcessEnv;
  let moto: Moto;
  let ssm: SSMClient;
  const savedEnv = { ...process.env };
  const stored = async (name: string) => (await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter;

  beforeAll(async () => {
    moto = await startMoto();
    // The installer's SSM client uses the standard AWS chain: point it at moto.
    Object.assign(process.env, moto.env);
    ssm = new SSMClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });
  afterAll(async () => {
    ssm?.destroy();
    await moto?.stop();
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  });
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runInstall(['--port-base-url', port.apiUrl, ...args], { env, out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeEach(async () => {
    port = await startPortStub();
    env = { PORT_CLIENT_ID: port.credentials.clientId, PORT_CLIENT_SECRET: port.credentials.clientSecret };
  });
  afterEach(async () => {
    await port.stop();
  });

  it('first run creates everything; a second run reports unchanged and sends no writes; all requests match the contract', async () => {
    const first = await run('--port-only', '--event-sources', 'aws.ec2,aws.s3');
    expect(first.err).toBe('');
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toMatch(/ec2Instance: created/);
    expect(port.blueprint('ec2Instance')).toBeDefined();
    const hook = port.webhook('aws_ingest');
    expect(hook?.mappings.length).toBeGreaterThan(5);
    expect(hook?.security).toMatchObject({ requestIdentifierPath: '.body.id', signatureHeaderName: 'X-Hub-Signature-256', signatureAlgorithm: 'sha256', signaturePrefix: 'sha256=' });
    // The signing secret and the ingest URL are SSM SecureStrings; Port verifies with the same secret.
    const secret = await stored('/halo-jira-port/dev/port-webhook-secret');
    expect(secret?.Type).toBe('SecureString');
    expect(secret?.Value).toBe(hook?.security.secret);
    expect((secret?.Value ?? '').length).toBeGreaterThanOrEqual(40);
    expect(await stored('/halo-jira-port/dev/port-webhook-url')).toMatchObject({ Type: 'SecureString', Value: hook?.url });
    expect(first.out).not.toContain(secret?.Value);
    // portResync's Port client credentials, next to them, under the names serverless.yml reads by default.
    expect(await stored('/halo-jira-port/dev/port-client-id')).toMatchObject({ Type: 'SecureString', Value: port.credentials.clientId });
    expect(await stored('/halo-jira-port/dev/port-client-secret')).toMatchObject({ Type: 'SecureString', Value: port.credentials.clientSecret });
    expect(first.out).toContain('/halo-jira-port/dev/port-client-secret');
    expect(first.out).not.toContain(port.credentials.clientSecret);
    const writesAfterFirst = port.writes();
    expect(writesAfterFirst).toBe(11); // 10 blueprints + 1 webhook

    const second = await run('--port-only', '--event-sources', 'aws.ec2,aws.s3');
    expect(second.code).toBe(EXIT.ok);
    expect(second.out).not.toMatch(/created|updated \(/);
    expect(second.out).toMatch(/no writes/);
    expect(port.writes()).toBe(writesAfterFirst);
    expect(port.contractViolations).toEqual([]);
  });

  it('updates the webhook mappings when the event sources change', async () => {
    await run('--port-only', '--event-sources', 'aws.ec2');
    const before = port.webhook('aws_ingest')?.mappings.length ?? 0;
    const res = await run('--port-only', '--event-sources', 'aws.ec2,aws.lambda');
    expect(res.out).toMatch(/aws_ingest: updated/);
    expect(port.webhook('aws_ingest')?.mappings.length).toBeGreaterThan(before);
  });

  it('--dry-run sends no request at all and needs no credentials', async () => {
    env = {};
    const res = await run('--dry-run');
    expect(res.code).toBe(EXIT.ok);
    expect(res.out).toMatch(/Dry run/);
    expect(port.requests.entries).toHaveLength(0);
    expect(port.received).toHaveLength(0);
  });

  it('--webhook-url-param / --webhook-secret-param take an SSM parameter path; anything else is a usage error, nothing sent', async () => {
    // Without credentials a dry run reads nothing from Port (with them it reads the blueprints to show the merge).
    env = {};
    const plan = await run('--dry-run', '--stage', 'prod', '--webhook-url-param', '/team/port/url', '--webhook-secret-param', '/team/port/secret');
    expect(plan.code).toBe(EXIT.ok);
    expect(plan.out).toContain('PORT_WEBHOOK_URL_SSM_PARAM=/team/port/url PORT_WEBHOOK_SECRET_SSM_PARAM=/team/port/secret PORT_CLIENT_ID_SSM_PARAM=/halo-jira-port/prod/port-client-id');
    const bad = await run('--dry-run', '--webhook-url-param', 'port-webhook-url');
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/--webhook-url-param.*expected an SSM parameter name with its path/);
    expect(port.requests.entries).toHaveLength(0);
  });

  it('--port-only prints a deploy command naming the SSM parameters only; the stored URL accepts signed events', async () => {
    const res = await run('--port-only', '--event-sources', 'aws.ec2', '--stage', 'prod', '--aws-region', 'eu-west-1', '--webhook-url-param', '/team/port/url', '--client-secret-param', '/team/port/client-secret');
    const hook = port.webhook('aws_ingest');
    const line = res.out.split('\n').find((l) => l.includes('sls deploy')) ?? '';
    expect(line).toBe(
      'PORT_WEBHOOK_URL_SSM_PARAM=/team/port/url PORT_WEBHOOK_SECRET_SSM_PARAM=/halo-jira-port/prod/port-webhook-secret PORT_CLIENT_ID_SSM_PARAM=/halo-jira-port/prod/port-client-id PORT_CLIENT_SECRET_SSM_PARAM=/team/port/client-secret EVENT_SOURCES=aws.ec2 FUNCTIONS=-jiraSync npx sls deploy --stage prod --region eu-west-1',
    );
    expect((await stored('/team/port/client-secret'))?.Value).toBe(port.credentials.clientSecret);
    expect(res.out).not.toContain(port.credentials.clientSecret);
    // No Jira settings in this environment: the stack is deployed without jiraSync.
    expect(res.out).toMatch(/jiraSync is not deployed: JIRA_API_URL, .* not set/);
    expect(res.out).not.toContain(hook?.webhookKey);
    const url = (await stored('/team/port/url'))?.Value ?? '';
    const secret = (await stored('/halo-jira-port/prod/port-webhook-secret'))?.Value ?? '';
    const body = JSON.stringify({ id: 'x', items: [] });
    const post = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({ [SIGNATURE.headerName]: signatureOf(body, secret) })).status).toBe(202);
    expect((await post({})).status).toBe(401);
  });

  it('resolves each --webhook form: identifier, full ingest URL, partial …/webhooks/<id> URL', async () => {
    const existing = port.createWebhook({ identifier: 'team_hook', title: 'Team hook', enabled: true });
    await run('--port-only', '--webhook', 'my_hook', '--event-sources', 'aws.ec2');
    expect(port.webhook('my_hook')?.mappings.length).toBeGreaterThan(0);
    const byUrl = await run('--port-only', '--webhook', existing.url, '--event-sources', 'aws.ec2');
    expect(byUrl.code).toBe(EXIT.ok);
    expect(port.webhook('team_hook')?.mappings.length).toBeGreaterThan(0);
    expect(port.webhook('team_hook')?.url).toBe(existing.url);
    const partial = await run('--port-only', '--webhook', 'https://app.port.io/settings/data-sources/webhooks/partial_hook?tab=mapping', '--event-sources', 'aws.ec2');
    expect(partial.code).toBe(EXIT.ok);
    expect(port.webhook('partial_hook')).toBeDefined();
    const unknownKey = await run('--port-only', '--webhook', `${port.ingestBaseUrl}/NoSuchKey0123456789`);
    expect(unknownKey.code).toBe(EXIT.usage);
    expect(unknownKey.err).not.toContain('NoSuchKey0123456789');
  });

  it('a wrong secret gives a clear error naming the call, Port’s message and the fix, with exit code 3', async () => {
    env = { ...env, PORT_CLIENT_SECRET: 'wrong' };
    const res = await run('--port-only');
    expect(res.code).toBe(EXIT.auth);
    expect(res.err).toMatch(/POST \/v1\/auth\/access_token failed \(401\)/);
    expect(res.err).toMatch(/Invalid client id or client secret/);
    expect(res.err).toMatch(/PORT_CLIENT_ID \/ PORT_CLIENT_SECRET/);
    expect(res.err).not.toContain('wrong');
  });

  it('missing credentials are a usage error naming the variables; --env-file supplies them', async () => {
    env = {};
    const res = await run('--port-only');
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toMatch(/PORT_CLIENT_ID is not set/);
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'port-env-')), '.env');
    fs.writeFileSync(file, `# Port\nPORT_CLIENT_ID="${port.credentials.clientId}"\nPORT_CLIENT_SECRET='${port.credentials.clientSecret}'\n`);
    expect((await run('--port-only', '--env-file', file)).code).toBe(EXIT.ok);
  });

  it('a failed sls deploy after Port is set up exits 5 (partial) and says how to finish', async () => {
    const err: string[] = [];
    const code = await runInstall(['--port-base-url', port.apiUrl, '--event-sources', 'aws.ec2'], { env, out: () => undefined, err: (s) => err.push(s) }, { deploy: () => 7 });
    expect(code).toBe(EXIT.partial);
    expect(err.join('\n')).toMatch(/sls deploy exited with 7: Port is set up/);
    expect(port.webhook('aws_ingest')?.mappings.length).toBeGreaterThan(0);
  });

  it('honours Port 429 through the shared retry policy', async () => {
    port.apiFaults.failNext(2, 429, { retryAfterSec: 0, match: 'GET /v1/blueprints/{identifier}', headers: { 'x-ratelimit-remaining': '0' } });
    const res = await run('--port-only', '--event-sources', 'aws.ec2');
    expect(res.code).toBe(EXIT.ok);
    expect(port.requests.count('GET /v1/blueprints/{identifier}', 429)).toBe(2);
    expect(res.out).toMatch(/retrying/);
  });

  it('updates an existing integration record and skips a missing one', async () => {
    port.integrations.set('aws-serverless', { installationId: 'aws-serverless', installationAppType: 'aws-serverless', version: '0.0.1' });
    const res = await run('--port-only', '--integration-id', 'aws-serverless', '--event-sources', 'aws.ec2');
    expect(res.out).toMatch(/aws-serverless: updated/);
    expect(port.integrations.get('aws-serverless')?.version).toBe('0.1.0');
    const again = await run('--port-only', '--integration-id', 'aws-serverless', '--event-sources', 'aws.ec2');
    expect(again.out).toMatch(/aws-serverless: unchanged/);
    const missing = await run('--port-only', '--integration-id', 'nope', '--event-sources', 'aws.ec2');
    expect(missing.out).toMatch(/"nope" not found: skipped/);
  });

  it('without --port-only runs sls deploy naming the SSM parameters it wrote; a re-run keeps the secret', async () => {
    const calls: Array<{ env: Record<string, string>; args: string[] }> = [];
    const lines: string[] = [];
    const kept = new Map<string, string>();
    const secrets: SecretStore = { get: async (n) => kept.get(n), putSecure: async (n, v) => void kept.set(n, v) };
    const once = () => install({
      clientId: port.credentials.clientId, clientSecret: port.credentials.clientSecret, portBaseUrl: port.apiUrl,
      eventSources: ['aws.ec2', 'aws.s3'], stage: 'dev', portOnly: false, dryRun: false, out: (l) => lines.push(l), secrets,
      deploy: (cmd) => {
        calls.push({ env: cmd.env, args: cmd.args });
        return 0;
      },
    });
    const result = await once();
    const env = {
      PORT_WEBHOOK_URL_SSM_PARAM: '/halo-jira-port/dev/port-webhook-url',
      PORT_WEBHOOK_SECRET_SSM_PARAM: '/halo-jira-port/dev/port-webhook-secret',
      PORT_CLIENT_ID_SSM_PARAM: '/halo-jira-port/dev/port-client-id',
      PORT_CLIENT_SECRET_SSM_PARAM: '/halo-jira-port/dev/port-client-secret',
      EVENT_SOURCES: 'aws.ec2,aws.s3',
      FUNCTIONS: '-jiraSync',
    };
    expect(calls).toEqual([{ env, args: ['sls', 'deploy', '--stage', 'dev'] }]);
    expect(kept.get('/halo-jira-port/dev/port-webhook-url')).toBe(port.webhook('aws_ingest')?.url);
    const secret = kept.get('/halo-jira-port/dev/port-webhook-secret');
    expect(port.webhook('aws_ingest')?.security.secret).toBe(secret);
    await once();
    expect(kept.get('/halo-jira-port/dev/port-webhook-secret')).toBe(secret);
    expect(lines.join('\n')).not.toContain(secret);
    expect(kept.get('/halo-jira-port/dev/port-client-secret')).toBe(port.credentials.clientSecret);
    expect(lines.join('\n')).not.toContain(port.credentials.clientSecret);
    expect(result.deployExitCode).toBe(0);
    expect(lines.join('\n')).not.toContain(port.webhook('aws_ingest')?.webhookKey);
  });

  it('an existing shared blueprint is merged: its title and properties stay, ours are added; --dry-run shows the merge first', async () => {
    port.addBlueprints([{ identifier: 'ec2Instance', title: 'EC2 (Ocean)', schema: { properties: { instanceType: { type: 'string' }, state: { type: 'string' } } }, relations: {} }]);
    const dry = await run('--dry-run', '--event-sources', 'aws.ec2');
    expect(dry.code).toBe(EXIT.ok);
    expect(dry.out).toMatch(/ec2Instance: add properties\.arn, properties\.region, properties\.stateChangedAt, relations\.account \(everything else kept\)/);
    expect(port.writes()).toBe(0);

    const real = await run('--port-only', '--event-sources', 'aws.ec2');
    expect(real.code).toBe(EXIT.ok);
    const bp = port.blueprint('ec2Instance');
    expect(bp?.title).toBe('EC2 (Ocean)');
    expect(Object.keys(bp?.schema.properties ?? {}).sort()).toEqual(['arn', 'instanceType', 'region', 'state', 'stateChangedAt']);
    expect(Object.keys(bp?.relations ?? {})).toEqual(['account']);
    expect(port.contractViolations).toEqual([]);
  });

  it('an existing property of another type stops the run before any write, naming the property and both types', async () => {
    port.addBlueprints([{ identifier: 's3Bucket', title: 'S3', schema: { properties: { tags: { type: 'array' } } }, relations: {} }]);
    const res = await run('--port-only', '--event-sources', 'aws.s3');
    expect(res.code).toBe(EXIT.partial);
    expect(res.err).toMatch(/s3Bucket\.properties\.tags: Port has array, this installer needs object/);
    expect(port.writes()).toBe(0);
    expect(port.blueprint('s3Bucket')?.schema.properties).toEqual({ tags: { type: 'array' } });
  });
});

import { runInstall } from '../../../port/installer/cli';
import { EXIT } from '../../../shared/cli';
import { install } from '../../../port/installer/install';
import { startPortStub, type PortStub } from '../../../local/port';

/** The installer CLI against the Port stand-in (API validated against Port's contract subset, local/contracts/port.subset.json). */

describe('port:install against the Port stand-in', () => {
  let port: PortStub;
  let env: NodeJS.ProcessEnv;
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
    expect(hook?.security.requestIdentifierPath).toBe('.body.id');
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

  it('--port-only prints a deploy command whose URL is the ingest URL Port returned, and that URL accepts events', async () => {
    const res = await run('--port-only', '--event-sources', 'aws.ec2', '--stage', 'prod', '--aws-region', 'eu-west-1');
    const hook = port.webhook('aws_ingest');
    const line = res.out.split('\n').find((l) => l.includes('sls deploy')) ?? '';
    expect(line).toBe(`PORT_WEBHOOK_URL=${hook?.url} EVENT_SOURCES=aws.ec2 npx sls deploy --stage prod --region eu-west-1`);
    // Everywhere else the key is masked.
    expect(res.out.split('\n').filter((l) => l !== line).join('\n')).not.toContain(hook?.webhookKey);
    const sent = await fetch(hook?.url ?? '', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'x', items: [] }) });
    expect(sent.status).toBe(202);
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

  it('without --port-only runs sls deploy with PORT_WEBHOOK_URL and EVENT_SOURCES in its environment', async () => {
    const calls: Array<{ env: Record<string, string>; args: string[] }> = [];
    const lines: string[] = [];
    const result = await install({
      clientId: port.credentials.clientId, clientSecret: port.credentials.clientSecret, portBaseUrl: port.apiUrl,
      eventSources: ['aws.ec2', 'aws.s3'], stage: 'dev', portOnly: false, dryRun: false, out: (l) => lines.push(l),
      deploy: (cmd) => (calls.push({ env: cmd.env, args: cmd.args }), 0),
    });
    expect(calls).toEqual([{ env: { PORT_WEBHOOK_URL: port.webhook('aws_ingest')?.url, EVENT_SOURCES: 'aws.ec2,aws.s3' }, args: ['sls', 'deploy', '--stage', 'dev'] }]);
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

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runInstall } from '../../../port/installer/cli';
import { EXIT } from '../../../shared/cli';
import { startPortStub, type PortStub } from '../../../local/port';
import { startMoto, type Moto } from '../../../local/aws/moto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SIGNATURE, signatureOf } from '../../../shared/webhook-signature';

/**
 * End to end on the Port side: the installer sets up the stand-in (and stores the ingest URL and
 * signing secret in moto's SSM), then wire-format bodies, signed as the forwarder signs them, go to
 * that ingest URL; entities appear, change and disappear.
 */
jest.setTimeout(60_000);
const SAMPLES = path.resolve(__dirname, '../../../port/samples');
const sample = (name: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(SAMPLES, `${name}.json`), 'utf8')) as Record<string, unknown>;

/** The wire format: id = hex SHA-256 of the items' ids joined with ','. */
function wireBody(items: Array<Record<string, unknown>>, ids = items.map((i) => String(i.id ?? i.identifier))): unknown {
  return { id: crypto.createHash('sha256').update(ids.join(',')).digest('hex'), source: 'halo-jira-port/portForwarder', items };
}

describe('installer → Port stand-in → ingest of wire-format bodies', () => {
  let port: PortStub;
  let moto: Moto;
  let ingestUrl: string;
  let secret: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [port, moto] = await Promise.all([startPortStub(), startMoto()]);
    Object.assign(process.env, moto.env);
    const out: string[] = [];
    const code = await runInstall(['--port-base-url', port.apiUrl, '--port-only'], { env: { PORT_CLIENT_ID: port.credentials.clientId, PORT_CLIENT_SECRET: port.credentials.clientSecret }, out: (s) => out.push(s), err: () => undefined });
    expect(code).toBe(EXIT.ok);
    const ssm = new SSMClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const read = async (name: string) => (await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value ?? '';
    ingestUrl = await read(/PORT_WEBHOOK_URL_SSM_PARAM=(\S+)/.exec(out.join('\n'))?.[1] ?? '');
    secret = await read(/PORT_WEBHOOK_SECRET_SSM_PARAM=(\S+)/.exec(out.join('\n'))?.[1] ?? '');
    ssm.destroy();
  });
  afterAll(async () => {
    await Promise.all([port?.stop(), moto?.stop()]);
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  });

  const send = async (body: unknown): Promise<number> => {
    const text = JSON.stringify(body);
    const res = await fetch(ingestUrl, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE.headerName]: signatureOf(text, secret) }, body: text });
    await port.idle();
    return res.status;
  };
  const lastProcessed = () => port.processed[port.processed.length - 1];

  it('stored the ingest URL of the webhook it created, and the secret Port verifies with', () => {
    expect(ingestUrl).toBe(port.webhook('aws_ingest')?.url);
    expect(secret).toBe(port.webhook('aws_ingest')?.security.secret);
  });

  it('the Port stand-in refuses an unsigned request once the webhook has a secret', async () => {
    const res = await fetch(ingestUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(wireBody([sample('aws.ec2/running')])) });
    expect(res.status).toBe(401);
    expect(port.received.at(-1)?.status).toBe(401);
  });

  it.each([
    ['aws.ec2', ['running', 'stopped'], 'terminated-delete', 'ec2Instance', 'i-0abcd1234ef567890', { state: 'stopped' }],
    ['aws.s3', ['create-bucket', 'put-bucket-tagging'], 'delete-bucket', 's3Bucket', 'acme-audit-logs', { creationDate: '2026-11-20T10:15:30Z', tags: { team: 'security', env: 'prod' } }],
    ['aws.rds', ['create-db-instance', 'add-tags', 'db-instance-event'], 'delete-db-instance', 'rdsDbInstance', 'arn:aws:rds:us-east-1:123456789012:db:orders-db', { engine: 'postgres', tags: {}, lastEventId: 'RDS-EVENT-0002' }],
    ['aws.sqs', ['create-queue', 'set-queue-attributes', 'tag-queue'], 'delete-queue', 'sqsQueue', 'arn:aws:sqs:us-east-1:123456789012:orders-events', { attributes: { VisibilityTimeout: '60', MessageRetentionPeriod: '345600' }, tags: { team: 'orders' } }],
    ['aws.ecs', ['task-running'], 'task-stopped-delete', 'ecsTask', 'arn:aws:ecs:us-east-1:123456789012:task/prod/0b69d5c0d0b34f7e9b0e7d8e3c1a2b3c', { lastStatus: 'RUNNING' }],
    ['aws.eks', ['create-cluster'], 'delete-cluster', 'eksCluster', 'arn:aws:eks:us-east-1:123456789012:cluster/platform', { status: 'CREATING' }],
    ['aws.lambda', ['create-function', 'update-function-configuration', 'tag-resource'], 'delete-function', 'lambdaFunction', 'arn:aws:lambda:us-east-1:123456789012:function:orders-handler', { memorySize: 512, tags: { team: 'orders' } }],
    // Partial tag/attribute events (add-tags, tag-queue, set-queue-attributes, tag-resource) leave those maps to the resync.
  ])('%s: upserts merge into one entity, then the delete event removes it', async (source, upserts, deletion, blueprint, identifier, merged) => {
    for (const name of upserts) {
      expect(await send(wireBody([sample(`${source}/${name}`)]))).toBe(202);
      expect(lastProcessed()?.writeFailures).toEqual([]);
      expect(lastProcessed()?.mappingFailures).toEqual([]);
    }
    const entity = port.entity(blueprint, identifier);
    expect(entity?.properties).toMatchObject(merged);
    expect(entity?.relations).toMatchObject({ account: '123456789012' });
    expect(port.entity('awsAccount', '123456789012')).toBeDefined();
    expect(await send(wireBody([sample(`${source}/${deletion}`)]))).toBe(202);
    expect(port.entity(blueprint, identifier)).toBeUndefined();
  });

  it('failed calls (errorCode) write nothing', async () => {
    const failed = fs.readdirSync(SAMPLES).flatMap((d) => fs.readdirSync(path.join(SAMPLES, d)).filter((f) => f.includes('failed')).map((f) => sample(`${d}/${f.slice(0, -5)}`)));
    expect(failed.length).toBeGreaterThanOrEqual(5);
    port.reset();
    expect(await send(wireBody(failed))).toBe(202);
    expect(lastProcessed()?.changes).toEqual([]);
    expect(port.entities()).toEqual([]);
  });

  it('a mixed batch applies in item order; a redelivered identical batch is not processed twice', async () => {
    const entity = sample('entities/ec2-instance');
    const batch = wireBody([sample('aws.ecs/service-action'), entity, sample('entities/ec2-instance-delete'), sample('aws.ecs/container-instance-state-change')], ['e1', 'm2', 'm3', 'e4']);
    expect(await send(batch)).toBe(202);
    expect(port.entity('ec2Instance', 'i-0feedfacecafe0001')).toBeUndefined();
    expect(port.entity('ecsService', 'arn:aws:ecs:us-east-1:123456789012:service/prod/web')?.relations).toEqual({ account: '123456789012', cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' });
    expect(await send(wireBody([entity], ['m2']))).toBe(202);
    expect(port.entity('ec2Instance', 'i-0feedfacecafe0001')?.title).toBe('bastion');
    expect(await send(batch)).toBe(202);
    expect(lastProcessed()?.duplicate).toBe(true);
    expect(port.entity('ec2Instance', 'i-0feedfacecafe0001')).toBeDefined();
  });
});

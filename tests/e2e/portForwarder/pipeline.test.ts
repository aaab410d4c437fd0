import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startMoto, type Moto } from '../../../local/aws/moto';
import { deployLocalStack, renderResources } from '../../../local/aws/stack';
import { freePort, waitForPort } from '../../../local/ports';
import { startPortStub, type PortStub } from '../../../local/port';
import { receiveAll, sqsClient } from '../../integration/portForwarder/harness';
import { ROOT } from './sls';

/**
 * The whole path: PutEvents on moto's default bus → the project's own rule (deployed into moto's
 * CloudFormation as a resources-only stack by local/aws/stack.ts) → queue → serverless-offline(-sqs) → Port stand-in.
 */
jest.setTimeout(300_000);

let moto: Moto;
let port: PortStub;
let sqs: SQSClient;
let offline: ChildProcess | undefined;
let offlineLog = '';
const REGION = 'eu-west-1';

/** The stack's own queues, policies and rule (resources/, as `npm start` deploys them); its outputs. */
async function deployResources(): Promise<Record<string, string>> {
  const stack = await deployLocalStack(moto.aws, { resources: await renderResources() });
  return stack.outputs;
}

async function startOffline(env: Record<string, string>): Promise<void> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  offline = spawn(path.join(ROOT, 'node_modules', '.bin', 'sls'), ['offline', 'start', '--stage', 'local'], {
    cwd: ROOT,
    detached: true, // its own process group, stopped as a whole below
    env: { ...process.env, ...moto.env, ...env, OFFLINE_HTTP_PORT: String(httpPort), OFFLINE_LAMBDA_PORT: String(lambdaPort), NODE_NO_WARNINGS: '1' },
  });
  offline.stdout?.on('data', (d: Buffer) => (offlineLog = (offlineLog + d.toString()).slice(-20_000)));
  offline.stderr?.on('data', (d: Buffer) => (offlineLog = (offlineLog + d.toString()).slice(-20_000)));
  await waitForPort(lambdaPort, 90_000);
}

async function stopOffline(): Promise<void> {
  const child = offline;
  if (!child?.pid || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
    setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 5000).unref();
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n--- offline log ---\n${offlineLog.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  [moto, port] = await Promise.all([startMoto(REGION), startPortStub()]);
  sqs = sqsClient(moto);
});

afterAll(async () => {
  await stopOffline();
  sqs?.destroy();
  await Promise.all([port?.stop(), moto?.stop()]);
});

const entry = (source: string, detailType: string, detail: Record<string, unknown>): PutEventsRequestEntry => ({
  Source: source,
  DetailType: detailType,
  Detail: JSON.stringify(detail),
  Resources: [],
  EventBusName: 'default',
});
const cloudTrail = (source: string, eventSource: string, eventName: string, extra: Record<string, unknown> = {}) =>
  entry(source, 'AWS API Call via CloudTrail', { eventSource, eventName, awsRegion: REGION, ...extra });

it('delivers exactly the events the generated rule matches, and dead-letters a malformed message with its reason', async () => {
  const outputs = await deployResources();
  expect(outputs.DeadLetterQueueUrl).toMatch(/halo-jira-port-local-events-dlq$/);
  const webhook = port.createWebhook({ identifier: 'aws-events' });
  // The stack's own DLQ URL (moto reports an sqs.<region>.amazonaws.com host: the client must not follow it).
  await startOffline({ PORT_WEBHOOK_URL: webhook.url, DEAD_LETTER_QUEUE_URL: outputs.DeadLetterQueueUrl as string });

  const matching = [
    ...[1, 2, 3].map((i) => entry('aws.ec2', 'EC2 Instance State-change Notification', { 'instance-id': `i-${i}`, state: 'running' })),
    cloudTrail('aws.s3', 's3.amazonaws.com', 'CreateBucket', { requestParameters: { bucketName: 'b-1' } }),
    cloudTrail('aws.s3', 's3.amazonaws.com', 'PutBucketTagging', { requestParameters: { bucketName: 'b-2' } }),
    entry('aws.ecs', 'ECS Task State Change', { taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/t-1', lastStatus: 'RUNNING' }),
    cloudTrail('aws.lambda', 'lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', { requestParameters: { functionName: 'f-1' } }),
    entry('aws.rds', 'RDS DB Instance Event', { SourceIdentifier: 'db-1', EventID: 'RDS-EVENT-0088' }),
  ];
  const ignored = [
    entry('aws.ec2', 'EC2 Spot Instance Interruption Warning', { 'instance-id': 'i-9' }),
    cloudTrail('aws.s3', 's3.amazonaws.com', 'CreateBucket', { errorCode: 'AccessDenied', requestParameters: { bucketName: 'denied' } }),
    cloudTrail('aws.s3', 's3.amazonaws.com', 'GetObject', { requestParameters: { bucketName: 'b-1' } }),
    entry('aws.iam', 'AWS API Call via CloudTrail', { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }),
  ];
  const events = new EventBridgeClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  try {
    const all = [...matching, ...ignored];
    for (let i = 0; i < all.length; i += 10) {
      const put = await events.send(new PutEventsCommand({ Entries: all.slice(i, i + 10) })); // API limit: 10 per call
      expect(put.FailedEntryCount ?? 0).toBe(0);
    }
  } finally {
    events.destroy();
  }
  await sqs.send(new SendMessageCommand({ QueueUrl: outputs.EventsQueueUrl?.replace(/^https:\/\/sqs\.[^/]+/, moto.endpoint), MessageBody: 'this is not an event' }));

  type Item = { id: string; source: string; 'detail-type': string; detail: Record<string, unknown>; account: string; region: string };
  const received = () => port.received.filter((r) => r.status === 202).flatMap((r) => (r.body as { items: Item[] }).items);
  const items = await until('every matching event at Port', () => {
    const got = received();
    return new Set(got.map((i) => i.id)).size >= matching.length ? got : undefined;
  });
  const letters = await until('the malformed message in the DLQ', async () => {
    const l = await receiveAll(sqs, (outputs.DeadLetterQueueUrl as string).replace(/^https:\/\/sqs\.[^/]+/, moto.endpoint));
    return l.length > 0 ? l : undefined;
  });
  await new Promise((r) => setTimeout(r, 3000)); // anything wrongly matched would have arrived by now

  const unique = [...new Map(received().map((i) => [i.id, i])).values()];
  const shape = (source: string, detailType: string, detail: string) => ({ source, detailType, detail: JSON.parse(detail) });
  expect(unique.map((i) => shape(i.source, i['detail-type'], JSON.stringify(i.detail))).sort(byJson)).toEqual(
    matching.map((e) => shape(e.Source as string, e.DetailType as string, e.Detail as string)).sort(byJson),
  );
  // moto leaves `account` out of a rule target's event; deployLocalStack gives the target AWS's full envelope back.
  for (const i of items) expect(i).toMatchObject({ region: REGION, account: '123456789012', id: expect.any(String), time: expect.any(String) });
  expect(letters.map((l) => [l.Body, l.MessageAttributes?.errorClass?.StringValue])).toEqual([['this is not an event', 'InvalidJson']]);
  expect(letters[0]!.MessageAttributes?.reason?.StringValue).toMatch(/^body is not JSON/);
  expect(offlineLog).not.toContain(webhook.webhookKey);
});

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}

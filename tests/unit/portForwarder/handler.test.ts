import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GetParametersCommandOutput } from '@aws-sdk/client-ssm';
import { clearCache } from '@middy/util';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ec2Event, sqsRecord } from './factories';

/** Handler wiring: where the webhook URL comes from, and config errors at cold start. */
type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

let server: http.Server;
let base: string;
const paths: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    req.resume().on('end', () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  clearCache();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const ENV_KEYS = ['PORT_WEBHOOK_URL', 'PORT_WEBHOOK_URL_SSM_PARAM', 'DEAD_LETTER_QUEUE_URL', 'FORWARDER_CONCURRENCY'];
beforeEach(() => {
  for (const k of ENV_KEYS) delete process.env[k];
  paths.length = 0;
  clearCache();
});

/** A fresh module registry = a cold start; SSM is mocked inside it, where the handler loads it. */
function coldStart(env: Record<string, string>, ssmAnswer?: Partial<GetParametersCommandOutput>) {
  Object.assign(process.env, env);
  let handler: Handler | undefined;
  let ssm: AwsStub<object, GetParametersCommandOutput, unknown> | undefined;
  jest.isolateModules(() => {
    const sdk = require('@aws-sdk/client-ssm');
    ssm = mockClient(sdk.SSMClient);
    ssm.on(sdk.GetParametersCommand).resolves(ssmAnswer ?? {});
    handler = require('../../../functions/portForwarder/handler').handler;
  });
  return { handler: handler as Handler, ssm: ssm as AwsStub<object, GetParametersCommandOutput, unknown> };
}

// A new object per invocation: @middy/ssm writes the fetched value onto the context.
const context = (): Context => ({ functionName: 'halo-jira-port-test-portForwarder', awsRequestId: 'r', getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;

it('reads the webhook URL from SSM when PORT_WEBHOOK_URL_SSM_PARAM is set', async () => {
  const { handler, ssm } = coldStart(
    { PORT_WEBHOOK_URL_SSM_PARAM: '/halo-jira-port/test/port-webhook-url', DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/1/dlq' },
    { Parameters: [{ Name: '/halo-jira-port/test/port-webhook-url', Value: `${base}/keyFromSsm123` }], InvalidParameters: [] },
  );
  const res = await handler({ Records: [sqsRecord(ec2Event())] }, context());
  expect(res).toEqual({ batchItemFailures: [] });
  expect(paths).toEqual(['/keyFromSsm123']);
  expect(ssm.calls()).toHaveLength(1);
  expect(ssm.calls()[0]!.args[0].input).toMatchObject({ Names: ['/halo-jira-port/test/port-webhook-url'], WithDecryption: true });
});

it('uses a plain PORT_WEBHOOK_URL without touching SSM', async () => {
  const { handler, ssm } = coldStart({ PORT_WEBHOOK_URL: `${base}/plainKey12345`, DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/1/dlq' });
  await handler({ Records: [sqsRecord(ec2Event())] }, context());
  expect(paths).toEqual(['/plainKey12345']);
  expect(ssm.calls()).toHaveLength(0);
});

it('fails the invocation (records stay on the queue) with a ConfigError naming the variable', async () => {
  const { handler } = coldStart({ DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/1/dlq', FORWARDER_CONCURRENCY: 'lots' });
  await expect(handler({ Records: [sqsRecord(ec2Event())] }, context())).rejects.toThrow(/PORT_WEBHOOK_URL is not set[\s\S]*FORWARDER_CONCURRENCY="lots"/);
  expect(paths).toEqual([]);
});

import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type Moto } from '../../../local/aws/moto';
import { startPortStub, type PortStub } from '../../../local/port';
import { ec2Event, sqsRecord } from '../../unit/portForwarder/factories';
import { coldStart, lambdaContext } from './harness';

/**
 * The real handler, its webhook URL an SSM SecureString in moto: a rotated URL is picked up on the
 * first invocation after SSM_SECRETS_REFRESH_SECONDS, through the same secrets middleware as in AWS.
 * The refresh arms no timer: jest would report the open handle, and `sls invoke local` would hang.
 */
jest.setTimeout(60_000);

const PARAM = '/halo-jira-port/test/port-webhook-url';
let moto: Moto;
let port: PortStub;
let ssm: SSMClient;

beforeAll(async () => {
  [moto, port] = await Promise.all([startMoto(), startPortStub()]);
  ssm = new SSMClient({ endpoint: moto.endpoint, region: moto.env.AWS_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  Object.assign(process.env, moto.env);
});

afterAll(async () => {
  ssm?.destroy();
  await Promise.all([port?.stop(), moto?.stop()]);
});

const putUrl = (url: string) => ssm.send(new PutParameterCommand({ Name: PARAM, Value: url, Type: 'SecureString', Overwrite: true }));
const keysPosted = () => port.received.filter((r) => r.status === 202).map((r) => r.key);

it('posts to the rotated webhook on the first invocation after the refresh interval', async () => {
  const [before, after] = [port.createWebhook({ identifier: 'before-rotation' }), port.createWebhook({ identifier: 'after-rotation' })];
  await putUrl(before.url);
  const handler = coldStart({ PORT_WEBHOOK_URL_SSM_PARAM: PARAM, PORT_WEBHOOK_URL: '', DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/123456789012/unused', SSM_SECRETS_REFRESH_SECONDS: '2' });

  await handler({ Records: [sqsRecord(ec2Event())] }, lambdaContext(10_000));
  await putUrl(after.url);
  await handler({ Records: [sqsRecord(ec2Event())] }, lambdaContext(10_000)); // within the interval: the old URL
  await new Promise((r) => setTimeout(r, 2_100));
  await handler({ Records: [sqsRecord(ec2Event())] }, lambdaContext(10_000));

  expect(keysPosted()).toEqual([before.webhookKey, before.webhookKey, after.webhookKey]);
});

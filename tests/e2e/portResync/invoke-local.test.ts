import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_ACCOUNT, startMoto, type Moto } from '../../../local/aws/moto';
import { seedInventory, terminateInstances, type Seeded } from '../../../local/aws/inventory';
import { startPortStub, type PortStub } from '../../../local/port';
import { PortApiClient } from '../../../functions/portResync/clients/port-api';
import { NO_DEADLINE } from '../../../shared/http/retry';
import { invokeResult, sls } from '../portForwarder/sls';

/**
 * `sls invoke local --stage local -f portResync` against moto (resources of all seven kinds created
 * with the AWS SDK) and the Port stand-in (every request validated against Port's OpenAPI document).
 */
jest.setTimeout(600_000);
const REGION = 'eu-west-1';
const OTHER = '999999999999';

let moto: Moto;
let port: PortStub;
let seeded: Seeded;

beforeAll(async () => {
  [moto, port] = await Promise.all([startMoto(REGION), startPortStub({ blueprints: true })]);
  seeded = await seedInventory(moto.aws, { ec2: 2, s3: 2, rds: 1, sqs: 2, ecs: 1, eks: 1, lambda: 2 });
  // Another account's entities in the same region and blueprints: never this resync's to delete.
  const other = new PortApiClient({ baseUrl: port.apiUrl, ...port.credentials, timeoutMs: 5000 });
  await other.upsert('ec2Instance', [{ blueprint: 'ec2Instance', identifier: 'i-0ther0000000000001', title: 'i-0ther0000000000001', properties: { region: REGION, state: 'running' }, relations: { account: OTHER } }], NO_DEADLINE);
  await other.upsert('sqsQueue', [{ blueprint: 'sqsQueue', identifier: `arn:aws:sqs:${REGION}:${OTHER}:theirs`, title: 'theirs', properties: { region: REGION }, relations: { account: OTHER } }], NO_DEADLINE);
  other.close();
});

afterAll(async () => {
  await Promise.all([port?.stop(), moto?.stop()]);
});

const invoke = () =>
  sls(['invoke', 'local', '--stage', 'local', '-f', 'portResync', '--data', '{}'], {
    ...moto.env,
    PORT_API_URL: port.apiUrl,
    PORT_CLIENT_ID: port.credentials.clientId,
    PORT_CLIENT_SECRET: port.credentials.clientSecret,
  }, 300_000);

const catalog = () => port.entities().map((e) => `${e.blueprint} ${e.identifier}`).sort();
const writes = () => port.requests.entries.filter((e) => /entities\/bulk$|bulk\/entities\/delete$/.test(e.route)).map((e) => e.route);

it('first resync: the Port catalog holds exactly the account’s resources (plus the other account’s)', async () => {
  const run = await invoke();
  expect(run.code).toBe(0);
  const result = invokeResult(run.stdout) as Record<string, unknown>;
  expect(result).toMatchObject({ complete: true, created: 12, updated: 0, deleted: 0, failed: 0 });
  const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${MOTO_ACCOUNT}:${rest}`;
  expect(catalog()).toEqual(
    [
      `awsAccount ${MOTO_ACCOUNT}`,
      ...seeded.ec2.map((id) => `ec2Instance ${id}`),
      'ec2Instance i-0ther0000000000001',
      ...seeded.s3.map((b) => `s3Bucket ${b}`),
      ...seeded.rds.map((id) => `rdsDbInstance ${arn('rds', `db:${id}`)}`),
      ...seeded.sqs.map((u) => `sqsQueue ${arn('sqs', u.split('/').pop() as string)}`),
      `sqsQueue arn:aws:sqs:${REGION}:${OTHER}:theirs`,
      ...seeded.ecsClusters.map((c) => `ecsCluster ${c}`),
      ...seeded.ecsClusters.map((c) => `ecsService ${c.replace(':cluster/', ':service/')}/web`),
      ...seeded.eks.map((n) => `eksCluster ${arn('eks', `cluster/${n}`)}`),
      ...seeded.lambda.map((n) => `lambdaFunction ${arn('lambda', `function:${n}`)}`),
    ].sort(),
  );
  const db = port.entity('rdsDbInstance', arn('rds', `db:${seeded.rds[0]}`));
  expect(db).toMatchObject({ title: seeded.rds[0], properties: { region: REGION, engine: 'postgres', allocatedStorage: 20, tags: { team: 'data' } }, relations: { account: MOTO_ACCOUNT } });
  expect(port.entity('s3Bucket', seeded.s3[0] as string)?.properties).toMatchObject({ region: REGION, tags: { team: 'platform' } });
  expect(port.contractViolations).toEqual([]);
});

it('a resync with nothing changed writes nothing', async () => {
  port.requests.clear();
  const run = await invoke();
  expect(invokeResult(run.stdout)).toMatchObject({ complete: true, created: 0, updated: 0, deleted: 0, unchanged: 12 });
  expect(writes()).toEqual([]);
});

it('delete two resources, create one → two deletions, one creation, nothing else written', async () => {
  const sqs = new SQSClient(moto.aws.client);
  await sqs.send(new DeleteQueueCommand({ QueueUrl: seeded.sqs[0] }));
  sqs.destroy();
  await terminateInstances(moto.aws, [seeded.ec2[0] as string]);
  const added = await seedInventory(moto.aws, { lambda: 1 }, 'later');
  port.requests.clear();

  const run = await invoke();

  expect(invokeResult(run.stdout)).toMatchObject({ complete: true, created: 1, updated: 0, deleted: 2, unchanged: 10 });
  expect(writes().sort()).toEqual(['POST /v1/blueprints/{identifier}/bulk/entities/delete', 'POST /v1/blueprints/{identifier}/bulk/entities/delete', 'POST /v1/blueprints/{identifier}/entities/bulk'].sort());
  expect(port.entity('ec2Instance', seeded.ec2[0] as string)).toBeUndefined();
  expect(port.entity('sqsQueue', `arn:aws:sqs:${REGION}:${MOTO_ACCOUNT}:${seeded.sqs[0]?.split('/').pop()}`)).toBeUndefined();
  expect(port.entity('lambdaFunction', `arn:aws:lambda:${REGION}:${MOTO_ACCOUNT}:function:${added.lambda[0]}`)).toBeDefined();
  // The other account's entities survive every delete pass.
  expect(port.entity('ec2Instance', 'i-0ther0000000000001')).toBeDefined();
  expect(port.entity('sqsQueue', `arn:aws:sqs:${REGION}:${OTHER}:theirs`)).toBeDefined();
  expect(port.contractViolations).toEqual([]);
});

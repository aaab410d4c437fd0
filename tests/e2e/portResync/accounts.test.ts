import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { asAccount, createMemberAccounts } from '../../../local/aws/accounts';
import { seedInventory, type Seeded } from '../../../local/aws/inventory';
import { MOTO_ACCOUNT, startMoto, type Moto } from '../../../local/aws/moto';
import { startStsRefusal, type StsRefusal } from '../../../local/aws/sts-refusal';
import type { AwsTarget } from '../../../local/aws/target';
import { startPortStub, type PortStub } from '../../../local/port';
import { PortApiClient } from '../../../functions/portResync/clients/port-api';
import type { PortEntity } from '../../../port/mappings/definitions';
import { NO_DEADLINE } from '../../../shared/http/retry';
import { invokeResult, sls } from '../portForwarder/sls';

/**
 * `sls invoke local -f portResync --stage local` across an organisation in moto: the hub (moto's
 * own account) and two members, RESYNC_ACCOUNTS=organization (Organizations ListAccounts). The
 * function assumes each member's spoke role with the external id and lists it with those
 * credentials. moto grants every AssumeRole, so a refusal comes from local/aws/sts-refusal.ts, a
 * fault-injecting STS endpoint in front of moto (AWS_ENDPOINT_URL_STS) that answers AccessDenied
 * for the accounts it is told to refuse.
 */
jest.setTimeout(600_000);
const REGION = 'eu-west-1';

let moto: Moto;
let port: PortStub;
let sts: StsRefusal;
let alpha: AwsTarget;
let beta: AwsTarget;
const seeded: Record<string, Seeded> = {};

const queueArn = (account: string, name: string) => `arn:aws:sqs:${REGION}:${account}:${name}`;
const staleQueue = (account: string, name: string): PortEntity => ({ blueprint: 'sqsQueue', identifier: queueArn(account, name), title: name, properties: { region: REGION }, relations: { account } });

async function putInPort(...entities: PortEntity[]): Promise<void> {
  const api = new PortApiClient({ baseUrl: port.apiUrl, ...port.credentials, timeoutMs: 5000 });
  await api.upsert('sqsQueue', entities, NO_DEADLINE);
  api.close();
}

beforeAll(async () => {
  [moto, port] = await Promise.all([startMoto(REGION), startPortStub({ blueprints: true })]);
  sts = await startStsRefusal(moto.endpoint);
  const [a, b] = await createMemberAccounts(moto.aws, ['alpha', 'beta']);
  [alpha, beta] = await Promise.all([asAccount(moto.aws, a!), asAccount(moto.aws, b!)]);
  seeded[alpha.account] = await seedInventory(alpha, { ec2: 1, s3: 1, sqs: 2, lambda: 1 }, 'alpha');
  seeded[beta.account] = await seedInventory(beta, { ec2: 1, s3: 1, sqs: 2, lambda: 1 }, 'beta');
  // Entities of both members that no longer exist in AWS.
  await putInPort(staleQueue(alpha.account, 'alpha-gone'), staleQueue(beta.account, 'beta-gone'));
});

afterAll(async () => {
  await Promise.all([port?.stop(), moto?.stop(), sts?.stop()]);
});

const invoke = () =>
  sls(['invoke', 'local', '--stage', 'local', '-f', 'portResync', '--data', '{}'], {
    ...moto.env,
    AWS_ENDPOINT_URL_STS: sts.url,
    PORT_API_URL: port.apiUrl,
    PORT_CLIENT_ID: port.credentials.clientId,
    PORT_CLIENT_SECRET: port.credentials.clientSecret,
    RESYNC_ACCOUNTS: 'organization',
    RESYNC_EXTERNAL_ID: 'e2e-external-id',
    EVENT_SOURCES: 'aws.ec2,aws.s3,aws.sqs,aws.lambda',
  }, 300_000);

/** `blueprint identifier` of the entities Port holds for one account. */
const catalogOf = (account: string) =>
  port
    .entities()
    .filter((e) => (e.blueprint === 'awsAccount' ? e.identifier === account : e.relations?.account === account))
    .map((e) => `${e.blueprint} ${e.identifier}`)
    .sort();

/** What Port should hold for a member's seeded resources. */
const expectedOf = (account: string, s: Seeded) =>
  [
    `awsAccount ${account}`,
    ...s.ec2.map((id) => `ec2Instance ${id}`),
    ...s.s3.map((b) => `s3Bucket ${b}`),
    ...s.sqs.map((u) => `sqsQueue ${queueArn(account, u.split('/').pop() as string)}`),
    ...s.lambda.map((n) => `lambdaFunction arn:aws:lambda:${REGION}:${account}:function:${n}`),
  ].sort();

type Report = { account: string; outcome: string; created: number; deleted: number; failure?: { kind: string; code?: string } };

it('two member accounts: assumes both spoke roles (with the external id), syncs both, deletes each one’s stale entities', async () => {
  const run = await invoke();
  expect(run.code).toBe(0);
  const result = invokeResult(run.stdout) as { complete: boolean; targetsFailed: number; targets: Report[] };
  expect(result).toMatchObject({ complete: true, targetsFailed: 0 });
  expect(result.targets.map((t) => `${t.account} ${t.outcome}`).sort()).toEqual([MOTO_ACCOUNT, alpha.account, beta.account].map((a) => `${a} resynced`).sort());
  expect(sts.seen.sort()).toEqual([`${alpha.account} forwarded`, `${beta.account} forwarded`].sort());
  for (const member of [alpha, beta]) expect(catalogOf(member.account)).toEqual(expectedOf(member.account, seeded[member.account]!));
  // Each entity carries the account it was listed in, and its region.
  const queue = port.entity('sqsQueue', queueArn(beta.account, 'beta-queue-0'));
  expect(queue).toMatchObject({ properties: { region: REGION }, relations: { account: beta.account } });
  expect(port.contractViolations).toEqual([]);
});

it('AssumeRole refused for one account: nothing of it is deleted, it is reported, the other account is synced', async () => {
  // In both members a queue disappears, and Port gets one more stale entity of each.
  for (const member of [alpha, beta]) {
    const sqs = new SQSClient(member.client);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: seeded[member.account]!.sqs[0] }));
    sqs.destroy();
  }
  await putInPort(staleQueue(alpha.account, 'alpha-stale'), staleQueue(beta.account, 'beta-stale'));
  const betaBefore = catalogOf(beta.account);
  sts.refused.add(beta.account);
  sts.seen.length = 0;

  const run = await invoke();

  expect(run.code).toBe(0);
  const result = invokeResult(run.stdout) as { targetsFailed: number; deleted: number; targets: Report[] };
  const byAccount = Object.fromEntries(result.targets.map((t) => [t.account, t]));
  expect(byAccount[beta.account]).toMatchObject({ outcome: 'failed', deleted: 0, failure: { kind: 'assume-refused', code: 'AccessDenied' } });
  expect(byAccount[alpha.account]).toMatchObject({ outcome: 'resynced', deleted: 2 });
  expect(result).toMatchObject({ targetsFailed: 1, deleted: 2 });
  expect(sts.seen.sort()).toEqual([`${alpha.account} forwarded`, `${beta.account} refused`].sort());
  // beta: every entity survives, the stale ones included.
  expect(catalogOf(beta.account)).toEqual(betaBefore);
  expect(catalogOf(beta.account)).toContain(`sqsQueue ${queueArn(beta.account, 'beta-stale')}`);
  // alpha: synced as usual.
  const alphaNow = { ...seeded[alpha.account]!, sqs: seeded[alpha.account]!.sqs.slice(1) };
  expect(catalogOf(alpha.account)).toEqual(expectedOf(alpha.account, alphaNow));
  expect(port.contractViolations).toEqual([]);
});

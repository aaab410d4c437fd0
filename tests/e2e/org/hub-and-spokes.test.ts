import { CloudFormationClient, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  EnableAWSServiceAccessCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startMoto, MOTO_ACCOUNT, type Moto } from '../../../local/aws/moto';
import { deployLocalStack, renderResources, type LocalStack } from '../../../local/aws/stack';
import { runOrgInstall } from '../../../ops/org/command';
import { STACKSETS_PRINCIPAL } from '../../../ops/org/plan';
import { assumeSpokeRole, forEachTarget, resolveTargets } from '../../../shared/aws/accounts';

/**
 * One hub and two member accounts in moto (multi-account: credentials from STS AssumeRole into
 * another account's role make moto answer as that account — docs/organization.md "Locally").
 * The hub stack is the service's own resources/ with ORG_ID; `npm run org:install --apply` creates
 * the service-managed StackSet and its instances; events put on a member's default bus reach the
 * hub's events queue; the resync account iteration reaches both members with their own credentials.
 */
jest.setTimeout(240_000);
const REGION = 'eu-west-1';

describe('organisation: hub + spokes in moto', () => {
  let moto: Moto;
  let hub: LocalStack;
  let orgId = '';
  let ou = '';
  const members: string[] = [];
  const base = () => ({ region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

  /** Client config for a member account: moto answers as the account of the assumed role. */
  async function asAccount(account: string) {
    const sts = new STSClient(base());
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'e2e' }));
    sts.destroy();
    return { region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken } };
  }

  beforeAll(async () => {
    moto = await startMoto(REGION);
    const organizations = new OrganizationsClient(base());
    orgId = (await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
    const root = (await organizations.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    ou = (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: 'workloads' }))).OrganizationalUnit!.Id!;
    for (const name of ['alpha', 'beta']) {
      const id = (await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
      await organizations.send(new MoveAccountCommand({ AccountId: id, SourceParentId: root, DestinationParentId: ou }));
      members.push(id);
    }
    organizations.destroy();
    const resources = await renderResources({ env: { ORG_ID: orgId } });
    hub = await deployLocalStack(moto.aws, { resources, stage: 'orge2e' });
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('the hub stack has the organisation bus, its rule to the events queue, and the default-bus rule', async () => {
    expect(hub.outputs.OrgEventBusArn).toBe(`arn:aws:events:${REGION}:${MOTO_ACCOUNT}:event-bus/halo-jira-port-orge2e-org`);
    const events = new EventBridgeClient(base());
    const { Rules = [] } = await events.send(new ListRulesCommand({ EventBusName: 'halo-jira-port-orge2e-org' }));
    expect(Rules.map((r) => r.Name)).toEqual(['halo-jira-port-orge2e-org-aws-events']);
    const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: Rules[0]!.Name!, EventBusName: 'halo-jira-port-orge2e-org' }));
    expect(Targets.map((t) => t.Arn)).toEqual([hub.events.arn]);
    expect(hub.rules.map((r) => r.logicalId).sort()).toEqual(['EventsRule', 'OrgEventsRule']);
    events.destroy();
  });

  it('org:install: dry run names the missing trusted access and changes nothing; --apply then creates the StackSet in every member × region; a re-run changes nothing', async () => {
    const organizations = new OrganizationsClient(base());
    const cloudformation = new CloudFormationClient(base());
    const sts = new STSClient(base());
    const clients = { organizations, cloudformation, sts };
    const lines: string[] = [];
    const io = { env: { ORG_EXTERNAL_ID: 'e2e-external-id', AWS_REGION: REGION }, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const args = ['--stage', 'orge2e', '--regions', REGION, '--ous', ou, '--hub-resync-role-arn', `arn:aws:iam::${MOTO_ACCOUNT}:role/resync`, '--poll-seconds', '1'];
    const deploy = jest.fn(() => 0);

    expect(await runOrgInstall(args, io, { clients, deploy })).toBe(1);
    expect(lines.join('\n')).toContain('trusted access between CloudFormation StackSets and Organizations is off');
    expect(lines.join('\n')).not.toContain('e2e-external-id');

    await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: STACKSETS_PRINCIPAL }));
    lines.length = 0;
    const code = await runOrgInstall([...args, '--apply'], io, { clients, deploy, sleep: async () => undefined });
    expect({ code, out: lines.join('\n') }).toEqual({ code: 0, out: expect.stringContaining('Done.') });
    expect(deploy).not.toHaveBeenCalled(); // no --deploy-hub: the hub command is printed
    expect(lines.join('\n')).toContain(`ORG_ID=${orgId} npx sls deploy --stage orge2e --region ${REGION}`);
    expect(lines.join('\n')).not.toContain('e2e-external-id');
    const { Summaries = [] } = await cloudformation.send(new ListStackInstancesCommand({ StackSetName: 'halo-jira-port-orge2e-spoke' }));
    expect(Summaries.map((s) => `${s.Account}/${s.Region}`).sort()).toEqual(members.map((m) => `${m}/${REGION}`).sort());

    lines.length = 0;
    expect(await runOrgInstall([...args, '--apply'], io, { clients, deploy })).toBe(0);
    expect(lines.join('\n')).toContain('StackSet halo-jira-port-orge2e-spoke: unchanged');
    expect(lines.join('\n')).toContain('instances: none to add (2 existing)');
    [organizations, cloudformation, sts].forEach((c) => { c.destroy(); });
  });

  it("events on each member's default bus reach the hub's events queue through the StackSet's spoke rules", async () => {
    const sent: unknown[] = [];
    for (const [n, account] of members.entries()) {
      const events = new EventBridgeClient(await asAccount(account));
      const { Rules = [] } = await events.send(new ListRulesCommand({ EventBusName: 'default' }));
      expect(Rules.length).toBe(7); // one per source of port/sources.json, once (the re-run added none)
      const targets = (await Promise.all(Rules.map((r) => events.send(new ListTargetsByRuleCommand({ Rule: r.Name! }))))).flatMap((t) => t.Targets ?? []);
      expect(new Set(targets.map((t) => t.Arn))).toEqual(new Set([hub.outputs.OrgEventBusArn]));
      expect(targets.every((t) => t.RoleArn?.startsWith(`arn:aws:iam::${account}:role/`) && t.DeadLetterConfig?.Arn?.startsWith(`arn:aws:sqs:${REGION}:${account}:`))).toBe(true);

      const detail = { 'instance-id': `i-0spoke000000000${n}`, state: 'running' };
      const put = await events.send(new PutEventsCommand({ Entries: [{ Source: 'aws.ec2', DetailType: 'EC2 Instance State-change Notification', Detail: JSON.stringify(detail) }] }));
      expect(put.FailedEntryCount).toBe(0);
      sent.push(detail);
      events.destroy();
    }
    const sqs = new SQSClient(base());
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: hub.events.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
    sqs.destroy();
    const bodies = Messages.map((m) => JSON.parse(m.Body!) as { source: string; detail: unknown });
    expect(bodies.map((b) => b.source)).toEqual(['aws.ec2', 'aws.ec2']);
    expect(bodies.map((b) => b.detail)).toEqual(expect.arrayContaining(sent));
  });

  it('resync iteration: ListAccounts × regions, AssumeRole into each member (its own inventory), the hub with its own credentials', async () => {
    const organizations = new OrganizationsClient(base());
    const sts = new STSClient(base());
    const targets = await resolveTargets({ accounts: [], regions: [REGION], organizations });
    expect(targets.map((t) => t.accountId).sort()).toEqual([MOTO_ACCOUNT, ...members].sort());
    const results = await forEachTarget(
      targets,
      async (_target, config) => {
        const sqs = new SQSClient({ ...config, endpoint: moto.endpoint, credentials: config.credentials ?? base().credentials });
        const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
        sqs.destroy();
        return QueueUrls.map((u) => u.split('/')[3]);
      },
      { concurrency: 2, deadlinePerTargetMs: 20_000, access: assumeSpokeRole({ sts, hubAccountId: MOTO_ACCOUNT, roleName: 'halo-jira-port-resync', externalId: 'e2e-external-id' }) },
    );
    [organizations, sts].forEach((c) => { c.destroy(); });
    const byAccount = Object.fromEntries(results.map((r) => [r.target.accountId, r.ok ? [...new Set(r.value)] : r.failure.kind]));
    // Each target answered with its own account's queues: the spoke DLQ lives in the member accounts only.
    expect(byAccount[MOTO_ACCOUNT]).toEqual([MOTO_ACCOUNT]);
    expect(byAccount[members[0]!]).toEqual([members[0]]);
    expect(results.every((r) => r.ok)).toBe(true);
  });
});

import type { ListAccountsCommand } from '@aws-sdk/client-organizations';
import type { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { assumeSpokeRole, forEachTarget, resolveTargets, type ClientConfig, type Target, type TargetAccess } from '../../../shared/aws/accounts';

const HUB = '111111111111';
const A = '222222222222';
const B = '333333333333';
const own: TargetAccess = { clientConfig: async (t) => ({ region: t.region }) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

/** A fake STS: answers per account id (the 5th field of the role ARN), records every call. */
function fakeSts(answer: (accountId: string, call: number) => 'ok' | Error) {
  const calls: AssumeRoleCommand['input'][] = [];
  return {
    calls,
    send: async (cmd: unknown) => {
      const input = (cmd as AssumeRoleCommand).input;
      calls.push(input);
      const accountId = input.RoleArn!.split(':')[4]!;
      const a = answer(accountId, calls.length);
      if (a instanceof Error) throw a;
      return { Credentials: { AccessKeyId: `AK${accountId}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date() } };
    },
  };
}

describe('resolveTargets', () => {
  it('a configured list × regions, in the order given, without asking Organizations', async () => {
    const organizations = { send: jest.fn() };
    expect(await resolveTargets({ accounts: [A, B], regions: ['eu-west-1', 'us-east-1'], organizations })).toEqual([
      { accountId: A, region: 'eu-west-1' },
      { accountId: A, region: 'us-east-1' },
      { accountId: B, region: 'eu-west-1' },
      { accountId: B, region: 'us-east-1' },
    ]);
    expect(organizations.send).not.toHaveBeenCalled();
  });

  it('every page of ListAccounts, ACTIVE accounts only (State, or the older Status)', async () => {
    const pages: Record<string, unknown> = {
      first: { Accounts: [{ Id: A, Name: 'a', State: 'ACTIVE' }, { Id: '444444444444', Name: 'gone', State: 'SUSPENDED' }], NextToken: 't2' },
      t2: { Accounts: [{ Id: B, Name: 'b', Status: 'ACTIVE' }, { Id: '555555555555', Status: 'PENDING_CLOSURE' }] },
    };
    const organizations = { send: jest.fn(async (cmd: ListAccountsCommand) => pages[cmd.input.NextToken ?? 'first']) };
    expect(await resolveTargets({ accounts: [], regions: ['eu-west-1'], organizations: organizations as never })).toEqual([
      { accountId: A, accountName: 'a', region: 'eu-west-1' },
      { accountId: B, accountName: 'b', region: 'eu-west-1' },
    ]);
    expect(organizations.send).toHaveBeenCalledTimes(2);
  });

  it('refuses to run with no region', async () => {
    await expect(resolveTargets({ accounts: [A], regions: [] })).rejects.toThrow(/no regions/);
  });
});

describe('forEachTarget', () => {
  const targets: Target[] = [A, B, '444444444444', '555555555555', '666666666666'].map((accountId) => ({ accountId, region: 'eu-west-1' }));

  it('never runs more than `concurrency` targets at once, and returns results in the order of the targets', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await forEachTarget(
      targets,
      async (t) => {
        peak = Math.max(peak, ++inFlight);
        await sleep(t.accountId === A ? 30 : 5);
        inFlight--;
        return t.accountId;
      },
      { concurrency: 2, access: own },
    );
    expect(peak).toBe(2);
    expect(results.map((r) => (r.ok ? r.value : 'failed'))).toEqual(targets.map((t) => t.accountId));
  });

  it('a target past its deadline is reported (skip its deletes), its signal aborted, and the others still finish', async () => {
    let aborted = false;
    const results = await forEachTarget(
      targets.slice(0, 3),
      (t, _c, signal) =>
        t.accountId === B
          ? new Promise<string>(() => signal.addEventListener('abort', () => (aborted = true)))
          : Promise.resolve(t.accountId),
      { concurrency: 3, deadlinePerTargetMs: 50, access: own },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toEqual(expect.objectContaining({ ok: false, skipDeletes: true, failure: expect.objectContaining({ kind: 'deadline' }) }));
    expect(aborted).toBe(true);
  });

  it('one failing target is reported with its kind and does not stop the others', async () => {
    const results = await forEachTarget(
      targets.slice(0, 3),
      async (t) => {
        if (t.accountId === A) throw awsError('ThrottlingException', 'Rate exceeded');
        if (t.accountId === B) throw awsError('UnauthorizedOperation');
        return 'listed';
      },
      { access: own },
    );
    expect(results.map((r) => (r.ok ? r.value : r.failure.kind))).toEqual(['throttled', 'failed', 'listed']);
    expect(results[1]).toEqual(expect.objectContaining({ skipDeletes: true, failure: expect.objectContaining({ code: 'UnauthorizedOperation' }) }));
  });
});

describe('assumeSpokeRole', () => {
  const regions = ['eu-west-1', 'us-east-1'];
  const grid = (...accounts: string[]): Target[] => accounts.flatMap((accountId) => regions.map((region) => ({ accountId, region })));
  const configs = (fnCalls: Array<[Target, ClientConfig]>) => fnCalls.map(([t, c]) => `${t.accountId}/${c.region}:${c.credentials?.accessKeyId ?? 'own'}`);

  it('uses its own credentials in the hub account and the spoke role (with the external id) elsewhere, once per account', async () => {
    const sts = fakeSts(() => 'ok');
    const seen: Array<[Target, ClientConfig]> = [];
    const access = assumeSpokeRole({ sts, hubAccountId: HUB, roleName: 'halo-jira-port-resync', externalId: 'ext-123' });
    const results = await forEachTarget(grid(HUB, A), async (t, c) => seen.push([t, c]), { concurrency: 1, access });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(configs(seen)).toEqual([`${HUB}/eu-west-1:own`, `${HUB}/us-east-1:own`, `${A}/eu-west-1:AK${A}`, `${A}/us-east-1:AK${A}`]);
    expect(sts.calls).toEqual([expect.objectContaining({ RoleArn: `arn:aws:iam::${A}:role/halo-jira-port-resync`, ExternalId: 'ext-123' })]);
  });

  it('a refused AssumeRole fails every region of that account as assume-refused (deletes skipped), without asking again; others proceed', async () => {
    const sts = fakeSts((account) => (account === A ? awsError('AccessDenied', 'not authorized to perform sts:AssumeRole') : 'ok'));
    const listed: string[] = [];
    const access = assumeSpokeRole({ sts, hubAccountId: HUB, roleName: 'r', externalId: 'x' });
    const results = await forEachTarget(grid(A, B), async (t) => listed.push(`${t.accountId}/${t.region}`), { concurrency: 1, access });
    expect(results.map((r) => (r.ok ? 'ok' : r.failure.kind))).toEqual(['assume-refused', 'assume-refused', 'ok', 'ok']);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.skipDeletes)).toBe(true);
    expect(listed).toEqual([`${B}/eu-west-1`, `${B}/us-east-1`]);
    expect(sts.calls.map((c) => c.RoleArn!.split(':')[4])).toEqual([A, B]);
  });

  it('a throttled AssumeRole fails that target only: the next region of the account asks again', async () => {
    const sts = fakeSts((_account, call) => (call === 1 ? awsError('Throttling', 'Rate exceeded') : 'ok'));
    const access = assumeSpokeRole({ sts, hubAccountId: HUB, roleName: 'r', externalId: 'x' });
    const results = await forEachTarget(grid(A), async () => 'listed', { concurrency: 1, access });
    expect(results.map((r) => (r.ok ? r.value : r.failure.kind))).toEqual(['throttled', 'listed']);
    expect(sts.calls).toHaveLength(2);
  });
});

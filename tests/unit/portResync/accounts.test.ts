import type { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { scopeOf, type PortEntity } from '../../../port/mappings/definitions';
import { assumeSpokeRole, type Target, type TargetAccess } from '../../../shared/aws/accounts';
import { resyncTargets, type AccountsDeps } from '../../../functions/portResync/accounts';
import type { StoredEntity } from '../../../functions/portResync/diff';
import { resync } from '../../../functions/portResync/resync';
import { memoryState, type StateStore } from '../../../functions/portResync/state';

/**
 * portResync over several accounts × regions with fakes: an in-memory Port shared by all targets,
 * listings per account, a fake STS. One account refused (or too slow) deletes nothing of it, the
 * others are synced; a Port failure fails the invocation.
 */
const HUB = '111111111111';
const A = '222222222222';
const B = '333333333333';
const REGION = 'eu-west-1';
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

const queue = (account: string, name: string, region = REGION): PortEntity => ({
  blueprint: 'sqsQueue',
  identifier: `arn:aws:sqs:${region}:${account}:${name}`,
  title: name,
  properties: { arn: `arn:aws:sqs:${region}:${account}:${name}`, region },
  relations: { account },
});

/** A fake STS answering per account id (the 5th field of the role ARN). */
function fakeSts(refuse: (account: string) => Error | undefined) {
  const assumed: string[] = [];
  return {
    assumed,
    send: async (cmd: unknown) => {
      const account = (cmd as AssumeRoleCommand).input.RoleArn!.split(':')[4]!;
      assumed.push(account);
      const refusal = refuse(account);
      if (refusal) throw refusal;
      return { Credentials: { AccessKeyId: `AK${account}`, SecretAccessKey: 'secret', SessionToken: 'token' } };
    },
  };
}

function world(inventory: Record<string, PortEntity[]>, access: TargetAccess, opts: Partial<AccountsDeps> = {}) {
  const catalog = new Map<string, StoredEntity & { blueprint: string }>();
  const deleted: string[] = [];
  const listedWith: string[] = [];
  const states = new Map<string, StateStore>();
  const targets: Target[] = Object.keys(inventory).map((key) => ({ accountId: key.split('/')[0]!, region: key.split('/')[1]! }));
  const deps: AccountsDeps = {
    targets,
    sources: ['aws.sqs'],
    access,
    concurrency: 2,
    targetDeadlineMs: 60_000,
    deadline: { remainingMs: () => 600_000 },
    stateOf: (t) => {
      const key = `${t.accountId}/${t.region}`;
      if (!states.has(key)) states.set(key, memoryState());
      return states.get(key)!;
    },
    port: {
      searchByRegion: async (bp, region) => [...catalog.values()].filter((e) => e.blueprint === bp && e.properties?.region === region),
      exists: async (bp, id) => catalog.has(`${bp}/${id}`),
      remove: async (bp, ids) => {
        for (const id of ids) {
          deleted.push(id);
          catalog.delete(`${bp}/${id}`);
        }
        return ids.length;
      },
    },
    writer: {
      write: async (entities) => {
        for (const e of entities) catalog.set(`${e.blueprint}/${e.identifier}`, e);
        return [];
      },
    },
    resyncTarget: (run) => {
      const scope = scopeOf(run.target.accountId, run.target.region);
      return resync({
        sources: ['aws.sqs'],
        scope,
        list: async () => {
          listedWith.push(`${scope.account}/${scope.region}:${run.clientConfig.credentials?.accessKeyId ?? 'own'}`);
          return { entities: inventory[`${scope.account}/${scope.region}`] ?? [], complete: true };
        },
        port: run.port,
        writer: run.writer,
        state: run.state,
        deadline: run.deadline,
      });
    },
    ...opts,
  };
  const seed = (...entities: PortEntity[]) => {
    for (const e of entities) catalog.set(`${e.blueprint}/${e.identifier}`, e);
  };
  const has = (e: PortEntity) => catalog.has(`${e.blueprint}/${e.identifier}`);
  return { deps, catalog, deleted, listedWith, states, seed, has };
}

describe('resyncTargets', () => {
  it('one account refused: nothing of it is deleted and it is reported; the hub (own credentials) and the other account are synced', async () => {
    const sts = fakeSts((account) => (account === B ? awsError('AccessDenied', `not authorized to perform sts:AssumeRole on ${account}`) : undefined));
    const access = assumeSpokeRole({ sts, hubAccountId: HUB, roleName: 'halo-jira-port-resync', externalId: 'ext' });
    const w = world({ [`${HUB}/${REGION}`]: [queue(HUB, 'hub-new')], [`${A}/${REGION}`]: [queue(A, 'a-new')], [`${B}/${REGION}`]: [queue(B, 'b-new')] }, access);
    const stale = { hub: queue(HUB, 'hub-gone'), a: queue(A, 'a-gone'), b: queue(B, 'b-stale') };
    w.seed(stale.hub, stale.a, stale.b);

    const result = await resyncTargets(w.deps);

    expect(sts.assumed.sort()).toEqual([A, B]);
    expect(w.listedWith.sort()).toEqual([`${HUB}/${REGION}:own`, `${A}/${REGION}:AK${A}`]);
    expect(w.deleted.sort()).toEqual([stale.a.identifier, stale.hub.identifier].sort());
    expect(w.has(stale.b)).toBe(true);
    expect(w.has(queue(B, 'b-new'))).toBe(false);
    expect(w.has(queue(A, 'a-new')) && w.has(queue(HUB, 'hub-new'))).toBe(true);
    expect(result).toMatchObject({ complete: true, pending: [], created: 2, deleted: 2, targetsFailed: 1 });
    const byAccount = Object.fromEntries(result.targets.map((t) => [t.account, t]));
    expect(byAccount[B]).toMatchObject({ outcome: 'failed', deleted: 0, failure: { kind: 'assume-refused', code: 'AccessDenied' } });
    expect(byAccount[A]).toMatchObject({ outcome: 'resynced', created: 1, deleted: 1 });
    expect(byAccount[HUB]).toMatchObject({ outcome: 'resynced', created: 1, deleted: 1 });
  });

  it('identifiers and delete scope are per account + region: a region of the same account and another account in the region are untouched', async () => {
    const own: TargetAccess = { clientConfig: async (t) => ({ region: t.region }) };
    const w = world({ [`${A}/${REGION}`]: [], [`${A}/us-east-1`]: [queue(A, 'east', 'us-east-1')] }, own);
    const other = { east: queue(A, 'east-gone', 'us-east-1'), west: queue(A, 'west-gone'), elsewhere: queue(B, 'theirs') };
    w.seed(other.east, other.west, other.elsewhere);
    const result = await resyncTargets(w.deps);
    expect(w.deleted.sort()).toEqual([other.east.identifier, other.west.identifier].sort());
    expect(w.has(other.elsewhere)).toBe(true);
    expect(result.targets.map((t) => `${t.region} ${t.outcome} -${t.deleted}`)).toEqual([`${REGION} resynced -1`, 'us-east-1 resynced -1']);
  });

  it('an account past its deadline is reported as deadline and deletes nothing, even when its listing comes back later; the others finish', async () => {
    jest.useFakeTimers();
    try {
      const own: TargetAccess = { clientConfig: async (t) => ({ region: t.region }) };
      const w = world({ [`${A}/${REGION}`]: [], [`${B}/${REGION}`]: [] }, own, { targetDeadlineMs: 60_000 });
      const real = w.deps.resyncTarget;
      // B answers only after 90 s (its deadline is 60 s), with an empty listing.
      w.deps.resyncTarget = (run) => (run.target.accountId === B ? new Promise((r) => setTimeout(r, 90_000)).then(() => real(run)) : real(run));
      const stale = { a: queue(A, 'a-gone'), b: queue(B, 'b-stale') };
      w.seed(stale.a, stale.b);
      const running = resyncTargets(w.deps);
      await jest.advanceTimersByTimeAsync(61_000);
      const result = await running;
      expect(result.targets.map((t) => [t.account, t.failure?.kind ?? t.outcome])).toEqual([[A, 'resynced'], [B, 'deadline']]);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(w.deleted).toEqual([stale.a.identifier]);
      expect(w.has(stale.b)).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a Port failure is not the account’s: the invocation fails with it', async () => {
    const own: TargetAccess = { clientConfig: async (t) => ({ region: t.region }) };
    const w = world({ [`${A}/${REGION}`]: [queue(A, 'q')], [`${B}/${REGION}`]: [queue(B, 'q')] }, own);
    w.deps.port.searchByRegion = async () => {
      throw awsError('AuthError', 'Port refused the credentials');
    };
    await expect(resyncTargets(w.deps)).rejects.toThrow('Port refused the credentials');
  });

  it('searches each blueprint × region once for all accounts of an invocation', async () => {
    const own: TargetAccess = { clientConfig: async (t) => ({ region: t.region }) };
    const w = world({ [`${A}/${REGION}`]: [queue(A, 'q')], [`${B}/${REGION}`]: [queue(B, 'q')], [`${HUB}/us-east-1`]: [] }, own);
    const searches: string[] = [];
    const search = w.deps.port.searchByRegion;
    w.deps.port.searchByRegion = (bp, region, d) => {
      searches.push(`${bp} ${region}`);
      return search(bp, region, d);
    };
    await resyncTargets(w.deps);
    expect(searches.sort()).toEqual(['sqsQueue eu-west-1', 'sqsQueue us-east-1']);
  });

  it('out of time: targets not started stay pending; unfinished and longest-unsynced targets go first next time', async () => {
    const own: TargetAccess = { clientConfig: async (t) => ({ region: t.region }) };
    let left = 600_000;
    const w = world({ [`${A}/${REGION}`]: [], [`${B}/${REGION}`]: [] }, own, { concurrency: 1, targetDeadlineMs: undefined, deadline: { remainingMs: () => left } });
    const real = w.deps.resyncTarget;
    w.deps.resyncTarget = async (run) => {
      const out = await real(run);
      left = 1_000; // the first target used up the invocation
      return out;
    };
    const first = await resyncTargets(w.deps);
    expect(first.targets.map((t) => [t.account, t.outcome])).toEqual([[A, 'resynced'], [B, 'not-started']]);
    expect(first).toMatchObject({ complete: false, pending: [`${B}/${REGION}/aws.sqs`] });
    left = 600_000;
    const order: string[] = [];
    w.deps.resyncTarget = (run) => {
      order.push(run.target.accountId);
      return real(run);
    };
    const second = await resyncTargets(w.deps);
    expect(order).toEqual([B, A]);
    expect(second.complete).toBe(true);
  });
});

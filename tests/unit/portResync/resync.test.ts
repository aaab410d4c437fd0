import { scopeOf, type PortEntity } from '../../../port/mappings/definitions';
import type { StoredEntity } from '../../../functions/portResync/diff';
import { resync, SOURCE_RESERVE_MS, type ResyncDeps } from '../../../functions/portResync/resync';
import { memoryState } from '../../../functions/portResync/state';

/** The resync core with an in-memory Port and listings: continuation, no delete on a partial listing. */
const scope = scopeOf('111111111111', 'eu-west-1');
const ec2 = (id: string): PortEntity => ({ blueprint: 'ec2Instance', identifier: id, title: id, properties: { arn: `arn:aws:ec2:eu-west-1:111111111111:instance/${id}`, region: 'eu-west-1', state: 'running' }, relations: { account: scope.account } });
const bucket = (id: string): PortEntity => ({ blueprint: 's3Bucket', identifier: id, title: id, properties: { arn: `arn:aws:s3:::${id}`, region: 'eu-west-1' }, relations: { account: scope.account } });

function world(listings: Record<string, { entities: PortEntity[]; complete: boolean }>, clock: { left: number }) {
  const catalog = new Map<string, StoredEntity & { blueprint: string }>();
  const calls: string[] = [];
  const deps: ResyncDeps = {
    sources: Object.keys(listings),
    scope,
    list: async (source) => listings[source] as { entities: PortEntity[]; complete: boolean },
    port: {
      searchByRegion: async (bp) => [...catalog.values()].filter((e) => e.blueprint === bp),
      exists: async (bp, id) => catalog.has(`${bp}/${id}`),
      remove: async (bp, ids) => {
        calls.push(`delete ${bp} ${ids.join(',')}`);
        ids.forEach((id) => { catalog.delete(`${bp}/${id}`); });
        return ids.length;
      },
    },
    writer: {
      write: async (entities) => {
        calls.push(`write ${entities.map((e) => e.identifier).join(',')}`);
        for (const e of entities) catalog.set(`${e.blueprint}/${e.identifier}`, e);
        return [];
      },
    },
    state: memoryState(),
    deadline: { remainingMs: () => clock.left },
  };
  return { deps, catalog, calls };
}

it('out of time after one source: the next invocation continues with the rest, then writes the summary', async () => {
  const clock = { left: 60_000 };
  const { deps, calls } = world({ 'aws.ec2': { entities: [ec2('i-1')], complete: true }, 'aws.s3': { entities: [bucket('b')], complete: true } }, clock);
  const realList = deps.list;
  deps.list = async (source, d) => {
    const out = await realList(source, d);
    clock.left = SOURCE_RESERVE_MS - 1;
    return out;
  };
  const first = await resync(deps);
  expect(first).toMatchObject({ complete: false, pending: ['aws.s3'], created: 1 });
  clock.left = 60_000;
  const second = await resync(deps);
  expect(second).toMatchObject({ complete: true, pending: [], created: 2, runId: first.runId });
  expect(calls).toEqual(['write 111111111111', 'write i-1', 'write b']);
  const state = await deps.state.load();
  expect(state.progress).toBeUndefined();
  expect(state.last).toMatchObject({ created: 2, invocations: 2, runId: first.runId });
});

it('a partial listing writes what it listed and deletes nothing; the source stays pending', async () => {
  const { deps, catalog, calls } = world({ 'aws.ec2': { entities: [ec2('i-new')], complete: false } }, { left: 60_000 });
  catalog.set('ec2Instance/i-old', { ...ec2('i-old') });
  catalog.set('awsAccount/111111111111', { blueprint: 'awsAccount', identifier: '111111111111' });
  const result = await resync(deps);
  expect(result).toMatchObject({ complete: false, pending: ['aws.ec2'], created: 1, deleted: 0 });
  expect(calls).toEqual(['write i-new']);
  expect(catalog.has('ec2Instance/i-old')).toBe(true);
});

it('deletes dependents first (ECS tasks and services before clusters)', async () => {
  const { deps, catalog, calls } = world({ 'aws.ecs': { entities: [], complete: true } }, { left: 60_000 });
  catalog.set('awsAccount/111111111111', { blueprint: 'awsAccount', identifier: '111111111111' });
  for (const bp of ['ecsCluster', 'ecsService', 'ecsTask']) catalog.set(`${bp}/x`, { blueprint: bp, identifier: 'x', properties: { region: 'eu-west-1' }, relations: { account: scope.account } });
  await resync(deps);
  expect(calls).toEqual(['delete ecsTask x', 'delete ecsService x', 'delete ecsCluster x']);
});

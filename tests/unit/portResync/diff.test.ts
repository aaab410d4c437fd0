import type { PortEntity } from '../../../port/mappings/definitions';
import { diffBlueprint, inScope, sameValue, upToDate, type StoredEntity } from '../../../functions/portResync/diff';

const scope = { account: '111111111111', region: 'eu-west-1' };
const listed = (id: string, props: Record<string, unknown> = {}): PortEntity => ({ blueprint: 'ec2Instance', identifier: id, title: id, properties: { region: 'eu-west-1', state: 'running', ...props }, relations: { account: scope.account } });
const stored = (id: string, props: Record<string, unknown> = {}, account = scope.account): StoredEntity => ({ identifier: id, title: id, properties: { region: 'eu-west-1', state: 'running', ...props }, relations: { account } });

describe('diffBlueprint', () => {
  it('creates what Port lacks, updates what differs, counts the rest unchanged, deletes what was not listed', () => {
    const d = diffBlueprint('ec2Instance', [listed('a'), listed('b', { state: 'stopped' }), listed('c')], [stored('b'), stored('c'), stored('gone')], scope, { listingComplete: true });
    expect(d.create.map((e) => e.identifier)).toEqual(['a']);
    expect(d.update.map((e) => e.identifier)).toEqual(['b']);
    expect(d.unchanged).toBe(1);
    expect(d.delete).toEqual(['gone']);
  });

  it('never deletes on a partial listing', () => {
    expect(diffBlueprint('ec2Instance', [], [stored('x')], scope, { listingComplete: false }).delete).toEqual([]);
  });

  it.each([
    ['another account', stored('x', {}, '222222222222')],
    ['another region', stored('x', { region: 'us-east-1' })],
    ['no account relation', { identifier: 'x', properties: { region: 'eu-west-1' }, relations: {} }],
    ['no region', { identifier: 'x', properties: {}, relations: { account: scope.account } }],
  ] as Array<[string, StoredEntity]>)('never deletes an entity of %s', (_name, entity) => {
    expect(inScope(entity, scope)).toBe(false);
    expect(diffBlueprint('ec2Instance', [], [entity], scope, { listingComplete: true }).delete).toEqual([]);
  });

  it('ignores properties only events carry (the listing does not know them)', () => {
    expect(upToDate(listed('a'), stored('a', { stateChangedAt: '2026-01-01T00:00:00Z', lastChange: 'x' }))).toBe(true);
  });

  it('a changed title or relation is an update', () => {
    expect(upToDate({ ...listed('a'), title: 'new' }, stored('a'))).toBe(false);
    expect(upToDate({ ...listed('a'), relations: { account: scope.account, cluster: 'c' } }, stored('a'))).toBe(false);
  });

  it('tags are compared whole: an extra, a missing or a changed tag is an update', () => {
    const tags = { team: 'a', env: 'prod' };
    expect(upToDate(listed('a', { tags }), stored('a', { tags: { env: 'prod', team: 'a' } }))).toBe(true);
    expect(upToDate(listed('a', { tags }), stored('a', { tags: { team: 'a' } }))).toBe(false);
    expect(upToDate(listed('a', { tags: { team: 'a' } }), stored('a', { tags }))).toBe(false);
    expect(upToDate(listed('a', { tags }), stored('a', { tags: { ...tags, team: 'b' } }))).toBe(false);
  });

  it('a stored null differs from a listed value', () => {
    expect(upToDate(listed('a', { state: 'running' }), stored('a', { state: null }))).toBe(false);
  });

  it('listed twice (a paginator repeat) is written once', () => {
    expect(diffBlueprint('ec2Instance', [listed('a'), listed('a')], [], scope, { listingComplete: true }).create).toHaveLength(1);
  });

  it('other blueprints in the listing are ignored', () => {
    expect(diffBlueprint('s3Bucket', [listed('a')], [], scope, { listingComplete: true }).create).toEqual([]);
  });
});

describe('sameValue', () => {
  it.each([
    ['2026-11-20T10:15:30Z', '2026-11-20T10:15:30.000Z', true],
    ['2026-11-20T10:15:30Z', '2026-11-20T10:15:31Z', false],
    ['a', 'b', false],
    [1, 1, true],
    [1, '1', false],
    [[1, 2], [1, 2], true],
    [[1, 2], [2, 1], false],
    [{ a: 1 }, { a: 1, b: undefined }, false],
    [null, undefined, false],
  ])('%j vs %j → %s', (a, b, expected) => expect(sameValue(a, b)).toBe(expected));
});

import { MemoryState } from '../../../functions/jiraSync/state/memory';
import { recordRefusal } from '../../../functions/jiraSync/state/rules';
import { failuresTable, forgetFailures, listFailures, retryFailures } from '../../../ops/failures/commands';

/** `npm run jira:failures` core: list, retry, forget over the retry set (memory adapter, same interface as DynamoDB). */
const T = Date.parse('2026-11-20T12:00:00Z');

function seeded(): MemoryState {
  const s = new MemoryState();
  const refused = recordRefusal(undefined, { haloId: 'a', action: 'create', reason: 'customfield_10061: option invalid' }, T, 'h');
  const backedOff = recordRefusal(recordRefusal(undefined, { haloId: 'b', action: 'close', reason: 'transition "Close" is not available' }, T, 'h'), { haloId: 'b', action: 'close', reason: 'again' }, T, 'h');
  s.retry.set('a', refused);
  s.retry.set('b', backedOff);
  return s;
}

it('lists soonest first, "next run" for due items, filtered by action', async () => {
  const rows = await listFailures(seeded(), T);
  expect(rows.map((r) => [r.haloId, r.action, r.attempts, r.nextTry])).toEqual([
    ['a', 'create', 1, 'next run'],
    ['b', 'close', 2, new Date(T + 15 * 60_000).toISOString()],
  ]);
  expect((await listFailures(seeded(), T, { action: 'close' })).map((r) => r.haloId)).toEqual(['b']);
  expect(failuresTable(rows)).toMatch(/HALO ID\s+ACTION[\s\S]*option invalid[\s\S]*2 item\(s\)/);
  expect(failuresTable([])).toMatch(/empty/);
});

it('retry makes an item due now and keeps its attempts; unknown ids are reported', async () => {
  const s = seeded();
  expect(await retryFailures(s, ['b', 'zzz'])).toEqual({ retried: ['b'], missing: ['zzz'] });
  expect(s.retry.get('b')).toMatchObject({ nextTryAt: 0, attempts: 2 });
});

it('forget drops the given items, or all', async () => {
  const s = seeded();
  expect(await forgetFailures(s, ['a'])).toEqual({ forgotten: ['a'], missing: [] });
  expect([...s.retry.keys()]).toEqual(['b']);
  await forgetFailures(s, [], { all: true });
  expect(s.retry.size).toBe(0);
});

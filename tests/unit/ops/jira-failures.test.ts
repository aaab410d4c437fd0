import { MemoryState } from '../../../functions/jiraSync/state/memory';
import { recordRefusal } from '../../../functions/jiraSync/state/rules';
import { failuresTable, forgetFailures, listFailures, retryFailures } from '../../../ops/failures/commands';
import { runFailures } from '../../../ops/failures/command';
import { EXIT } from '../../../shared/cli';

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

describe('npm run jira:failures (the CLI kit)', () => {
  const io = (env: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    return { env, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), lines: { out, err } };
  };

  it('list reads the table named by JIRA_SYNC_STATE_TABLE (or --table) and exits 0', async () => {
    const tables: string[] = [];
    const s = seeded();
    const store = (t: string) => {
      tables.push(t);
      return s;
    };
    const deps = { store, now: () => T };
    const a = io({ JIRA_SYNC_STATE_TABLE: 'from-env' });
    expect(await runFailures(['list', '--json'], a, deps)).toBe(EXIT.ok);
    expect(JSON.parse(a.lines.out.join('\n')).map((r: { haloId: string }) => r.haloId)).toEqual(['a', 'b']);
    expect(await runFailures(['list', '--table', 'given'], io(), deps)).toBe(EXIT.ok);
    expect(tables).toEqual(['from-env', 'given']);
  });

  it('retry/forget: ids not in the set → not found (4), or partial (5) when others were done; no ids → usage (2)', async () => {
    const s = seeded();
    const deps = { store: () => s };
    const missing = io();
    expect(await runFailures(['forget', 'zzz'], missing, deps)).toBe(EXIT.notFound);
    expect(missing.lines.err.join('\n')).toMatch(/not in the retry set: zzz/);
    expect(await runFailures(['retry', 'b', 'zzz'], io(), deps)).toBe(EXIT.partial);
    expect(s.retry.get('b')!.nextTryAt).toBe(0);
    expect(await runFailures(['forget'], io(), deps)).toBe(EXIT.usage);
    expect(await runFailures(['forget', '--all'], io(), deps)).toBe(EXIT.ok);
    expect(s.retry.size).toBe(0);
  });
});

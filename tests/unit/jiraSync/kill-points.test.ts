import { memoryCheckpoint } from '../../../functions/jiraSync/checkpoint';
import { loadConfig } from '../../../functions/jiraSync/config';
import type { HaloIssue } from '../../../functions/jiraSync/model';
import { MemoryState } from '../../../functions/jiraSync/state/memory';
import { runSync, type SyncDeps } from '../../../functions/jiraSync/sync';
import type { SyncSummary } from '../../../functions/jiraSync/summary';
import { changedAt } from '../../../functions/jiraSync/timeline';
import { NO_DEADLINE } from '../../../shared/http/retry';
import { haloIssue } from './factories';
import { FakeHalo, FakeJira } from './fakes';

/**
 * A run killed at every point, in memory: after its k-th request (to Halo, Jira, the state table or
 * the checkpoint) nothing of the run reaches the outside any more, and the k-th request itself was
 * carried out but its answer never arrived (a create applied, its tickets unknown to the run). Then
 * the next run starts at once, with search lagging behind creates; after the bound, the run that
 * retries is killed at the same request count. After every run: no duplicate, and no issue the
 * checkpoint has passed is without a ticket or a retry-set entry. Later runs reach one ticket per
 * issue in the right state within the bound after the last kill (a wait does not back off).
 */
const ENV = {
  HALO_API_KEY: 'k', HALO_API_SECRET_KEY: 's', JIRA_API_USER: 'u', JIRA_API_TOKEN: 't',
  JIRA_API_URL: 'https://example.atlassian.net', JIRA_ISSUE_ID_FIELD: 'Halo Issue ID', JIRA_PROJECT_KEY: 'SEC',
  JIRA_ISSUE_TYPE: 'Bug', ISSUE_CLOSE_TRANSITION: 'Close', ISSUE_REOPEN_TRANSITION: 'Reopen', ISSUE_STATUS_CLOSED: 'Closed',
  JIRA_SEARCH_LAG_SECONDS: '600',
};
const MIN = 60_000;
const BOUND_MS = 10 * MIN; // JIRA_SEARCH_LAG_SECONDS
const SEARCH_LAG_MS = 5 * MIN; // within the bound
const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const at = (minute: number): string => new Date(Date.parse('2026-11-20T10:00:00Z') + minute * MIN).toISOString();
const active = (minute: number) => haloIssue({ status: 'active', created_at: at(0), last_seen_at: at(minute) });
const resolved = (minute: number) => haloIssue({ status: 'resolved', created_at: at(0), last_seen_at: at(minute - 1), resolved_at: at(minute) });

class Killed extends Error {}

/** The object as the run sees it: after `budget.left` calls, every call fails; the last one is done, its answer lost. */
function killable<T extends object>(target: T, budget: { left: number }): T {
  return new Proxy(target, {
    get(t, prop) {
      const v: unknown = Reflect.get(t, prop, t);
      if (typeof v !== 'function' || prop === 'constructor') return v;
      return async (...args: unknown[]) => {
        if (budget.left <= 0) throw new Killed('killed');
        budget.left--;
        const out: unknown = await (v as (...a: unknown[]) => unknown).apply(t, args);
        if (budget.left <= 0) throw new Killed('killed');
        return out;
      };
    },
  });
}

function world() {
  const halo = new FakeHalo();
  const jira = new FakeJira();
  const state = new MemoryState();
  const checkpoint = memoryCheckpoint(Date.parse('2026-11-20T09:00:00Z'));
  const clock = { now: Date.parse('2026-11-20T12:00:00Z') };
  const issues: HaloIssue[] = [active(1), resolved(2), active(3), resolved(4), active(5), resolved(6), active(7), active(8)];
  halo.put(...issues);
  // Long-standing tickets: a resolved issue's open ticket (close), a found-again issue's closed one (reopen), one to comment on.
  jira.add(issues[5]!.id, 'Open');
  jira.add(issues[6]!.id, 'Closed');
  jira.add(issues[7]!.id, 'Open');
  jira.searchLag = { now: () => clock.now, ms: SEARCH_LAG_MS };
  const run = async (killAfter = Infinity): Promise<SyncSummary | undefined> => {
    const budget = { left: killAfter };
    const deps: SyncDeps = {
      halo: killable(halo, budget), jira: killable(jira, budget), state: killable(state, budget), checkpoint: killable(checkpoint, budget),
      deadline: NO_DEADLINE, now: () => clock.now, log: quiet, chunkSize: 2,
    };
    const out = runSync(loadConfig(ENV), deps).then((s) => s, (err: unknown) => (err instanceof Killed || budget.left <= 0 ? undefined : Promise.reject(err)));
    let settled = false;
    void out.finally(() => (settled = true)).catch(() => undefined);
    while (!settled) await jest.advanceTimersByTimeAsync(250); // the lease's confirmation pause
    const summary = await out;
    if (budget.left <= 0) {
      state.lease = undefined; // a killed run's lease expires by itself (JIRA_SYNC_LEASE_SECONDS)
      return undefined;
    }
    return summary;
  };
  /** Requests one whole run sends (for the kill points). */
  const calls = (): number => halo.calls.length + jira.calls.length + state.requestCount;
  return { halo, jira, state, checkpoint, clock, issues, run, calls };
}

type World = ReturnType<typeof world>;

function problems(w: World): string[] {
  const out: string[] = [];
  for (const issue of w.issues) {
    const n = w.jira.byHalo(issue.id).length;
    if (n > 1) out.push(`${issue.id}: ${n} tickets`);
    if (n === 0 && changedAt(issue)! <= w.checkpoint.value! && !w.state.retry.has(issue.id)) out.push(`${issue.id}: passed by the checkpoint, no ticket, not in the retry set`);
  }
  return out;
}

describe('a run killed at any request, the next run at once, search lagging behind creates', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-20T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('every kill point: no duplicate, nothing passed without a ticket or a retry entry, then the final state', async () => {
    const probe = world();
    const before = probe.calls();
    await probe.run();
    const total = probe.calls() - before;
    expect(total).toBeGreaterThan(20);
    for (let k = 1; k <= total; k++) {
      const w = world();
      // Killed twice at the k-th request: once on the first run, once on the run that retries after the bound.
      for (const wait of [0, BOUND_MS + 1000]) {
        w.clock.now += wait;
        await w.run(k);
        expect([k, problems(w)]).toEqual([k, []]);
        // The next runs at once (the lease freed) while search still lags.
        for (let i = 0; i < 2; i++) {
          w.clock.now += 1000;
          await w.run();
          expect([k, problems(w)]).toEqual([k, []]);
        }
      }
      // Later runs, a third of the bound apart: within the bound after the last kill, everything is settled.
      let last: SyncSummary | undefined;
      for (let i = 0; i < 4 && !(last && last.retrySet.size === 0 && last.failures.length === 0 && last.deferred === 0); i++) {
        w.clock.now += BOUND_MS / 3;
        last = await w.run();
        expect([k, problems(w)]).toEqual([k, []]);
      }
      expect([k, last?.retrySet.size, last?.failures]).toEqual([k, 0, []]);
      const statuses = w.issues.map((i) => [i.id, w.jira.byHalo(i.id).map((t) => t.status)]);
      expect([k, statuses]).toEqual([k, w.issues.map((i) => [i.id, [i.status === 'resolved' ? 'Closed' : 'Open']])]);
    }
  });
});

import { demoIssues, rngFrom } from '../../../local/halo';
import { startWorld } from '../../../local/world';
import { JIRA_SYNC_WORLD, ticketsByHalo, type JiraSyncWorld as World } from '../../../local/world/jira-sync';
import { runChild, summaryOf } from './run-child';

/**
 * Crash safety under real Jira timing: search lags 30 s behind writes. 20 runs of the real
 * handler in a child process, each SIGKILLed at a random point (after 3–12 more Jira requests, or
 * between a bulk create being applied and its answer), each followed at once by the next run,
 * while Halo keeps changing. After every kill: no duplicate ticket. Then, once the search lag
 * bound has passed, later runs reach exactly one ticket per issue in the right state.
 */
const SEARCH_LAG_MS = 30_000;
// The bound must cover the real lag; tests lower it from 10 min so a later run gets there in test time.
const BOUND_SECONDS = 35;

function duplicates(world: World): string[] {
  return [...ticketsByHalo(world.jira).entries()].filter(([, t]) => t.length > 1).map(([id]) => id);
}

describe('kill at random points and rerun at once, search lagging 30 s', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ ...JIRA_SYNC_WORLD, latencyMs: 20, searchLagMs: SEARCH_LAG_MS });
    world.halo.seed(demoIssues(300, 11));
  }, 60_000);
  afterAll(() => world?.stop());

  it('20 killed runs with immediate reruns, then later runs: zero duplicate tickets, final state correct', async () => {
    const rng = rngFrom(2026);
    // A short lease: a killed run's lease expires before the immediate rerun gets going.
    const env = { ...world.jiraSyncEnv, ISSUE_SYNC_MAX: '120', JIRA_SEARCH_LAG_SECONDS: String(BOUND_SECONDS), JIRA_SYNC_LEASE_SECONDS: '1' };
    let clock = Date.parse('2026-11-21T00:00:00Z');
    let killedMidRun = 0;
    let killedBeforeAnswer = 0;
    for (let run = 1; run <= 20; run++) {
      // Halo keeps changing between runs: a few resolve, a few come back.
      for (const issue of world.halo.issues()) {
        if (rng() > 0.1) continue;
        clock += 1000;
        if (issue.status === 'active') world.halo.resolveIssue(issue.id, new Date(clock));
        else world.halo.reactivateIssue(issue.id, new Date(clock));
      }
      const base = world.jira.requests.length;
      let killAt: () => boolean;
      if (run % 3 === 0) {
        // Jira applies the next bulk create but answers late: kill once its tickets exist.
        const tickets = world.jira.tickets().length;
        world.jira.answerCreatesLate(1, { delayMs: 3000 });
        killAt = () => world.jira.tickets().length > tickets;
      } else {
        // A run sends few Jira requests now (bulk creates carry the closes; search brings the transitions).
        const after = 3 + Math.floor(rng() * 10);
        killAt = () => world.jira.requests.length >= base + after;
      }
      // A rerun that starts while the killed run's lease (1 s) still stands exits at once on the
      // lease, having done nothing: start it again until one actually runs (or is killed).
      let result = await runChild(env, killAt);
      for (let tries = 0; result.signal !== 'SIGKILL' && summaryOf(result).notRun !== undefined && tries < 10; tries++) {
        await new Promise((r) => setTimeout(r, 500));
        result = await runChild(env, killAt);
      }
      world.jira.answerCreatesLate(0, {});
      if (result.signal === 'SIGKILL') {
        killedMidRun++;
        if (run % 3 === 0) killedBeforeAnswer++;
      } else expect([result.code, result.stderr]).toEqual([0, '']);
      expect(duplicates(world)).toEqual([]);
    }
    // Many kills must have landed mid-run, some between create-applied and answer, or the test proves little.
    // (A run sends 5–20 Jira requests now, and a rerun that finds the killed run's lease still held does nothing.)
    expect(killedMidRun).toBeGreaterThanOrEqual(6);
    expect(killedBeforeAnswer).toBeGreaterThanOrEqual(2);

    // Later runs: once the bound has passed, held-back creates are resolved by search.
    // Waits are due when search can be trusted (no retry backoff), so a few runs, a third of the bound apart, get there.
    let done = false;
    let last: Pick<ReturnType<typeof summaryOf>, 'notRun' | 'deferred' | 'retrySet' | 'failures'> | undefined;
    for (let i = 0; i < 8 && !done; i++) {
      const final = await runChild(env);
      expect([final.code, final.stderr]).toEqual([0, '']);
      const summary = summaryOf(final);
      expect(duplicates(world)).toEqual([]);
      last = { notRun: summary.notRun, deferred: summary.deferred, retrySet: summary.retrySet, failures: summary.failures };
      // A run that found the last killed run's lease still held did nothing: not done.
      done = !summary.notRun && summary.deferred === 0 && summary.retrySet.size === 0 && summary.failures.length === 0;
      if (!done) await new Promise((r) => setTimeout(r, (BOUND_SECONDS * 1000) / 3));
    }
    // Not done: the last later run's summary and what stays in the retry set say why.
    const left = done ? [] : (await world.state.retrySet()).map((i) => ({ haloId: i.haloId, action: i.action, attempts: i.attempts, dueInMs: i.nextTryAt - Date.now(), reason: i.reason }));
    expect({ done, last, left }).toEqual({ done: true, last, left: [] });
    const byHalo = ticketsByHalo(world.jira);
    for (const issue of world.halo.issues()) {
      expect([issue.id, (byHalo.get(issue.id) ?? []).map((t) => t.status)]).toEqual([issue.id, [issue.status === 'resolved' ? 'Closed' : 'Open']]);
    }
    expect(byHalo.size).toBe(300);
    expect(world.jira.violations).toEqual([]);
  }, 600_000);
});

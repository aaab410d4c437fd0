import { spawn } from 'node:child_process';
import path from 'node:path';
import { rngFrom } from '../../../local/halo';
import { startWorld } from '../../../local/world';
import { JIRA_SYNC_WORLD, settle, ticketsByHalo, type JiraSyncWorld } from '../../../local/world/jira-sync';

/**
 * Crash safety: 20 runs of the real handler in a child process, each SIGKILLed at a random point
 * (after 1–40 more Jira requests) while Halo keeps changing; after every kill there must be no duplicate ticket, and a final
 * complete run must leave exactly one ticket per issue in the right state.
 */
const RUNNER = path.join(__dirname, 'run-handler.ts');

/** `killAt`: SIGKILL once the Jira stand-in has seen that many more requests (a random point mid-run). */
function runChild(env: Record<string, string>, killAt?: () => boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // node itself runs the script (tsx as a loader): the tsx CLI would fork, and SIGKILL would orphan the real run.
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER], { env: { ...process.env, ...env, POWERTOOLS_LOG_LEVEL: 'ERROR', NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAt === undefined ? undefined : setInterval(() => killAt() && child.kill('SIGKILL'), 2);
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function duplicates(world: JiraSyncWorld): string[] {
  return [...ticketsByHalo(world.jira).entries()].filter(([, t]) => t.length > 1).map(([id]) => id);
}

describe('kill at random points and rerun', () => {
  let world: JiraSyncWorld;
  beforeAll(async () => {
    world = await startWorld({ ...JIRA_SYNC_WORLD, latencyMs: 20, issues: { count: 300, seed: 11 } });
  }, 60_000);
  afterAll(() => world?.stop());

  it('20 killed runs, then one complete run: zero duplicate tickets, final state correct', async () => {
    const rng = rngFrom(2026);
    const env = { ...world.jiraSyncEnv, ISSUE_SYNC_MAX: '120' };
    let clock = Date.parse('2026-11-21T00:00:00Z');
    const killedMidRun: number[] = [];
    for (let run = 1; run <= 20; run++) {
      // Halo keeps changing between runs: a few resolve, a few come back.
      for (const issue of world.halo.issues()) {
        if (rng() > 0.1) continue;
        clock += 1000;
        if (issue.status === 'active') world.halo.resolveIssue(issue.id, new Date(clock));
        else world.halo.reactivateIssue(issue.id, new Date(clock));
      }
      const base = world.jira.requests.length;
      const after = 1 + Math.floor(rng() * 40);
      const result = await runChild(env, () => world.jira.requests.length >= base + after);
      if (result.signal === 'SIGKILL') killedMidRun.push(after);
      else expect([result.code, result.stderr]).toEqual([0, '']);
      await settle(world);
      expect(duplicates(world)).toEqual([]);
    }
    // Most kills must have landed mid-run, or the test proves little.
    expect(killedMidRun.length).toBeGreaterThanOrEqual(15);

    for (let i = 0; i < 6; i++) {
      const final = await runChild(env);
      expect(final.code).toBe(0);
      await settle(world);
      const summary = JSON.parse(final.stdout.trim().split('\n').at(-1)!) as { deferred: number; failures: unknown[] };
      expect(summary.failures).toEqual([]);
      if (summary.deferred === 0) break;
    }
    expect(duplicates(world)).toEqual([]);
    const byHalo = ticketsByHalo(world.jira);
    for (const issue of world.halo.issues()) {
      const tickets = byHalo.get(issue.id) ?? [];
      if (tickets.length !== 1 || tickets[0]!.status !== (issue.status === 'resolved' ? 'Closed' : 'Open')) {
        console.log(JSON.stringify({ issue: { status: issue.status, created: issue.created_at, updated: issue.updated_at, last: issue.last_seen_at, resolved: issue.resolved_at }, tickets: tickets.map((t) => ({ history: t.history, comments: t.comments.map((c) => [c.created, c.text.slice(-80)]) })) }, null, 1));
      }
      expect([issue.id, tickets.map((t) => t.status)]).toEqual([issue.id, [issue.status === 'resolved' ? 'Closed' : 'Open']]);
    }
    expect(byHalo.size).toBe(300);
    expect(world.jira.violations).toEqual([]);
  }, 600_000);
});

/**
 * jiraSync at scale: 10,000 Halo issues against Halo and Jira stand-ins answering with 50 ms of
 * latency. The stand-ins run in this process; the sync runs in a child process (the real handler,
 * environment only, checkpoint in moto) so its peak RSS is its own.
 *
 *   npx tsx bench/jira-sync.ts [--issues 10000] [--latency 50]
 *
 * Prints wall time (and the Halo share of it), Jira requests by kind, per issue, per created and
 * per updated ticket, Halo requests, DynamoDB (state table) requests per issue, and the child's
 * peak RSS, for a first run (every issue new), a second run with no Halo change, and a third run
 * after Halo changed a fifth of the issues (resolved, found again, seen again).
 * Runs set JIRA_SEARCH_LAG_SECONDS=1 (the stand-in's search lag is 0.3 s): in real life runs are minutes apart, so tickets
 * written by the previous run are not "recently updated" (which makes a comment read the ticket first).
 */
import { spawn } from 'node:child_process';
import { startWorld } from '../local/world';
import type { HaloStub } from '../local/halo';
import { JIRA_SYNC_WORLD } from '../local/world/jira-sync';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const CHILD = process.argv.includes('--child');

async function child(): Promise<void> {
  const { handler } = await import('../functions/jiraSync/handler');
  const end = Date.now() + 900_000;
  const context = { functionName: 'bench-jiraSync', awsRequestId: 'bench', getRemainingTimeInMillis: () => end - Date.now() };
  const summary = await handler({}, context as never);
  const { planned: _p, failures, ...rest } = summary;
  process.stdout.write(`${JSON.stringify({ ...rest, failures: failures.length, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

function runSync(env: Record<string, string>): Promise<{ ms: number; result: Record<string, unknown> }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', __filename, '--child'], {
      env: { ...process.env, ...env, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`sync child exited with ${code}`));
      resolve({ ms: Date.now() - started, result: JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown> });
    });
  });
}

async function main(): Promise<void> {
  const issues = arg('issues', 10_000);
  const latency = arg('latency', 50);
  const world = await startWorld({ ...JIRA_SYNC_WORLD, latencyMs: latency, issues: { count: issues, seed: 99 } });
  try {
    const env = { ...world.jiraSyncEnv, ISSUE_SYNC_MAX: String(issues) };
    const resolved = world.halo.issues().filter((i) => i.status === 'resolved').length;
    const line = (k: string, v: string | number): void => void process.stdout.write(`${k.padEnd(44)}${v}\n`);
    line('Halo issues (resolved)', `${issues} (${resolved})`);
    line('stand-in latency per request', `${latency} ms`);
    const runs = [
      { label: 'first run (all new)', before: () => undefined },
      { label: 'second run (no Halo change)', before: () => undefined },
      { label: 'third run (Halo changed 2,000 issues: resolved, found again, seen again)', before: () => changeHalo(world.halo, issues) },
    ];
    for (const { label, before } of runs) {
      before();
      const jiraBefore = world.jira.counts();
      const haloBefore = world.halo.requests.entries.length;
      const { ms, result } = await runSync({ ...env, JIRA_SEARCH_LAG_SECONDS: '1' });
      const jira = world.jira.counts();
      const delta = Object.fromEntries(Object.entries(jira).map(([k, v]) => [k, v - (jiraBefore[k as keyof typeof jira] ?? 0)])) as Record<string, number>;
      const total = Object.values(delta).reduce((a, b) => a + b, 0);
      const actions = result.actions as Record<string, number>;
      const created = actions.create ?? 0;
      const updated = (actions.close ?? 0) + (actions.reopen ?? 0) + (actions.comment ?? 0) - Number(result.createdClosed ?? 0);
      const timing = result.timing as { wallMs: number; haloShare: number; throttledMs: { jira: number; halo: number } };
      process.stdout.write(`\n== ${label}\n`);
      line('wall time', `${(ms / 1000).toFixed(1)} s (includes ~1 s process start); the run itself ${(timing.wallMs / 1000).toFixed(1)} s`);
      line('Halo share of the run (a Halo request on the wire)', `${(timing.haloShare * 100).toFixed(0)} %`);
      line('throttled (429 / rate-limit pauses)', `Jira ${timing.throttledMs.jira} ms, Halo ${timing.throttledMs.halo} ms`);
      line('actions', JSON.stringify(result.actions));
      line('created closed (in the bulk create)', String(result.createdClosed));
      line('bulk transitions', JSON.stringify(result.bulkTransitions));
      line('failures', String(result.failures));
      line('Jira requests by kind', JSON.stringify(delta));
      line('Jira search requests per issue', (delta.search! / issues).toFixed(3));
      line('Jira requests per issue (all kinds)', (total / issues).toFixed(3));
      if (created > 0) {
        line('create requests per created ticket', ((delta.bulkCreate! + delta.create!) / created).toFixed(3));
        line('Jira requests per created ticket (all)', (total / created).toFixed(3));
      }
      if (updated > 0 && created === 0) line('Jira requests per updated ticket (all)', (total / updated).toFixed(3));
      line('Halo requests by kind (client)', JSON.stringify((result.requests as { halo: unknown }).halo));
      line('Halo requests', world.halo.requests.entries.length - haloBefore);
      line('DynamoDB requests (state table)', String(result.stateRequests));
      line('DynamoDB requests per issue', (Number(result.stateRequests) / issues).toFixed(3));
      line('peak RSS of the sync process', `${String(result.maxRssMb)} MB`);
      line('contract violations', world.jira.violations.length);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await world.stop();
  }
}

/**
 * Halo changes between the second and third run, on 2,000 of the issues (a fifth at 10,000):
 * 1,000 active issues resolved (→ close), 300 resolved ones found again (→ reopen), 700 active
 * ones seen again by a new scan (→ comment).
 */
function changeHalo(halo: HaloStub, issues: number): void {
  const scale = issues / 10_000;
  const all = halo.issues();
  const active = all.filter((i) => i.status === 'active');
  const resolved = all.filter((i) => i.status === 'resolved');
  const at = new Date();
  for (const i of active.slice(0, Math.round(1000 * scale))) halo.resolveIssue(i.id, at);
  for (const i of resolved.slice(0, Math.round(300 * scale))) halo.reactivateIssue(i.id, at);
  for (const i of active.slice(Math.round(1000 * scale), Math.round(1700 * scale))) halo.upsertIssue({ ...i, last_seen_at: at.toISOString(), updated_at: at.toISOString() });
}

(CHILD ? child() : main()).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

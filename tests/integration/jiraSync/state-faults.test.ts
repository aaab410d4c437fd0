import http from 'node:http';
import { demoIssues } from '../../../local/halo';
import { startWorld } from '../../../local/world';
import { JIRA_SYNC_WORLD, jiraWrites, syncIn, ticketsByHalo, type JiraSyncWorld as World } from '../../../local/world/jira-sync';
import { freePort, listenOnLoopback } from '../../../local/ports';
import { runChild, summaryOf } from './run-child';

/**
 * jiraSync with its state table in moto DynamoDB, against faults: Jira write storms, a create
 * permission revoked mid-run, the state table throttled or unreachable, two runs at once, the
 * old tool's id spelling, DRY_RUN. Each starts from an empty world.
 */
let world: World;
beforeEach(async () => {
  world = await startWorld(JIRA_SYNC_WORLD);
}, 60_000);
afterEach(() => world?.stop());

const duplicates = (w: World): string[] => [...ticketsByHalo(w.jira).entries()].filter(([, t]) => t.length > 1).map(([id]) => id);

function expectFinalState(w: World): void {
  const byHalo = ticketsByHalo(w.jira);
  for (const issue of w.halo.issues()) {
    expect([issue.id, (byHalo.get(issue.id) ?? []).map((t) => t.status)]).toEqual([issue.id, [issue.status === 'resolved' ? 'Closed' : 'Open']]);
  }
}

it('Jira answering 20 % 429 and 5 % 503 to writes: one run reaches the final state', async () => {
  world.halo.seed(demoIssues(120, 5));
  world.jira.writeStorm({ rateLimited: 0.2, unavailable: 0.05, seed: 7 });
  const summary = await syncIn(world);
  // Few writes now (bulk creates carry the close), so few are hit; each hit is retried or settled.
  const refused = world.jira.requests.filter((r) => r.status === 429 || r.status === 503).length;
  expect(refused).toBeGreaterThan(0);
  expect(summary.failures).toEqual([]);
  expectFinalState(world);
  expect(world.jira.violations).toEqual([]);
}, 180_000);

it('create permission revoked mid-run: refused issues are in the retry set and the run says so; after restoring, a run files them', async () => {
  world.halo.seed(demoIssues(200, 6));
  const revoke = setInterval(() => world.jira.counts().bulkCreate >= 1 && world.jira.denyPermission('CREATE_ISSUES'), 1);
  const first = await syncIn(world);
  clearInterval(revoke);
  const refused = first.failures.filter((f) => f.action === 'create');
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0]!.reason).toMatch(/permission to create issues/);
  expect(first.retrySet.size).toBe(refused.length);
  expect((await world.state.retrySet()).map((i) => i.haloId).sort()).toEqual(refused.map((f) => f.haloId).sort());
  expect(first.checkpointAfter > first.checkpointBefore).toBe(true);

  world.jira.allowPermission('CREATE_ISSUES');
  const second = await syncIn(world);
  expect(second.retrySet).toMatchObject({ due: refused.length, resolved: refused.length, size: 0 });
  expect(duplicates(world)).toEqual([]);
  expectFinalState(world);
}, 120_000);

describe('the state table cannot be used: the run fails before writing to Jira', () => {
  it('unreachable (nothing listens at its endpoint)', async () => {
    world.halo.seed(demoIssues(20, 8));
    const closed = await freePort();
    const run = await runChild({ ...world.jiraSyncEnv, AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${closed}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/state table .*ECONNREFUSED/);
    expect(jiraWrites(world.jira)).toBe(0);
  }, 60_000);

  it('throttled (every request answered ThrottlingException)', async () => {
    world.halo.seed(demoIssues(20, 9));
    const throttled = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }));
      });
    });
    const { port, close } = await listenOnLoopback(throttled);
    try {
      const run = await runChild({ ...world.jiraSyncEnv, AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}` });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/state table .*Throttling/);
      expect(jiraWrites(world.jira)).toBe(0);
    } finally {
      await close();
    }
  }, 60_000);
});

it('two runs started together: one works, the other exits 0 on the lease', async () => {
  world.halo.seed(demoIssues(60, 10));
  const [a, b] = await Promise.all([runChild(world.jiraSyncEnv), runChild(world.jiraSyncEnv)]);
  expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
  const notRun = [summaryOf(a), summaryOf(b)].map((s) => s.notRun);
  expect(notRun.sort()).toEqual(['another run holds the lease', undefined]);
  expect(duplicates(world)).toEqual([]);
  expectFinalState(world);
}, 120_000);

it("a ticket of the old tool (v1.x id without dashes) is adopted, not duplicated", async () => {
  const [issue] = demoIssues(1, 12).map((i) => ({ ...i, status: 'resolved' as const, resolved_at: i.last_seen_at }));
  world.halo.seed([issue!]);
  const old = world.jira.seedTicket({ summary: 'created by jira_halo_issues_sync 1.2', fields: { customfield_10050: issue!.id.replace(/-/g, '') } });
  const summary = await syncIn(world);
  expect(summary.actions).toMatchObject({ create: 0, close: 1 });
  expect(world.jira.tickets().map((t) => [t.key, t.status])).toEqual([[old.key, 'Closed']]);
}, 60_000);

it('DRY_RUN writes nothing to Jira and nothing to the state table but the lease (released at the end)', async () => {
  world.halo.seed(demoIssues(30, 13));
  const summary = await syncIn(world, { DRY_RUN: 'true' });
  expect(summary.planned!.length).toBeGreaterThan(0);
  expect(jiraWrites(world.jira)).toBe(0);
  expect(await world.state.retrySet()).toEqual([]);
  expect(await world.state.readLedger(world.halo.issues().map((i) => i.id))).toEqual(new Map());
  expect(await world.state.readLease()).toBeUndefined();
}, 60_000);

it('ISSUE_SYNC_MAX cuts the run; the next runs go on from the checkpoint without duplicates', async () => {
  world.halo.seed(demoIssues(90, 14));
  const first = await syncIn(world, { ISSUE_SYNC_MAX: '40' });
  expect(first.deferred).toBeGreaterThan(0);
  for (let i = 0; i < 4; i++) if ((await syncIn(world, { ISSUE_SYNC_MAX: '40' })).deferred === 0) break;
  expect(duplicates(world)).toEqual([]);
  expectFinalState(world);
}, 120_000);

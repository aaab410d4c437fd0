import { demoIssues } from '../../../local/halo';
import { startWorld } from '../../../local/world';
import { JIRA_SYNC_WORLD, jiraWrites, syncIn, ticketsByHalo, type JiraSyncWorld as World } from '../../../local/world/jira-sync';
import { ConfigError } from '../../../shared/errors';

/**
 * Issue 11 against the stand-ins: Jira requests per created ticket on a fresh world, bulk
 * transition tasks (and the fallback without "Make bulk changes"), typed static field values,
 * and a field name that names two fields failing before any write. Each starts from an empty world.
 */
let world: World;
beforeEach(async () => {
  world = await startWorld(JIRA_SYNC_WORLD);
}, 60_000);
afterEach(() => world?.stop());

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

it('a fresh world: resolved issues are created closed in the bulk create; one transitions GET in the run, no per-ticket transition', async () => {
  world.halo.seed(demoIssues(200, 21));
  const resolved = world.halo.issues().filter((i) => i.status === 'resolved');
  expect(resolved.length).toBeGreaterThan(20);
  const summary = await syncIn(world);
  expect(summary.failures).toEqual([]);
  const counts = world.jira.counts();
  expect([counts.transitionsList, counts.transition]).toEqual([1, 0]);
  expect(summary.createdClosed).toBe(resolved.length);
  expect(summary.actions).toMatchObject({ create: 200, close: resolved.length });
  expect(total(counts) / summary.actions.create).toBeLessThanOrEqual(0.1);
  const byHalo = ticketsByHalo(world.jira);
  for (const i of world.halo.issues()) expect(byHalo.get(i.id)!.map((t) => t.status)).toEqual([i.status === 'resolved' ? 'Closed' : 'Open']);
  expect(summary.requests.jira).toMatchObject({ search: counts.search, create: counts.bulkCreate });
  expect(world.jira.violations).toEqual([]);
}, 120_000);

it('many closes of existing tickets go as one bulk transition task; without "Make bulk changes" each ticket is transitioned on its own', async () => {
  world.halo.seed(demoIssues(80, 22));
  await syncIn(world);
  const active = world.halo.issues().filter((i) => i.status === 'active');
  const later = (n: number): Date => new Date(Date.now() + n * 1000);
  active.slice(0, 15).forEach((i, n) => { world.halo.resolveIssue(i.id, later(n)); });
  const before = world.jira.counts();
  const bulk = await syncIn(world);
  const after = world.jira.counts();
  expect(bulk.bulkTransitions).toMatchObject({ moved: 15, failed: 0, pending: 0, refused: false });
  expect([after.bulkTransition - before.bulkTransition, after.transition - before.transition]).toEqual([1, 0]);

  world.jira.denyPermission('BULK_CHANGE');
  active.slice(15, 27).forEach((i, n) => { world.halo.resolveIssue(i.id, later(30 + n)); });
  const one = await syncIn(world);
  const last = world.jira.counts();
  expect(one.bulkTransitions.refused).toBe(true);
  expect(one.actions.close).toBe(12);
  expect([last.bulkTransition - after.bulkTransition, last.transition - after.transition]).toEqual([1, 12]);
  const byHalo = ticketsByHalo(world.jira);
  for (const i of active.slice(0, 27)) expect(byHalo.get(i.id)!.map((t) => t.status)).toEqual(['Closed']);
  expect(world.jira.violations).toEqual([]);
}, 120_000);

it('JIRA_FIELD_STATIC values arrive typed for their fields', async () => {
  world.halo.seed(demoIssues(3, 23));
  const summary = await syncIn(world, { JIRA_FIELD_STATIC: 'Priority:high;Labels:halo sync;Components:Cloud;Environments:production;Risk Score:7.5;Halo First Seen:2026-11-30T10:00:00Z;customfield_10060:platform' });
  expect(summary.failures).toEqual([]);
  const [ticket] = world.jira.tickets();
  expect(ticket!.fields).toMatchObject({
    priority: expect.objectContaining({ name: 'High' }),
    labels: ['halo_sync'],
    components: [expect.objectContaining({ name: 'Cloud' })],
    customfield_10057: [expect.objectContaining({ value: 'production' })],
    customfield_10059: 7.5,
    customfield_10054: '2026-11-30',
    customfield_10060: expect.objectContaining({ value: 'Platform' }),
  });
  expect(world.jira.violations).toEqual([]);
}, 60_000);

it('a field name that names two fields fails the run before any write, naming the variable and the candidate ids', async () => {
  world.halo.seed(demoIssues(3, 24));
  const err = await syncIn(world, { JIRA_FIELD_STATIC: 'Team:Platform' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  const [problem] = (err as ConfigError).problems;
  expect(problem).toMatchObject({ variable: 'JIRA_FIELD_STATIC', value: 'Team' });
  expect(problem!.expected).toMatch(/customfield_10060.*customfield_10061/);
  expect(jiraWrites(world.jira)).toBe(0);
  expect(await world.checkpoint.read()).toBeUndefined();
  expect(await world.state.retrySet()).toEqual([]);
}, 60_000);

import { startWorld } from '../../../local/world';
import { JIRA_SYNC_WORLD, jiraWrites, settle, syncIn, ticketsByHalo, type JiraSyncWorld } from '../../../local/world/jira-sync';

/** The reviewer's scenario, in process: real clients, Halo and Jira stand-ins, checkpoint in moto. */
describe('jiraSync scenario against the stand-ins', () => {
  let world: JiraSyncWorld;
  beforeAll(async () => {
    world = await startWorld({ ...JIRA_SYNC_WORLD, issues: { count: 500, seed: 42 } });
  }, 60_000);
  afterAll(() => world?.stop());

  it('500 mixed issues → exactly one ticket each; then no change → zero writes; resolve 50 → 50 closes; re-activate 10 → 10 reopens; hard-closed → new ticket', async () => {
    const issues = world.halo.issues();
    expect(new Set(issues.map((i) => i.type)).size).toBeGreaterThanOrEqual(6);
    const resolvedAtStart = issues.filter((i) => i.status === 'resolved').length;
    expect(resolvedAtStart).toBeGreaterThan(50);

    const first = await syncIn(world);
    expect(first.failures).toEqual([]);
    const byHalo = ticketsByHalo(world.jira);
    expect(byHalo.size).toBe(500);
    expect([...byHalo.values()].every((t) => t.length === 1)).toBe(true);
    expect(first.actions.create).toBe(500);
    expect(first.actions.close).toBe(resolvedAtStart);
    for (const issue of issues) expect(byHalo.get(issue.id)![0]!.status).toBe(issue.status === 'resolved' ? 'Closed' : 'Open');
    expect(await world.checkpoint.read()).toBe(first.checkpointAfter);

    const writes = jiraWrites(world.jira);
    const second = await syncIn(world);
    expect(jiraWrites(world.jira)).toBe(writes);
    expect(second.failures).toEqual([]);

    const toResolve = issues.filter((i) => i.status === 'active').slice(0, 50);
    const base = Date.parse(second.checkpointAfter);
    toResolve.forEach((i, n) => { world.halo.resolveIssue(i.id, new Date(base + 60_000 + n * 1000)); });
    const third = await syncIn(world);
    expect(third.actions).toMatchObject({ close: 50, create: 0, reopen: 0, comment: 0 });
    for (const i of toResolve) expect(ticketsByHalo(world.jira).get(i.id)!.map((t) => t.status)).toEqual(['Closed']);

    const toReactivate = toResolve.slice(0, 10);
    toReactivate.forEach((i, n) => { world.halo.reactivateIssue(i.id, new Date(base + 200_000 + n * 1000)); });
    const fourth = await syncIn(world);
    expect(fourth.actions).toMatchObject({ reopen: 10, create: 0, close: 0 });
    for (const i of toReactivate) expect(ticketsByHalo(world.jira).get(i.id)!.map((t) => t.status)).toEqual(['Open']);

    // A human marks a ticket Won't Fix; Halo sees the issue again → a new ticket, the old one stays.
    const wontFix = toReactivate[0]!;
    const oldKey = ticketsByHalo(world.jira).get(wontFix.id)![0]!.key;
    world.jira.setStatus(oldKey, "Won't Fix");
    await settle(world);
    world.halo.upsertIssue({ ...world.halo.issues().find((i) => i.id === wontFix.id)!, last_seen_at: new Date(base + 300_000).toISOString() });
    const fifth = await syncIn(world);
    expect(fifth.actions).toMatchObject({ create: 1, reopen: 0, close: 0 });
    expect(ticketsByHalo(world.jira).get(wontFix.id)!.map((t) => [t.key === oldKey, t.status]).sort()).toEqual([[false, 'Open'], [true, "Won't Fix"]]);

    expect(world.jira.violations).toEqual([]);
    expect(ticketsByHalo(world.jira).size).toBe(500);
  }, 120_000);
});

import { kmsEncryptForFunction, putSecureString } from '../../../local/aws/seed';
import { startWorld } from '../../../local/world';
import { JIRA_SYNC_WORLD, jiraWrites, settle, ticketsByHalo, type JiraSyncWorld } from '../../../local/world/jira-sync';
import { invokeResult, sls } from '../portForwarder/sls';
import type { SyncSummary } from '../../../functions/jiraSync/sync';

/**
 * `sls invoke local --stage local -f jiraSync`, configured by environment variables only, against
 * the Halo and Jira stand-ins and moto (SSM checkpoint, SSM SecureString and KMS-encrypted secrets).
 */
const FUNCTION_NAME = 'halo-jira-port-local-jiraSync';

describe('jiraSync through sls invoke local', () => {
  let world: JiraSyncWorld;
  let env: Record<string, string>;

  beforeAll(async () => {
    world = await startWorld({ ...JIRA_SYNC_WORLD, issues: { count: 500, seed: 5 } });
    // Jira token: KMS ciphertext with the console's encryption context; Halo secret: SSM SecureString.
    const jiraToken = await kmsEncryptForFunction(world.moto.aws, FUNCTION_NAME, world.jiraSyncEnv.JIRA_API_TOKEN!);
    await putSecureString(world.moto.aws, '/halo-jira-port/local/halo-secret', world.jiraSyncEnv.HALO_API_SECRET_KEY!);
    env = {
      ...world.jiraSyncEnv,
      JIRA_API_TOKEN: jiraToken,
      HALO_API_SECRET_KEY: '',
      HALO_API_SECRET_KEY_SSM_PARAM: '/halo-jira-port/local/halo-secret',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    };
  }, 120_000);
  afterAll(() => world?.stop());

  async function invoke(extra: Record<string, string> = {}): Promise<SyncSummary> {
    let run = await sls(['invoke', 'local', '--stage', 'local', '-f', 'jiraSync', '--path', 'functions/jiraSync/mock.json'], { ...env, ...extra }, 300_000);
    // Another suite's `sls` may be rebuilding .esbuild at the same moment: one retry.
    if (run.code !== 0 && /esbuild|ENOENT|Cannot find module/.test(run.stderr + run.stdout)) run = await sls(['invoke', 'local', '--stage', 'local', '-f', 'jiraSync', '--path', 'functions/jiraSync/mock.json'], { ...env, ...extra }, 300_000);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr + run.stdout }).toEqual({ code: 0, stderr: '' });
    await settle(world);
    return invokeResult(run.stdout) as SyncSummary;
  }

  it('runs the scenario: 500 → one ticket each, rerun → zero writes, 50 closes, 10 reopens, hard-closed → new ticket', async () => {
    const dry = await invoke({ DRY_RUN: 'true' });
    expect(dry.planned).toHaveLength(500);
    expect(world.jira.tickets()).toHaveLength(0);
    expect(await world.checkpoint.read()).toBeUndefined(); // a dry run writes no SSM either

    const first = await invoke();
    expect(first.failures).toEqual([]);
    expect(first.actions.create).toBe(500);
    const byHalo = ticketsByHalo(world.jira);
    expect(byHalo.size).toBe(500);
    expect([...byHalo.values()].every((t) => t.length === 1)).toBe(true);
    expect(await world.checkpoint.read()).toBe(first.checkpointAfter);

    const writes = jiraWrites(world.jira);
    await invoke();
    expect(jiraWrites(world.jira)).toBe(writes);

    const active = world.halo.issues().filter((i) => i.status === 'active').slice(0, 50);
    const base = Date.parse(first.checkpointAfter);
    active.forEach((i, n) => { world.halo.resolveIssue(i.id, new Date(base + 60_000 + n * 1000)); });
    expect((await invoke()).actions).toMatchObject({ close: 50, create: 0 });

    active.slice(0, 10).forEach((i, n) => { world.halo.reactivateIssue(i.id, new Date(base + 200_000 + n * 1000)); });
    expect((await invoke()).actions).toMatchObject({ reopen: 10, create: 0, close: 0 });

    const target = active[0]!;
    world.jira.setStatus(ticketsByHalo(world.jira).get(target.id)![0]!.key, "Won't Fix");
    await settle(world);
    world.halo.upsertIssue({ ...world.halo.issues().find((i) => i.id === target.id)!, last_seen_at: new Date(base + 300_000).toISOString() });
    expect((await invoke()).actions).toMatchObject({ create: 1, reopen: 0 });
    expect(ticketsByHalo(world.jira).get(target.id)!.map((t) => t.status).sort()).toEqual(['Open', "Won't Fix"]);

    expect(world.jira.violations).toEqual([]);
  }, 900_000);

  it('fails fast (before any Jira call) on bad configuration, naming the variable, the value and the expected form', async () => {
    const before = world.jira.requests.length;
    const run = await sls(['invoke', 'local', '--stage', 'local', '-f', 'jiraSync', '--path', 'functions/jiraSync/mock.json'], { ...env, TIME_RANGE: 'fifteen' }, 300_000);
    expect(run.code).not.toBe(0);
    const { errorMessage } = invokeResult(run.stdout) as { errorMessage: string };
    expect(errorMessage).toMatch(/TIME_RANGE="fifteen"; expected a whole number of minutes/);
    expect(world.jira.requests.length).toBe(before); // failed before any call
  }, 300_000);
});

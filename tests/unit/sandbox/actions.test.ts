import { SandboxActions } from '../../../sandbox/actions';
import type { SandboxState } from '../../../sandbox/boot';
import type { InvokeResult } from '../../../sandbox/offline';
import { RunLog } from '../../../sandbox/runs';
import { SyncGate } from '../../../sandbox/sync-gate';

/** The actions against stand-in pieces: an offline endpoint that answers what we script, a Halo that records. */
function setup(answer: InvokeResult, stopping = false) {
  const invoked: string[] = [];
  const halo = { resolved: [] as string[], reactivated: [] as string[] };
  const emitted: string[][] = [];
  const samples = [{ name: 'ec2-running' }, { name: 's3-delete' }, { name: 'lambda-create' }];
  const state = {
    runs: new RunLog(),
    offline: {
      invoke: async (fn: string) => {
        invoked.push(fn);
        return answer;
      },
    },
    world: { halo: { resolveIssue: (id: string) => halo.resolved.push(id), reactivateIssue: (id: string) => halo.reactivated.push(id) } },
    emitter: {
      samples,
      byName: (n: string) => samples.find((s) => s.name === n)!,
      emit: async (picked?: Array<{ name: string }>) => {
        const sent = picked ?? [samples[0]!];
        emitted.push(sent.map((s) => s.name));
        return sent.length;
      },
    },
    sampleEffects: [
      { name: 'ec2-running', creates: [{ blueprint: 'ec2Instance', identifier: 'i-1' }], deletes: [] },
      { name: 's3-delete', creates: [], deletes: [{ blueprint: 's3Bucket', identifier: 'b' }] },
      { name: 'lambda-create', creates: [{ blueprint: 'lambdaFunction', identifier: 'f' }], deletes: [] },
    ],
  } as unknown as SandboxState;
  let changes = 0;
  const actions = new SandboxActions(state, new SyncGate(), { isStopping: () => stopping, changed: () => void changes++ });
  return { actions, state, invoked, halo, emitted, changes: () => changes };
}

const summary = { listed: 3, actions: { create: 2, close: 1 }, failures: [] };

describe('SandboxActions', () => {
  it('runs jiraSync through the offline endpoint and records the run', async () => {
    const t = setup({ ok: true, result: summary });
    const text = await t.actions.forDashboard().runJiraSync();
    expect(text).toBe('jiraSync finished: listed 3 · create 2, close 1 · 0 failures.');
    expect(t.invoked).toEqual(['halo-jira-port-local-jiraSync']);
    expect(t.state.runs.list()).toEqual([expect.objectContaining({ fn: 'jiraSync', trigger: 'manual', ok: true })]);
    expect(t.changes()).toBe(1);
  });

  it('records a run with failures as not ok, and a failed invocation as an error', async () => {
    const failing = setup({ ok: true, result: { ...summary, failures: [{ id: 'x' }] } });
    await failing.actions.runJiraSync();
    expect(failing.state.runs.list()[0]).toMatchObject({ ok: false });
    const broken = setup({ ok: false, result: undefined, error: 'Task timed out' });
    await expect(broken.actions.forDashboard().runJiraSync()).rejects.toThrow('jiraSync failed: Task timed out');
    expect(broken.state.runs.list()[0]).toMatchObject({ ok: false, summary: 'Task timed out' });
  });

  it('runs portResync through the offline endpoint, records the run and the last resync', async () => {
    const result = { runId: 'r', complete: true, pending: [], created: 12, updated: 0, deleted: 1, unchanged: 3, failed: 0, durationMs: 2345, failures: [] };
    const t = setup({ ok: true, result });
    const text = await t.actions.forDashboard().runPortResync();
    expect(text).toBe('portResync finished: created 12 · updated 0 · deleted 1 · unchanged 3 · 2.3 s.');
    expect(t.invoked).toEqual(['halo-jira-port-local-portResync']);
    expect(t.state.lastResync).toMatchObject({ trigger: 'manual', ok: true, complete: true, created: 12, deleted: 1, unchanged: 3, durationMs: 2345 });
    expect(t.state.runs.list()).toEqual([expect.objectContaining({ fn: 'portResync', trigger: 'manual', ok: true })]);
    expect(t.changes()).toBe(1);
  });

  it('a failed portResync is the last resync, with its error, and the dashboard action fails', async () => {
    const t = setup({ ok: false, result: undefined, error: 'ConfigError: Invalid configuration' });
    await expect(t.actions.forDashboard().runPortResync()).rejects.toThrow('portResync failed: ConfigError: Invalid configuration');
    expect(t.state.lastResync).toMatchObject({ ok: false, error: 'ConfigError: Invalid configuration' });
    expect(t.state.runs.list()[0]).toMatchObject({ fn: 'portResync', ok: false, summary: 'ConfigError: Invalid configuration' });
  });

  it('refuses to run while stopping', async () => {
    const t = setup({ ok: true, result: summary }, true);
    await expect(t.actions.scheduledJiraSync()).rejects.toThrow('the sandbox is stopping');
    await expect(t.actions.runPortResync()).rejects.toThrow('the sandbox is stopping');
    expect(t.invoked).toEqual([]);
  });

  it("emits the creating samples, a named one, or the next in rotation", async () => {
    const t = setup({ ok: true, result: summary });
    expect(await t.actions.emitEvent('creating')).toBe(2);
    await t.actions.emitEvent('s3-delete');
    await t.actions.emitEvent();
    expect(t.emitted).toEqual([['ec2-running', 'lambda-create'], ['s3-delete'], ['ec2-running']]);
    expect(await t.actions.forDashboard().emitEvent('s3-delete')).toBe('Emitted 1 event(s) onto the default bus.');
  });

  it('resolves and re-activates Halo issues, saying what jiraSync will do', async () => {
    const t = setup({ ok: true, result: summary });
    const dash = t.actions.forDashboard();
    expect(await dash.resolveIssue('abc')).toMatch(/^Resolved abc in Halo; jiraSync closes its ticket/);
    expect(await dash.reactivateIssue('abc')).toMatch(/^Re-activated abc in Halo; jiraSync reopens/);
    expect(t.halo).toEqual({ resolved: ['abc'], reactivated: ['abc'] });
  });
});

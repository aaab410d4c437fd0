import { offlineEnv } from '../../../sandbox/boot';
import { startRunning, stopPieces } from '../../../sandbox/sandbox';
import type { SandboxState } from '../../../sandbox/boot';
import { RunLog } from '../../../sandbox/runs';

describe('offlineEnv', () => {
  it('layers the world, the seeded secrets and the sandbox settings over the parent environment', () => {
    const env = offlineEnv(
      { jiraSyncEnv: { JIRA_API_TOKEN: 'plain', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', HALO_API_SECRET_KEY: 'plain' } },
      { JIRA_API_TOKEN: '', JIRA_API_TOKEN_SSM_PARAM: '/p', HALO_API_SECRET_KEY: 'cipher' },
      { webhookUrl: 'http://127.0.0.1:1/key', deadLetterUrl: 'http://127.0.0.1:5000/123456789012/dlq', buildFolder: '.sandbox/b' },
      { PATH: '/bin', JIRA_SYNC_TIMEOUT: '300' },
    );
    expect(env).toEqual({
      PATH: '/bin',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      JIRA_API_TOKEN: '',
      JIRA_API_TOKEN_SSM_PARAM: '/p',
      HALO_API_SECRET_KEY: 'cipher',
      JIRA_SYNC_SCHEDULE_ENABLED: 'false',
      JIRA_SYNC_TIMEOUT: '300',
      PORT_WEBHOOK_URL: 'http://127.0.0.1:1/key',
      DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:5000/123456789012/dlq',
      NODE_NO_WARNINGS: '1',
      ESBUILD_WORK_FOLDER: '.sandbox/b',
    });
    expect(offlineEnv({ jiraSyncEnv: {} }, {}, { webhookUrl: '', deadLetterUrl: '', buildFolder: '' }, {}).JIRA_SYNC_TIMEOUT).toBe('120');
  });
});

describe('startRunning', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('syncs once, emits the creating samples, then runs on the schedule and streams samples', async () => {
    const calls: string[] = [];
    const actions = {
      runJiraSync: async () => (calls.push('sync'), { ok: true, result: {} }),
      scheduledJiraSync: async () => (calls.push('scheduled'), undefined),
      emitEvent: async (name?: string) => (calls.push(`emit ${name ?? 'next'}`), 1),
    };
    const timers = startRunning(actions, { syncOnStart: true, periodMs: 60_000, eventEveryMs: 15_000 }, () => undefined);
    expect(calls).toEqual(['sync', 'emit creating']);
    jest.advanceTimersByTime(60_000);
    expect(calls.filter((c) => c === 'emit next')).toHaveLength(4);
    expect(calls.filter((c) => c === 'scheduled')).toHaveLength(1);
    for (const t of timers) clearInterval(t);
    jest.advanceTimersByTime(60_000);
    expect(calls.filter((c) => c === 'scheduled')).toHaveLength(1);
  });

  it('reports a failing first run, and with no stream sets only the schedule', async () => {
    const failed: string[] = [];
    const actions = {
      runJiraSync: () => Promise.reject(new Error('down')),
      scheduledJiraSync: async () => undefined,
      emitEvent: async () => 0,
    };
    const timers = startRunning(actions, { syncOnStart: true, periodMs: 60_000, eventEveryMs: 0 }, (what, err) => failed.push(`${what}: ${err.message}`));
    await jest.runOnlyPendingTimersAsync();
    expect(failed).toEqual(['jiraSync on start: down']);
    expect(timers).toHaveLength(1);
    for (const t of timers) clearInterval(t);
  });
});

describe('stopPieces', () => {
  it('stops the functions first and the world last, and copes with pieces never started', async () => {
    const order: string[] = [];
    const state = {
      runs: new RunLog(),
      offline: { stop: async () => void order.push('offline') },
      emitter: { close: () => void order.push('emitter') },
      deadLetters: { close: () => void order.push('dead letters') },
      world: { stop: async () => void order.push('world') },
    } as unknown as SandboxState;
    await stopPieces(state);
    expect(order).toEqual(['offline', 'emitter', 'dead letters', 'world']);
    await expect(stopPieces({ runs: new RunLog() })).resolves.toBeUndefined();
  });
});

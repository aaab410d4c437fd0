import { offlineEnv } from '../../../sandbox/boot';
import { startRunning, stopPieces } from '../../../sandbox/sandbox';
import type { SandboxState } from '../../../sandbox/boot';
import { RunLog } from '../../../sandbox/runs';

describe('offlineEnv', () => {
  it('layers the world, the seeded secrets and the sandbox settings over the parent environment', () => {
    const env = offlineEnv(
      { jiraSyncEnv: { JIRA_API_TOKEN: 'plain', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', HALO_API_SECRET_KEY: 'plain' } },
      { JIRA_API_TOKEN: '', JIRA_API_TOKEN_SSM_PARAM: '/p', HALO_API_SECRET_KEY: 'cipher' },
      { webhookUrl: 'http://127.0.0.1:1/key', webhookSecret: 'signing-secret-0123456789', deadLetterUrl: 'http://127.0.0.1:5000/123456789012/dlq', buildFolder: '.sandbox/b' },
      { PATH: '/bin', JIRA_SYNC_TIMEOUT: '300', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    );
    expect(env).toEqual({
      PATH: '/bin',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      JIRA_API_TOKEN: '',
      JIRA_API_TOKEN_SSM_PARAM: '/p',
      HALO_API_SECRET_KEY: 'cipher',
      JIRA_SYNC_SCHEDULE_ENABLED: 'false',
      PORT_RESYNC_SCHEDULE_ENABLED: 'false',
      JIRA_SYNC_TIMEOUT: '300',
      PORT_WEBHOOK_URL: 'http://127.0.0.1:1/key',
      PORT_WEBHOOK_SECRET: 'signing-secret-0123456789',
      DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:5000/123456789012/dlq',
      NODE_NO_WARNINGS: '1',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ESBUILD_WORK_FOLDER: '.sandbox/b',
    });
    expect(offlineEnv({ jiraSyncEnv: {} }, {}, { webhookUrl: '', webhookSecret: '', deadLetterUrl: '', buildFolder: '' }, {}).JIRA_SYNC_TIMEOUT).toBe('120');
  });

  it.each([
    ['SILENT', 'INFO'],
    ['WARN', 'INFO'],
    ['DEBUG', 'DEBUG'],
    ['info', 'info'],
  ])('runs the functions at INFO or more verbose (the run log reads their INFO lines): parent %s → %s', (parent, level) => {
    const env = offlineEnv({ jiraSyncEnv: {} }, {}, { webhookUrl: '', webhookSecret: '', deadLetterUrl: '', buildFolder: '' }, { POWERTOOLS_LOG_LEVEL: parent });
    expect(env.POWERTOOLS_LOG_LEVEL).toBe(level);
  });
});

describe('startRunning', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('syncs once, resyncs once, emits the creating samples after the resync, then runs on the schedule and streams samples', async () => {
    const calls: string[] = [];
    let resynced: (v: { ok: boolean; result: unknown }) => void = () => undefined;
    const actions = {
      runJiraSync: async () => {
        calls.push('sync');
        return { ok: true, result: {} };
      },
      scheduledJiraSync: async () => {
        calls.push('scheduled');
        return undefined;
      },
      runPortResync: (trigger?: string) => {
        calls.push(`resync ${trigger}`);
        return new Promise<{ ok: boolean; result: unknown }>((r) => {
          resynced = r;
        });
      },
      emitEvent: async (name?: string) => {
        calls.push(`emit ${name ?? 'next'}`);
        return 1;
      },
    };
    const timers = startRunning(actions, { syncOnStart: true, resyncOnStart: true, periodMs: 60_000, eventEveryMs: 15_000 }, () => undefined);
    expect(calls).toEqual(['sync', 'resync start']);
    // The samples' entities are not in moto: emitted before the resync, they would be deleted by it.
    resynced({ ok: true, result: {} });
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['sync', 'resync start', 'emit creating']);
    jest.advanceTimersByTime(60_000);
    expect(calls.filter((c) => c === 'emit next')).toHaveLength(4);
    expect(calls.filter((c) => c === 'scheduled')).toHaveLength(1);
    for (const t of timers) clearInterval(t);
    jest.advanceTimersByTime(60_000);
    expect(calls.filter((c) => c === 'scheduled')).toHaveLength(1);
  });

  it('reports failing first runs, still emits the samples, and with no stream sets only the schedule', async () => {
    const failed: string[] = [];
    const emitted: string[] = [];
    const actions = {
      runJiraSync: () => Promise.reject(new Error('down')),
      scheduledJiraSync: async () => undefined,
      runPortResync: async () => ({ ok: false, result: undefined, error: 'ConfigError: PORT_CLIENT_ID' }),
      emitEvent: async (name?: string) => {
        emitted.push(name ?? 'next');
        return 0;
      },
    };
    const timers = startRunning(actions, { syncOnStart: true, resyncOnStart: true, periodMs: 60_000, eventEveryMs: 0 }, (what, err) => failed.push(`${what}: ${err.message}`));
    await jest.runOnlyPendingTimersAsync();
    expect(failed.sort()).toEqual(['jiraSync on start: down', 'portResync on start: ConfigError: PORT_CLIENT_ID']);
    expect(emitted).toEqual(['creating']);
    expect(timers).toHaveLength(1);
    for (const t of timers) clearInterval(t);
  });

  it('without a resync on start emits the creating samples at once', () => {
    const calls: string[] = [];
    const actions = {
      runJiraSync: async () => ({ ok: true, result: {} }),
      scheduledJiraSync: async () => undefined,
      runPortResync: async () => {
        calls.push('resync');
        return { ok: true, result: {} };
      },
      emitEvent: async (name?: string) => {
        calls.push(`emit ${name}`);
        return 1;
      },
    };
    const timers = startRunning(actions, { syncOnStart: false, resyncOnStart: false, periodMs: 60_000, eventEveryMs: 0 }, () => undefined);
    expect(calls).toEqual(['emit creating']);
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
